"""The actions that change TTA state, one module per concern; each action is one typed function
with its permission check and its transaction.

- ``checks``: the permission and text checks every action starts with.
- ``cycles``: assessment cycles and service targets.
- ``assessments``: a task force's needs assessment, saved as a draft and submitted.
- ``requests``: filing a TTA request, and the request's timeline of events.
- ``status``: the transitions a request may take, and moving it along them.
- ``triage``: assigning a request, internal notes, and staff's visits to the queue.
- ``peers``: which members and task forces can be matched as peers.
- ``matches``: the matcher's proposals and staff's own matches, for requests and needs.
- ``exchanges``: peer exchanges proposed, accepted and declined.
- ``fulfilment``: fulfilling a request by a training event (read through ``tta.training_events``).
- ``figures``: which dashboard figures are public.

A refused action raises a ``config.errors.ServiceError`` (``NotPermitted`` for a missing right);
requesters and staff are emailed after the change commits, so a rolled-back change never sends
mail. Reads that pages need live in ``tta.querysets``.
"""
