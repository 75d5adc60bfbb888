"""Who may see or do what in trainings: the one place these rules live.

- Anyone sees published public events; members also see members-only events. A
  members-only event is absent (404) for everyone else: from lists, the month view,
  the public feed and every page.
- Only approved members register or cancel.
- The join link is shown only to the member's own active registration as an attendee
  (not the waitlist), and to staff who manage the event; never in a list or public feed.
- Staff: TTA staff manage every event; editors manage public events only.
"""

from members.access import in_group, is_member, requires
from members.roles import EDITOR, TTA_STAFF
from trainings.models import Event, RegistrationStatus, Visibility


def is_tta_staff(user) -> bool:
    return is_member(user) and in_group(user, TTA_STAFF)


def is_editor(user) -> bool:
    return is_member(user) and in_group(user, EDITOR)


def can_create_events(user) -> bool:
    return is_tta_staff(user) or is_editor(user)


def visibilities_for_new_event(user) -> list[str]:
    """The visibilities this person may give an event they create or edit."""
    if is_tta_staff(user):
        return [Visibility.PUBLIC, Visibility.MEMBERS]
    if is_editor(user):
        return [Visibility.PUBLIC]
    return []


def can_manage_event(user, event) -> bool:
    """Edit the event, see its roster and export it."""
    return is_tta_staff(user) or (is_editor(user) and event.visibility == Visibility.PUBLIC)


def manageable_events(user):
    """The events this person may edit: all for TTA staff, public ones for editors, none otherwise."""
    if is_tta_staff(user):
        return Event.objects.all()
    if is_editor(user):
        return Event.objects.filter(visibility=Visibility.PUBLIC)
    return Event.objects.none()


def visible_events(user):
    """The events this person may see listed: published, and members-only ones for members only."""
    events = Event.objects.published()
    if not is_member(user):
        events = events.filter(visibility=Visibility.PUBLIC)
    return events


def public_events():
    """Published public events: the only ones the public feed carries, whoever asks."""
    return Event.objects.published().filter(visibility=Visibility.PUBLIC)


def can_view_event(user, event) -> bool:
    if not event.is_published:
        return can_manage_event(user, event)
    return event.visibility == Visibility.PUBLIC or is_member(user)


def search_scope(event) -> str | None:
    """Who finds the event in site search: "public" (everyone) for a published public event,
    "members" (the scope members.search_provider grants members) for a published members-only
    one, None (not indexed) for an unpublished one."""
    if not event.is_published:
        return None
    return "public" if event.visibility == Visibility.PUBLIC else "members"


def can_register(user) -> bool:
    return is_member(user)


def can_see_join_link(user, event, registration) -> bool:
    """``registration`` is this user's active registration for the event, or None."""
    if can_manage_event(user, event):
        return True
    return bool(
        registration is not None
        and registration.member_id == getattr(user, "pk", None)
        and registration.status == RegistrationStatus.REGISTERED
        and is_member(user)
    )


# Pages for staff: anonymous users log in, pending users see their notice, others get 403.
event_staff_only = requires(can_create_events, "Only TTA staff and editors can manage events.")
