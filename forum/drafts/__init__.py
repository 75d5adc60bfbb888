"""Server-side drafts: a member's unsent reply (one per topic) and new topic, so no text is lost.

models (Draft), services (save, load, discard), views and urls (the endpoints drafts.js saves to).
"""
