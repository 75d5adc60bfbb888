"""Chainable reads, so views say what they show and the prefetching stays out of sight.

``Topic.objects.visible_to(user).with_state(user).for_list()`` gives a page of
topics with the member's read position and watch level annotated in the same
query, and tags prefetched in one more: the number of queries never grows with
the page.
"""

import weakref
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connections, models
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.db.models.query import get_related_populators

from forum import access


class CategoryQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(pk__in=access.forum_access(user).see)


class TopicQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Topics this user may read in lists: never deleted ones; unapproved only their own."""
        rights = access.forum_access(user)
        qs = self.filter(category_id__in=rights.read, is_deleted=False)
        if not rights.is_moderator:
            qs = qs.filter(Q(awaiting_approval=False) | Q(author_id=user.pk))
        return qs

    def readable_by(self, user):
        """Topics this user may open: moderators also open deleted ones."""
        rights = access.forum_access(user)
        if rights.is_moderator:
            return self.filter(category_id__in=rights.read)
        return self.visible_to(user)

    def with_state(self, user):
        """Annotate last_read and watch_level from the member's TopicState, in the same query."""
        states = apps.get_model("forum", "TopicState").objects.filter(user_id=user.pk, topic=OuterRef("pk"))
        return self.annotate(
            last_read=Coalesce(Subquery(states.values("last_read_post_number")[:1]), Value(0)),
            watch_level=Coalesce(Subquery(states.values("watch_level")[:1]), Value("normal")),
            level_chosen=Coalesce(Subquery(states.values("level_chosen")[:1]), Value(False)),
        )

    def with_draft(self, user):
        """Annotate draft_body: the member's saved reply to the topic, if any (forum.drafts)."""
        drafts = apps.get_model("forum", "Draft").objects.filter(user_id=user.pk, topic=OuterRef("pk"))
        return self.annotate(draft_body=Subquery(drafts.values("body")[:1]))

    def with_unread_notifications(self, user):
        """Annotate unread_notifications: the member's unread notification count (the forum menu's)."""
        return self.annotate(unread_notifications=Coalesce(Subquery(unread_notifications(user)), 0))

    def with_category_level(self, user):
        """Annotate category_watch_level: the member's level for the topic's category, or its parent's."""
        states = apps.get_model("forum", "CategoryState").objects.filter(user_id=user.pk)
        own = states.filter(category=OuterRef("category_id")).values("watch_level")[:1]
        parent = states.filter(category=OuterRef("category__parent_id")).values("watch_level")[:1]
        return self.annotate(category_watch_level=Coalesce(Subquery(own), Subquery(parent), Value("normal")))

    def without_muted_categories(self, user):
        """Leave out topics in categories the member muted, sub-categories of a muted one included."""
        muted = (
            apps.get_model("forum", "CategoryState")
            .objects.filter(user_id=user.pk, watch_level="muted")
            .values("category_id")
        )
        return self.exclude(Q(category_id__in=muted) | Q(category__parent_id__in=muted))

    def for_list(self):
        term = apps.get_model("taxonomy", "Term")
        return self.select_related("category").prefetch_related(
            Prefetch("tags", queryset=term.objects.only("id", "name", "slug"))
        )

    def latest(self):
        return self.order_by("-last_post_at", "-id")

    def unanswered(self):
        return self.filter(kind="question", accepted_post__isnull=True)

    def in_category(self, category):
        """A category's topics, pinned first: a sub-category's own, a top-level one's and its children's.

        Each is one range of an index (forum_topic_by_category, forum_topic_by_root).
        """
        where = Q(category=category) if category.parent_id else Q(root_category=category)
        return self.filter(where).order_by("-is_pinned", "-last_post_at", "-id")

    def tagged(self, term):
        return self.filter(tags=term)

    def started_by(self, user):
        return self.filter(author_id=user.pk)

    def watched_by(self, user):
        """Topics whose effective level for this member is watching.

        That is the topic's own level if the member chose one, else the level of
        its category, or of the parent category when the sub-category has none
        (the rule forum.notifications.watch_levels applies). Watched categories
        are worked out first (two small queries, only for members who watch
        one), so a member who watches none gets the plain indexed join.
        """
        categories = watched_categories(user)
        if not categories:
            # A join, so the database starts from the member's states (forum_state_watch_level).
            return self.filter(states__user_id=user.pk, states__watch_level="watching")
        states = apps.get_model("forum", "TopicState").objects.filter(user_id=user.pk, topic=OuterRef("pk"))
        watching = Q(Exists(states.filter(watch_level="watching")))
        chosen = states.filter(Q(level_chosen=True) | ~Q(watch_level="normal"))
        return self.filter(watching | (Q(category_id__in=categories) & ~Q(Exists(chosen))))


class PostQuerySet(models.QuerySet):
    def numbered(self, first, last):
        """The posts numbered first..last inclusive: a page, served by the (topic, number) index."""
        return self.filter(number__gte=first, number__lte=last).order_by("number")

    def with_helpful(self, user):
        reactions = apps.get_model("forum", "PostReaction").objects.filter(
            user_id=user.pk, post=OuterRef("pk")
        )
        return self.annotate(marked_helpful=Exists(reactions))


def unread_notifications(user):
    """forum.notifications.unread_count's query as one row with the count (no row when nothing is unread)."""
    notification = apps.get_model("forum", "Notification")
    unread = notification.objects.filter(user_id=user.pk, read_at__isnull=True).order_by()
    return unread.values("user_id").annotate(count=Count("pk")).values("count")


def watched_categories(user) -> list[int]:
    """The categories this member watches, a sub-category following its parent unless it has its own level."""
    category_state = apps.get_model("forum", "CategoryState")
    own = dict(
        category_state.objects.filter(user_id=user.pk)
        .exclude(watch_level="normal")
        .values_list("category_id", "watch_level")
    )
    if "watching" not in own.values():
        return []
    parents = apps.get_model("forum", "Category").objects.values_list("pk", "parent_id")
    return [pk for pk, parent_id in parents if own.get(pk, own.get(parent_id)) == "watching"]


class PreparedQuery:
    """A query whose SQL is compiled once per database connection; each run only binds new values.

    The topic page's reads are fixed in shape: only the member, the topic and the
    post numbers change. Django builds and compiles the SQL of a queryset on every
    evaluation, which for the topic query (three annotations, each a correlated
    subquery, and two joins) cost more CPU than everything the database did for
    it. Here ``build`` writes the query once with placeholder values, the compiled
    SQL is kept, and each run substitutes the real values for the placeholders'
    parameters and turns the rows into model instances as a queryset would
    (converters, select_related objects, annotations).

    ``build(**slots)`` receives one placeholder per name: an int for plain
    values, and, for a name ending in ``user``, an object whose ``pk`` is one,
    so the queryset methods that take a member (with_state, with_draft, ...)
    can be used unchanged. A queryset whose SQL would depend on anything but
    those values (a list whose length varies, a value compared in Python) must
    not be prepared: its SQL would be wrong for other values.
    """

    # In range of every integer field (an out-of-range value would change the SQL), and not a value
    # these queries hold as a constant.
    _BASE = 2_000_000_000

    def __init__(self, build, *slots):
        self.build = build
        self.slots = slots
        self._compiled = weakref.WeakKeyDictionary()  # by connection (one per thread and alias)

    def _placeholders(self):
        values = {}
        for i, name in enumerate(self.slots):
            number = self._BASE + i
            values[name] = _Member(number) if name.endswith("user") else number
        return values

    def _compile(self, connection):
        placeholders = self._placeholders()
        queryset = self.build(**placeholders)
        compiler = queryset.query.get_compiler(connection=connection)
        sql, params = compiler.as_sql()
        numbers = {name: getattr(v, "pk", v) for name, v in placeholders.items()}
        # A parameter may come wrapped for the database (psycopg's Int4 for an integer field on
        # PostgreSQL): each value is wrapped as its placeholder was.
        positions = {
            name: [
                (i, type(p))
                for i, p in enumerate(params)
                if isinstance(p, int) and not isinstance(p, bool) and p == number
            ]
            for name, number in numbers.items()
        }
        unused = [name for name, found in positions.items() if not found]
        if unused or compiler.has_extra_select:
            raise ValueError(f"Cannot prepare this query: {unused or 'extra select'}")
        compiled = _Compiled(sql=sql, params=list(params), positions=positions, compiler=compiler)
        klass_info, select = compiler.klass_info, compiler.select
        if klass_info is not None:  # Model instances; a values_list() query gives rows.
            start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
            compiled.model = klass_info["model"]
            compiled.model_slice = (start, end)
            compiled.init_list = [f[0].target.attname for f in select[start:end]]
            compiled.related = get_related_populators(klass_info, select, connection.alias)
            compiled.annotations = list(compiler.annotation_col_map.items())
        self._compiled[connection] = compiled
        return compiled

    def _rows(self, using, values):
        connection = connections[using]
        compiled = self._compiled.get(connection) or self._compile(connection)
        params = compiled.params.copy()
        for name, indexes in compiled.positions.items():
            value = values[name]
            value = value.pk if name.endswith("user") else value
            for i, kind in indexes:
                params[i] = value if kind is int else kind(value)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return compiled, compiled.compiler.results_iter([rows])

    def rows(self, using="default", **values) -> list[tuple]:
        """The rows (with the fields' converters applied) of a prepared ``values_list()`` query."""
        return [tuple(row) for row in self._rows(using, values)[1]]

    def run(self, using="default", **values) -> list:
        """The model instances for these values, as ``list(build(**values))`` would give them."""
        compiled, rows = self._rows(using, values)
        start, end = compiled.model_slice
        found = []
        for row in rows:
            obj = compiled.model.from_db(using, compiled.init_list, row[start:end])
            for populator in compiled.related:
                populator.populate(row, obj)
            for name, position in compiled.annotations:
                setattr(obj, name, row[position])
            found.append(obj)
        return found


class _Member:
    """Stands in for a member while a query is prepared: the queryset methods only read ``pk``."""

    def __init__(self, pk):
        self.pk = pk


@dataclass
class _Compiled:
    sql: str
    params: list
    positions: dict
    compiler: object
    model: type | None = None
    model_slice: tuple = ()
    init_list: list = field(default_factory=list)
    related: list = field(default_factory=list)
    annotations: list = field(default_factory=list)
