"""The forum's rate limits on writing and reporting, per member; config.ratelimit counts them.

Applied by the views (the request path), not by forum.services, so the demo
loader and the benchmark generator write freely. Moderators are not limited.
"""

from config import ratelimit
from forum import access

# action: (how many, per how many seconds, what the member is told)
LIMITS = {
    "post": (
        20,
        600,
        "You have posted a lot in the last few minutes. Please wait a little before posting again.",
    ),
    "report": (
        10,
        3600,
        "You have sent many reports this hour. Moderators are on it; please wait before sending more.",
    ),
}


def hit(user, action: str) -> None:
    """Count one action by the member; raises LimitReached (its message is for them) past the limit."""
    if access.is_moderator(user):
        return
    limit, window, message = LIMITS[action]
    ratelimit.hit(f"forum:{action}", user.pk, limit=limit, window=window, message=message)
