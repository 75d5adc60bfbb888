"""Attachments: images and PDFs under posts and private messages, checked by their content and kept in
protected media; sent only to someone forum.access lets read them.

models (Attachment), services (checking, storing, loading for a page), views and urls (attach, download).
"""
