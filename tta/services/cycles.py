"""Assessment cycles (one open at a time) and the service targets that say when a request is overdue."""

from datetime import date

from django.db import transaction

from config.errors import ServiceError
from tta import access
from tta.models import FINISHED_STATUSES, Cycle, RequestStatus, ServiceTarget
from tta.services.checks import clean_text, require


def open_cycle(user, name: str, opens: date, closes: date) -> Cycle:
    """Open a new cycle; any other open cycle closes, so there is one current cycle."""
    require(access.can_manage_cycles(user), "Only TTA staff open cycles.")
    name = clean_text(name, "name", required=True, limit=80)
    if closes < opens:
        raise ServiceError("A cycle must close on or after the day it opens.", field="closes")
    with transaction.atomic():
        Cycle.objects.filter(is_open=True).update(is_open=False)
        cycle, _ = Cycle.objects.update_or_create(
            name=name, defaults={"opens": opens, "closes": closes, "is_open": True}
        )
    return cycle


def close_cycle(user, cycle: Cycle) -> Cycle:
    require(access.can_manage_cycles(user), "Only TTA staff close cycles.")
    Cycle.objects.filter(pk=cycle.pk).update(is_open=False)
    cycle.is_open = False
    return cycle


def set_service_target(user, status: str, days: int) -> ServiceTarget:
    require(access.can_manage_cycles(user), "Only TTA staff set service targets.")
    if status not in RequestStatus.values:
        raise ServiceError("Unknown status.", field="status")
    if status in FINISHED_STATUSES:
        raise ServiceError(
            "A closed or declined request is finished: it has no service target.", field="status"
        )
    if not isinstance(days, int) or not 1 <= days <= 365:
        raise ServiceError("A service target is 1 to 365 days.", field="days")
    target, _ = ServiceTarget.objects.update_or_create(status=status, defaults={"days": days})
    return target
