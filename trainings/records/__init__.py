"""Attendance check-in codes, certificates of completion, their public verification and the
member's training record (issue 16).

The record page, its CSV and the certificates read only ``trainings.record_entries``; this
package adds one source to it (``event_source``: events attended) and knows nothing of any
other kind of training.
"""
