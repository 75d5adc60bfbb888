"""Who may see or do what in trainings: the one place these rules live.

- Anyone sees published public events; members also see members-only events. A
  members-only event is absent (404) for everyone else: from lists, the month view,
  the public feed and every page.
- Only approved members register or cancel.
- The join link is shown only to the member's own active registration as an attendee
  (not the waitlist), and to staff who manage the event; never in a list or public feed.
- Staff: TTA staff manage every event; editors manage public events only.
- Roll-call modules are for members only: a published module (its page, video, captions,
  transcript and facilitator's view) is a 404 for anyone else, and an unpublished one for
  everyone but TTA staff, who create and edit modules in the Wagtail admin.
- Evaluations: only an attendee (registered and marked present) of an event that has
  ended evaluates it; the event's staff see its aggregated results, never a response
  with a name.
"""

from members.access import in_group, is_member, requires
from members.roles import EDITOR, TTA_STAFF
from trainings.models import Event, Module, RegistrationStatus, Visibility


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


def can_evaluate(user, event, registration, now=None) -> bool:
    """``registration`` is this user's registration for the event, or None."""
    return bool(
        is_member(user)
        and registration is not None
        and registration.member_id == user.pk
        and registration.event_id == event.pk
        and registration.status == RegistrationStatus.REGISTERED
        and registration.attended is True
        and event.is_published
        and event.has_ended(now)
    )


def can_see_evaluation_results(user, event) -> bool:
    """Aggregated results of one event: its staff; set its questions too."""
    return can_manage_event(user, event)


def evaluation_result_events(user):
    """The events whose results this person sees pooled over time: the ones they manage."""
    return manageable_events(user)


# Pages for staff: anonymous users log in, pending users see their notice, others get 403.
event_staff_only = requires(can_create_events, "Only TTA staff and editors can manage events.")


def can_manage_modules(user) -> bool:
    """Create, edit and preview roll-call modules (the Wagtail admin snippet): TTA staff."""
    return is_tta_staff(user)


def visible_modules(user):
    """Published modules for members, drafts too for TTA staff, none for anyone else."""
    if can_manage_modules(user):
        return Module.objects.all()
    if is_member(user):
        return Module.objects.published()
    return Module.objects.none()


def can_view_module(user, module) -> bool:
    """The module's page, video, captions, transcript and facilitator's view."""
    if module.is_published:
        return is_member(user)
    return can_manage_modules(user)


def can_take_module_quiz(user, module) -> bool:
    """Only members complete modules, and only published ones (a draft's quiz may still change)."""
    return module.is_published and is_member(user)


# Attendance check-in, certificates and the training record (trainings.records).


def can_run_check_in(user, event) -> bool:
    """See the event's check-in code, to show it in the room: the event's own staff."""
    return can_manage_event(user, event)


def can_check_in(user, registration) -> bool:
    """Check in with the code: the member's own registration as an attendee (not the waitlist)."""
    return bool(
        registration is not None
        and is_member(user)
        and registration.member_id == user.pk
        and registration.status == RegistrationStatus.REGISTERED
    )


def can_have_record(user) -> bool:
    """A training record, its CSV and certificates: approved members, each only their own."""
    return is_member(user)


# The training record and certificates: anonymous users log in, pending users see their notice.
record_holders_only = requires(can_have_record, "Training records are for approved members.")
