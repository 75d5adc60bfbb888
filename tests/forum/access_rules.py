"""Expected responses for the forum's routes in the access matrix, beyond the shared classes."""

from tests import access_rules as rules
from tests.factories import ROLES

# Members who are not the author are sent back to the post with a message.
AUTHOR_OR_MODERATOR = {**dict.fromkeys(ROLES, 302), "member": 200, "moderator": 200, "superuser": 200}

# Writes are POST only: a member's GET is refused; others go to log in / their notice first.
POST_ONLY = {**dict.fromkeys(ROLES, 405), "anonymous": rules.LOGIN, "pending": rules.PENDING}

# A prosecutors-only category: no other member learns it exists; moderators moderate it.
PROSECUTORS_ONLY = {
    **dict.fromkeys(ROLES, 404),
    "anonymous": rules.LOGIN,
    "pending": rules.PENDING,
    "moderator": 200,
    "superuser": 200,
}

# Moderation pages: other members are not told they exist.
MODERATORS = {**PROSECUTORS_ONLY}

# Edit history: nobody else learns a post was edited, or how.
AUTHOR_OR_MODERATOR_ELSE_404 = {
    **AUTHOR_OR_MODERATOR,
    **{role: 404 for role, status in AUTHOR_OR_MODERATOR.items() if status == 302},
}
AUTHOR_OR_MODERATOR_ELSE_404.update(anonymous=rules.LOGIN, pending=rules.PENDING)
