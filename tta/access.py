"""Who may see or do what in TTA: the one place these rules live.

A task force's assessment and requests belong to that task force: its members
read them, TTA staff read and triage everything, other task forces see nothing.
Only the task force's coordinator edits and submits its assessment.
"""

from django.db.models import Exists, OuterRef, Q

from members.access import in_group, is_member, requires
from members.roles import MEMBER, TTA_STAFF


def is_tta_staff(user) -> bool:
    return is_member(user) and in_group(user, TTA_STAFF)


def belongs_to(user, task_force_id) -> bool:
    return is_member(user) and task_force_id is not None and user.task_force_id == task_force_id


def can_view_assessment(user, assessment) -> bool:
    return is_tta_staff(user) or belongs_to(user, assessment.task_force_id)


def can_edit_assessment(user, task_force_id) -> bool:
    return belongs_to(user, task_force_id) and user.is_coordinator


can_submit_assessment = can_edit_assessment


def can_file_request(user, task_force_id) -> bool:
    return belongs_to(user, task_force_id)


def can_view_request(user, tta_request) -> bool:
    return is_tta_staff(user) or belongs_to(user, tta_request.task_force_id)


def can_triage(user) -> bool:
    return is_tta_staff(user)


def can_manage_cycles(user) -> bool:
    return is_tta_staff(user)


def can_answer_exchange(user, exchange) -> str | None:
    """Which side ("seeking" or "host") this user may accept for, or None."""
    if not (is_member(user) and user.is_coordinator):
        return None
    if user.task_force_id == exchange.seeking_id and exchange.seeking_accepted_by_id is None:
        return "seeking"
    if user.task_force_id == exchange.host_id and exchange.host_accepted_by_id is None:
        return "host"
    return None


def side_to_decline(user, exchange) -> str | None:
    """Which side ("seeking" or "host") this coordinator may decline for, or None.

    Either coordinator may decline while the exchange waits, even one who accepted earlier.
    """
    if not (is_member(user) and user.is_coordinator):
        return None
    if user.task_force_id == exchange.seeking_id:
        return "seeking"
    if user.task_force_id == exchange.host_id:
        return "host"
    return None


def can_view_exchange(user, exchange) -> bool:
    return is_tta_staff(user) or (
        is_member(user) and user.task_force_id in (exchange.seeking_id, exchange.host_id)
    )


def can_mark_figures_public(user) -> bool:
    return is_tta_staff(user)


def can_view_figure(user, is_public: bool) -> bool:
    """Staff see every dashboard figure; anyone, signed in or not, sees a figure staff marked public,
    and then only its aggregated, suppressed version (tta.analysis.public_version)."""
    return is_public or is_tta_staff(user)


def forum_categories_open_to_members():
    """Forum categories every member may read, as the forum's rules give them to the Member group.

    The matcher counts accepted answers only here, so a match shown to staff or
    a requester never reveals activity in a restricted category (Prosecutors).
    A category is open when it has no permission rows, or a row lets the Member
    group see and read it; a sub-category also needs an open parent.
    """
    from forum.models import Category, CategoryPermission

    def is_open(category_ref):
        rows = CategoryPermission.objects.filter(category_id=OuterRef(category_ref))
        return ~Exists(rows) | Exists(rows.filter(group__name=MEMBER, can_see=True, can_read=True))

    return Category.objects.filter(is_open("pk")).filter(Q(parent__isnull=True) | is_open("parent_id"))


OPEN_CATEGORIES_SECONDS = 300


def forum_category_ids_open_to_members() -> list[int]:
    """The ids of forum_categories_open_to_members(), cached under the forum's rights version.

    The matcher joins six tables already; with the open-category test inlined
    as a subquery of four EXISTS, PostgreSQL spent longer planning the query
    than running it. Any change to a category, a permission row or a group
    bumps the version (forum.apps), so with the shared cache production uses
    (Redis) the list is never stale. Development's local-memory cache is per
    process, so a change made in another process cannot bump this one's copy:
    entries expire after OPEN_CATEGORIES_SECONDS to bound that.
    """
    from django.core.cache import cache

    from forum.access import rights_version

    key = f"tta:open-forum-categories:{rights_version()}"
    ids = cache.get(key)
    if ids is None:
        ids = sorted(forum_categories_open_to_members().values_list("pk", flat=True))
        cache.set(key, ids, OPEN_CATEGORIES_SECONDS)
    return ids


# Anonymous users log in, pending users see their notice, other non-staff get 403.
tta_staff_only = requires(is_tta_staff, "Only TTA staff can see this page.")
