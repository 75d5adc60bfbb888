"""Trainings and events: the calendar, registration with waitlists, calendar feeds and reminders.

What it owns: ``Event`` (a webinar, in-person training, peer exchange or conference session),
``Registration`` (a member's seat or waitlist place), ``MemberPreference`` (a member's time zone
and secret calendar-feed token) and ``ReminderSent`` (the once-only marker of each reminder).
Who sees what is decided in ``trainings.access``; every change goes through
``trainings.registration`` (seats, waitlist) or ``trainings.events`` (staff editing).
"""
