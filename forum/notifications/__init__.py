"""Notifications: who hears about a new post (watchers, mentions, the quoted), the emails that tell them
(each one or a daily digest), and each member's preferences.

models (Notification, NotificationPreference, EmailFrequency, DigestDelivery), services (fan-out, emails,
digest, unsubscribe tokens), views and urls (the preferences page and the unsubscribe link). The
notification list itself is a forum page (forum.views), and the fan-out runs in forum.tasks.
"""
