"""Moderation: the approval queue for new members' posts, redaction, moving, merging and splitting
topics, warnings, reports of posts and the moderation log.

models (ModerationAction, ModerationNote, PostReport, MemberWarning), services (each moderator action,
checked by forum.access), views and urls (the moderator pages on the site), wagtail_admin (the
"Forum moderation" listings in the Wagtail admin).
"""
