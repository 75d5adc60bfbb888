"""Private messages: conversations between two or more members, read only by their current
participants; a moderator reads a message only once a participant reports it.

models (Conversation, ConversationParticipant, ConversationMessage, MessageReport), services (start, send,
leave, report), views and urls (/forum/messages/).
"""
