"""The checks every TTA action starts with: the person's right to act, and the text they typed."""

from config.errors import NotPermitted, ServiceError
from tta.models import MAX_TEXT


def require(allowed: bool, message: str) -> None:
    """Refuse the action with ``message`` unless ``allowed`` (a rule from tta.access)."""
    if not allowed:
        raise NotPermitted(message)


def clean_text(value, field, *, required=False, limit=MAX_TEXT) -> str:
    """Typed text without NUL characters or outer space; refused when empty (if required) or too long."""
    value = str(value or "").replace("\x00", "").strip()
    if required and not value:
        raise ServiceError("This cannot be empty.", field=field)
    if len(value) > limit:
        raise ServiceError(f"Keep this to {limit:,} characters or fewer.", field=field)
    return value
