"""A member's training preferences: their time zone and the secret token of their calendar feed."""

import zoneinfo

from django.conf import settings

from members.access import is_member
from trainings.models import MemberPreference, new_calendar_token


def preference_for(user) -> MemberPreference:
    """The member's row, made on first use (its token is random)."""
    preference, _ = MemberPreference.objects.get_or_create(user=user)
    return preference


def viewer_zone(user) -> zoneinfo.ZoneInfo:
    """The zone a page shows times in: the member's own, else the site's (one query for members)."""
    if is_member(user):
        name = MemberPreference.objects.filter(user=user).values_list("time_zone", flat=True).first()
        if name:
            return zoneinfo.ZoneInfo(name)
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def set_time_zone(user, name: str) -> MemberPreference:
    preference = preference_for(user)
    preference.time_zone = name
    preference.full_clean(exclude=["user", "calendar_token"])
    preference.save(update_fields=["time_zone"])
    return preference


def reset_calendar_token(user) -> MemberPreference:
    """A new secret: the old feed URL stops working at once (it then answers 404)."""
    preference = preference_for(user)
    preference.calendar_token = new_calendar_token()
    preference.save(update_fields=["calendar_token"])
    return preference
