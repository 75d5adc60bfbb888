"""Authentication backend: refuses locked, deactivated and rejected accounts, and loads the
signed-in member's group names and second-factor state with their account.

Every signed-in page asks members.access whether the person is a member (their
groups) and whether they have a second factor (the membership gate). Loading
both in the query that fetches the session's user saves two round trips and two
compiled queries on every page, and they stay exactly as fresh as before: read
once per request, never cached across requests.
"""

import weakref

from allauth.account.auth_backends import AuthenticationBackend
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db import connections
from django.db.models import Aggregate, CharField, Exists, OuterRef, Subquery, Value

from members import access, lockout

# The range of a BigAutoField key: anything else names no user.
MIN_KEY, MAX_KEY = -(2**63), 2**63 - 1
# ASCII unit separator: cannot appear in a group name typed into the admin.
SEPARATOR = "\x1f"


class _JoinedText(Aggregate):
    """The values of a column joined by a separator, on PostgreSQL and SQLite."""

    function = "STRING_AGG"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="GROUP_CONCAT", **extra_context)


def _annotated_users():
    User = get_user_model()
    memberships = User.groups.through.objects.filter(user_id=OuterRef("pk"))
    names = (
        memberships.order_by()
        .values("user_id")
        .annotate(names=_JoinedText("group__name", Value(SEPARATOR)))
        .values("names")
    )
    second_factor = Authenticator.objects.filter(
        user_id=OuterRef("pk"), type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    )
    return User._default_manager.annotate(
        joined_group_names=Subquery(names, output_field=CharField()),
        has_second_factor=Exists(second_factor),
    )


# The query is the same on every request but for the user's key, and compiling it cost more CPU than
# running it: its SQL is compiled once per database connection, with a placeholder key that is then
# replaced by the session's. Only the statement is kept; the row is read fresh on every request.
_PLACEHOLDER_KEY = 2_000_000_000
_compiled = weakref.WeakKeyDictionary()


def _compile(connection):
    query = _annotated_users().filter(pk=_PLACEHOLDER_KEY).order_by("pk")[:1].query
    sql, params = query.get_compiler(connection=connection).as_sql()
    # On PostgreSQL the key may come wrapped for its column type; the real key is wrapped the same way.
    slots = [(i, type(p)) for i, p in enumerate(params) if type(p) is not bool and p == _PLACEHOLDER_KEY]
    if len(slots) != 1:
        raise ValueError("The user query's key parameter was not found")
    compiled = _compiled[connection] = (sql, list(params), slots[0])
    return compiled


def _load_user(user_id):
    """The user with their group names and second-factor state: ``_annotated_users()``, by key."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    if not MIN_KEY <= user_id <= MAX_KEY:
        return None
    manager = get_user_model()._default_manager
    connection = connections[manager.db]
    sql, params, (position, kind) = _compiled.get(connection) or _compile(connection)
    params = params.copy()
    params[position] = user_id if kind is int else kind(user_id)
    return next(iter(manager.raw(sql, params)), None)


class LockAwareAuthenticationBackend(AuthenticationBackend):
    def authenticate(self, request, **credentials):
        email = credentials.get("email") or credentials.get("username")
        if email and lockout.is_locked(email):
            return None
        return super().authenticate(request, **credentials)

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and user.status != "rejected"

    def get_user(self, user_id):
        user = _load_user(user_id)
        if user is None or not self.user_can_authenticate(user):
            return None
        joined = user.joined_group_names
        access.remember(
            user,
            group_names=frozenset(joined.split(SEPARATOR)) if joined else frozenset(),
            has_mfa=user.has_second_factor,
        )
        return user
