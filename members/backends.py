"""Authentication backend: refuses locked, deactivated and rejected accounts, and loads the
signed-in member's group names and second-factor state with their account.

Every signed-in page asks members.access whether the person is a member (their
groups) and whether they have a second factor (the membership gate). Loading
both in the query that fetches the session's user saves two round trips and two
compiled queries on every page, and they stay exactly as fresh as before: read
once per request, never cached across requests.
"""

from allauth.account.auth_backends import AuthenticationBackend
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.db.models import Aggregate, CharField, Exists, OuterRef, Subquery, Value

from config.prepared import MAX_KEY, MIN_KEY, PreparedQuery
from members import access, lockout

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


# The same query on every request but for the user's key, and compiling it cost more CPU than
# running it: its SQL is compiled once per database connection (config.prepared). Only the
# statement is kept; the row is read fresh on every request.
_USER = PreparedQuery(lambda key: _annotated_users().filter(pk=key).order_by("pk")[:1], "key")


def _load_user(user_id):
    """The user with their group names and second-factor state: ``_annotated_users()``, by key."""
    try:
        user_id = int(user_id)
    except (TypeError, ValueError):
        return None
    if not MIN_KEY <= user_id <= MAX_KEY:
        return None
    found = _USER.run(using=get_user_model()._default_manager.db, key=user_id)
    return found[0] if found else None


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
