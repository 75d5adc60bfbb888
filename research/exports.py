"""Platform snapshots: the site's aggregates exported as dataset versions before a run needs them.

Notebooks never query the live database. Each export is a CSV with exactly the
columns of its schema in ``research.schemas``, stored as a new version only if
it differs from the last one (so an unchanged site keeps the run cache true).
No names, emails or post text ever appear: authors are reduced to their role
and task forces to a code (TF-0012).
Read-only use of the tta, forum, trainings and measures models (trainings: ``research.training_evaluations``;
measures: ``research.performance_measures``).
"""

import csv
import io

from django.contrib.auth import get_user_model
from django.db import transaction

from members import roles
from research import datasets, spreadsheet
from research.models import Dataset
from research.performance_measures import performance_measures_rows
from research.training_evaluations import training_evaluations_rows

EXPORTS = (
    "tta_needs",
    "tta_requests",
    "forum_topics",
    "forum_posts",
    "training_evaluations",
    "performance_measures",
)
CLOSED_STATUSES = {"delivered", "closed", "declined"}
# The role an author is counted under: the first of their groups in this order.
ROLE_ORDER = [
    (roles.RESEARCHER, "researcher"),
    (roles.TTA_STAFF, "tta_staff"),
    (roles.MODERATOR, "moderator"),
    (roles.REVIEWER, "reviewer"),
    (roles.EDITOR, "editor"),
    (roles.MEMBERSHIP_ADMIN, "membership_admin"),
    (roles.MEMBER, "member"),
]


def _csv(header, rows):
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    # Codes and counts only, but a task force's typed text must never become a spreadsheet formula.
    writer.writerows([[spreadsheet.safe_cell(cell) for cell in row] for row in rows])
    return out.getvalue().encode("utf-8")


def _date(value):
    return value.date().isoformat() if value else ""


def _datetime(value):
    return value.isoformat() if value else ""


def _author_roles(user_ids):
    through = get_user_model().groups.through
    groups = {}
    for user_id, name in through.objects.filter(user_id__in=set(user_ids)).values_list(
        "user_id", "group__name"
    ):
        groups.setdefault(user_id, set()).add(name)
    result = {}
    for user_id in user_ids:
        held = groups.get(user_id, set())
        result[user_id] = next((label for group, label in ROLE_ORDER if group in held), "former_member")
    return result


def task_force_code(task_force) -> str:
    """The code a task force goes by in the TTA exports: stable, so needs and requests
    join on it, but not its name, so nothing a notebook writes into a brief names one."""
    return f"TF-{task_force.pk:04d}"


def tta_needs_rows():
    from tta.models import AreaRating, NeedsAssessment

    ratings = (
        AreaRating.objects.filter(assessment__status=NeedsAssessment.Status.SUBMITTED)
        .select_related("assessment__cycle", "assessment__task_force", "term")
        .order_by("assessment__cycle__name", "assessment__task_force__name", "term__slug")
    )
    header = ["cycle", "task_force", "state", "region", "area", "area_label", "facet", "capacity", "priority"]
    rows = (
        [
            r.assessment.cycle.name,
            task_force_code(r.assessment.task_force),
            r.assessment.task_force.state,
            r.assessment.task_force.region,
            r.term.slug,
            r.term.name,
            r.term.facet,
            "" if r.capacity is None else r.capacity,
            "" if r.priority is None else r.priority,
        ]
        for r in ratings.iterator()
    )
    return header, rows


def tta_requests_rows():
    from tta.models import TTARequest

    requests = TTARequest.objects.select_related("task_force", "topic").order_by("pk")
    header = [
        "request_id",
        "task_force",
        "region",
        "topic",
        "topic_label",
        "status",
        "created",
        "closed",
        "delivered",
    ]
    rows = (
        [
            r.pk,
            task_force_code(r.task_force),
            r.task_force.region,
            r.topic.slug,
            r.topic.name,
            r.status,
            _date(r.created_at),
            _date(r.status_changed_at) if r.status in CLOSED_STATUSES else "",
            str(r.status == "delivered").lower(),
        ]
        for r in requests.iterator()
    )
    return header, rows


def forum_topics_rows():
    from django.db.models import Min, Q

    from forum.models import Topic

    topics = list(
        Topic.objects.filter(is_deleted=False, awaiting_approval=False)
        .select_related("category")
        .prefetch_related("tags")
        .annotate(
            first_reply_at=Min(
                "posts__created_at",
                filter=Q(posts__number__gt=1, posts__is_deleted=False, posts__is_hidden=False),
            )
        )
        .order_by("pk")
    )
    author_roles = _author_roles([t.author_id for t in topics if t.author_id])
    header = [
        "topic_id",
        "category",
        "kind",
        "created",
        "first_reply_at",
        "answered",
        "replies",
        "tags",
        "author_role",
    ]
    rows = [
        [
            t.pk,
            t.category.slug,
            t.kind,
            _datetime(t.created_at),
            _datetime(t.first_reply_at),
            str(t.accepted_post_id is not None).lower(),
            t.reply_count,
            ";".join(sorted(tag.slug for tag in t.tags.all())),
            author_roles.get(t.author_id, "former_member"),
        ]
        for t in topics
    ]
    return header, rows


def forum_posts_rows():
    from forum.models import Post

    posts = list(
        Post.objects.filter(is_deleted=False, is_hidden=False, topic__is_deleted=False)
        .order_by("pk")
        .values_list("pk", "topic_id", "created_at", "author_id")
    )
    author_roles = _author_roles([p[3] for p in posts if p[3]])
    header = ["post_id", "topic_id", "created", "author_role"]
    rows = [
        [pk, topic_id, _datetime(created), author_roles.get(author, "former_member")]
        for pk, topic_id, created, author in posts
    ]
    return header, rows


BUILDERS = {
    "tta_needs": tta_needs_rows,
    "tta_requests": tta_requests_rows,
    "forum_topics": forum_topics_rows,
    "forum_posts": forum_posts_rows,
    "training_evaluations": training_evaluations_rows,
    "performance_measures": performance_measures_rows,
}


def export_dataset(schema_name):
    dataset, _ = Dataset.objects.get_or_create(
        name=schema_name.replace("_", "-"),
        defaults={
            "schema_name": schema_name,
            "source": "Task Force Commons platform export",
            "licence": "Internal: researchers and TTA staff only",
            "sensitive": True,
            "is_platform_export": True,
        },
    )
    return dataset


def snapshot(schema_name):
    """The current export of ``schema_name`` as a DatasetVersion: the last one if nothing changed."""
    header, rows = BUILDERS[schema_name]()
    data = _csv(header, rows)
    dataset = export_dataset(schema_name)
    from research.provenance import sha256_file

    digest = sha256_file(io.BytesIO(data))
    with transaction.atomic():
        last = dataset.versions.order_by("-number").first()
        if last is not None and last.sha256 == digest:
            return last
        version = datasets.store_version(
            dataset, data, None, original_name=f"{schema_name}-export.csv", validate_now=True
        )
    if version.row_count == 0 and len(version.errors) == 1 and "no data rows" in version.errors[0]:
        # A new site has no rows of this kind yet; the notebook reports that, it is not an error.
        version.status = version.Status.VALID
        version.warnings = ["The platform has no rows of this kind yet.", *version.warnings]
        version.errors = []
        version.save(update_fields=["status", "warnings", "errors"])
    return version
