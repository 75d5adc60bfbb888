"""TTA: needs assessments, TTA requests, and matching them to resources and peers.

Where things live: ``models`` (the data), ``access`` (who may see or do what),
``querysets`` (the reads pages, exports and services share), ``services/`` (the
actions that change state, one module per concern), ``views/`` (pages by who uses
them; each staff action has its own POST-only URL), ``matching`` (the matcher),
``analysis`` (dashboard figures and CSV), ``reminders`` and ``jobs`` (the daily
overdue email), ``demo`` (demo content).
"""
