"""The framework internals of config.compat still exist, with the shape the code relies on.

Each test fails loudly when an upgrade changes a pinned framework's version
(major.minor) or the signature of an internal config.compat uses: re-check
that use against the new release (and re-measure the figure its comment
gives), then move the pin in config.compat.CHECKED_VERSIONS.
"""

import inspect
from importlib.metadata import version

import pytest

from config.compat import CHECKED_VERSIONS


def _major_minor(distribution):
    return tuple(int(part) for part in version(distribution).split(".")[:2])


@pytest.mark.parametrize(
    ("name", "distribution"),
    [("django", "Django"), ("wagtail", "wagtail"), ("allauth", "django-allauth")],
)
def test_the_installed_framework_is_the_version_the_internals_were_checked_against(name, distribution):
    assert _major_minor(distribution) == CHECKED_VERSIONS[name], (
        f"{distribution} is now {version(distribution)}: re-check config/compat/{name}.py, then move the pin"
    )


def _parameters(function):
    return list(inspect.signature(function).parameters)


def test_djangos_compiler_internals_keep_their_shape():
    from django.db.models.query import RelatedPopulator, get_related_populators
    from django.db.models.sql.compiler import SQLCompiler

    assert _parameters(get_related_populators) == ["klass_info", "select", "db"]
    assert _parameters(RelatedPopulator.populate) == ["self", "row", "from_obj"]
    assert _parameters(SQLCompiler.get_converters) == ["self", "expressions"]
    assert _parameters(SQLCompiler.apply_converters) == ["self", "rows", "converters"]
    assert _parameters(SQLCompiler.has_composite_fields) == ["self", "expressions"]
    assert "self.get_converters(fields)" in inspect.getsource(SQLCompiler.results_iter)
    assert _parameters(SQLCompiler.as_sql)[0] == "self"
    source = inspect.getsource(SQLCompiler.setup_query)
    for attribute in ("self.select", "self.klass_info", "self.annotation_col_map"):
        assert attribute in source
    assert "self.has_extra_select" in inspect.getsource(SQLCompiler.pre_sql_setup)


@pytest.mark.django_db
def test_a_prepared_query_reads_what_the_queryset_reads():
    # The compat functions end to end: select_related objects, annotations and converters.
    from django.db.models import Count

    from config.prepared import PreparedQuery
    from tests.factories import UserFactory

    user = UserFactory()

    def build(key):
        User = type(user)
        return User.objects.select_related("task_force").annotate(groups_n=Count("groups")).filter(pk=key)

    found = PreparedQuery(build, "key").run(key=user.pk)
    expected = list(build(user.pk))
    assert [(u.pk, u.email, u.date_joined, u.groups_n, u.task_force) for u in found] == [
        (u.pk, u.email, u.date_joined, u.groups_n, u.task_force) for u in expected
    ]


def test_wagtails_site_lookup_still_asks_the_private_lookup_with_the_request():
    from wagtail.models import Site

    from config.compat import wagtail as wagtail_compat

    assert "Site._find_for_request(request)" in inspect.getsource(Site.find_for_request)
    assert _parameters(wagtail_compat.wagtail_find_site) == ["request"]
    # cms.hotpath's cached lookup is the one installed (CmsConfig.ready).
    from cms import hotpath

    assert Site._find_for_request is hotpath.find_site


def test_allauths_record_authentication_keeps_its_signature():
    from allauth.account.authentication import get_authentication_records
    from allauth.account.internal.flows import login

    assert _parameters(login.record_authentication) == ["request", "user", "method", "extra_data"]
    # What records are written to is what members.access reads through the public API.
    assert login.get_authentication_records is get_authentication_records


@pytest.mark.django_db
def test_a_recorded_second_factor_is_what_allauths_public_reader_sees(rf):
    from allauth.account.authentication import get_authentication_records
    from django.contrib.sessions.backends.cache import SessionStore

    from config.compat.allauth import record_authentication
    from tests.factories import UserFactory

    user = UserFactory()
    request = rf.get("/")
    request.session = SessionStore()
    record_authentication(request, user, "mfa", id=1, type="totp")
    assert [r["method"] for r in get_authentication_records(request, user)] == ["mfa"]


def test_allauths_other_internals_used_by_members_keep_their_shape():
    from allauth.mfa.totp.internal import auth as totp_auth

    from config.compat import allauth as allauth_compat

    assert _parameters(allauth_compat.clear_login) == ["request"]
    # The enrolment form (members.mfa_flow) keeps its secret under this session key.
    assert "session[SECRET_SESSION_KEY]" in inspect.getsource(totp_auth)
    assert _parameters(allauth_compat.TOTP.activate) == ["user", "secret"]
    assert _parameters(allauth_compat.RecoveryCodes.activate) == ["user"]
    assert _parameters(allauth_compat.hotp_value) == ["secret", "counter"]
    assert _parameters(allauth_compat.format_hotp_value) == ["value"]
    # Tests and benches: enrolling TOTP, and the code step's rate limits.
    assert _parameters(allauth_compat.generate_totp_secret) == ["length"]
    assert _parameters(allauth_compat.parse_rates) == ["rates"]


def test_djangos_update_internals_keep_their_shape():
    # config.compat.django.compile_update does what QuerySet.update does up to running it.
    from django.db.models import QuerySet
    from django.db.models.sql import UpdateQuery
    from django.db.models.sql.compiler import SQLUpdateCompiler

    source = inspect.getsource(QuerySet.update)
    for step in (
        "self.query.chain(sql.UpdateQuery)",
        "query.add_update_values(kwargs)",
        "clear_select_clause",
    ):
        assert step in source
    assert _parameters(UpdateQuery.add_update_values) == ["self", "values"]
    assert "related_updates" in inspect.getsource(SQLUpdateCompiler.execute_sql)
    assert "self.pre_sql_setup()" in inspect.getsource(SQLUpdateCompiler.as_sql)


@pytest.mark.django_db
def test_a_prepared_update_changes_what_the_queryset_update_changes():
    from datetime import UTC, datetime

    from django.db.models import F

    from config.prepared import PreparedUpdate
    from tests.factories import UserFactory

    users = [UserFactory(), UserFactory(), UserFactory()]
    User = type(users[0])
    rename = PreparedUpdate(
        lambda key, name, when: (
            User.objects.filter(pk__gte=key),
            {"full_name": name, "last_login": when, "is_active": F("is_active")},
        ),
        "key",
        "name",
        "when",
        kinds={"name": str, "when": datetime},
    )
    moment = datetime(2026, 12, 7, 10, 30, 15, 123456, tzinfo=UTC)
    hostile = "O'Brien\"; DELETE FROM members_user;--"
    assert rename.run(key=users[1].pk, name=hostile, when=moment) == 2
    assert [
        (u.full_name, u.last_login) for u in User.objects.filter(pk__in=[u.pk for u in users]).order_by("pk")
    ][1:] == [(hostile, moment), (hostile, moment)]
    assert User.objects.get(pk=users[0].pk).full_name == users[0].full_name
    # The kept statement binds new values again, and refuses what it could not bind as the field would.
    assert rename.run(key=users[2].pk, name="Ana", when=moment) == 1
    assert User.objects.get(pk=users[2].pk).full_name == "Ana"
    with pytest.raises(ValueError, match="aware"):
        rename.run(key=users[2].pk, name="Ana", when=datetime(2026, 1, 1))
    with pytest.raises(ValueError, match="text"):
        rename.run(key=users[2].pk, name=5, when=moment)


@pytest.mark.django_db
def test_an_update_of_more_than_one_table_is_not_prepared():
    from cms.models.home import HomePage
    from config.prepared import PreparedQuery, PreparedUpdate

    # A page type's own fields and Page's are two tables: QuerySet.update would run two statements.
    both = PreparedUpdate(lambda key: (HomePage.objects.filter(pk=key), {"title": "x"}), "key")
    with pytest.raises(ValueError, match="more than one table"):
        both.run(key=1)
    with pytest.raises(ValueError, match="int, datetime or str"):
        PreparedQuery(lambda key: None, "key", kinds={"key": float})
    # A kind for a misspelt slot would leave the real slot bound as a number.
    with pytest.raises(ValueError, match="no slot"):
        PreparedQuery(lambda key: None, "key", kinds={"kye": str})


def test_djangos_database_session_store_still_reads_through_the_method_config_sessions_overrides():
    from django.contrib.sessions.backends.db import SessionStore

    assert _parameters(SessionStore._get_session_from_db) == ["self"]
    assert "self._get_session_from_db()" in inspect.getsource(SessionStore.load)
