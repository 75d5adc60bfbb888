"""A kind whose entries all carry one family of scopes is not searched for visitors outside it.

The forum's entries are all scoped "forum:<category>" and member profiles
"members": an anonymous visitor may see none of them, and reading a million
forum entries to find that out took most of a second. The kind's provider
promises the prefix, search skips the kind for visitors without such a scope,
and the index refuses an entry that breaks the promise.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search import registry
from search.index import index_changed, index_document, search
from search.models import IndexEntry
from tests.search.factories import IndexDocumentFactory

pytestmark = pytest.mark.django_db


def _team_scopes(user):
    return {"team:1"} if getattr(user, "is_authenticated", False) else set()


@pytest.fixture
def casefile_kind():
    """A "casefile" kind whose entries are all scoped "team:<n>"; signed-in users get "team:1"."""
    saved = dict(registry._providers)
    registry.register_provider("casefile", lambda: iter(()), label="Case files", scope_prefix="team:")
    registry.register_scope_resolver(_team_scopes)
    yield "casefile"
    registry._providers.clear()
    registry._providers.update(saved)
    registry._scope_resolvers.remove(_team_scopes)


def _searched_sql(query, user):
    index_changed()  # result pages are cached until the index changes
    with CaptureQueriesContext(connection) as captured:
        found = search(query, user=user)
    return found, " ".join(q["sql"] for q in captured.captured_queries)


def test_a_visitor_without_the_kinds_scopes_is_not_searched_for_it(casefile_kind, practice_kind, member):
    index_document(
        IndexDocumentFactory(kind="casefile", key="c1", title="Restitution ledger", scope="team:1")
    )
    index_document(IndexDocumentFactory(kind="practice", key="p1", title="Restitution guide"))

    anonymous, anonymous_sql = _searched_sql("restitution", AnonymousUser())
    signed_in, member_sql = _searched_sql("restitution", member)

    assert [hit.key for hit in anonymous.results] == ["p1"]
    assert anonymous.kind_counts == {"practice": 1}
    assert "'casefile'" not in anonymous_sql and "casefile" not in str(anonymous.facets)
    assert {hit.key for hit in signed_in.results} == {"c1", "p1"}
    assert "casefile" in member_sql


def test_asking_for_the_kind_without_its_scopes_finds_nothing(casefile_kind):
    index_document(
        IndexDocumentFactory(kind="casefile", key="c1", title="Restitution ledger", scope="team:1")
    )

    found = search("restitution", user=AnonymousUser(), kinds=["casefile"])

    assert found.results == [] and found.total == 0


def test_an_entry_that_breaks_its_kinds_scope_promise_is_refused(casefile_kind):
    with pytest.raises(ValueError, match="must start with 'team:'"):
        index_document(IndexDocumentFactory(kind="casefile", key="c1", title="Open ledger", scope="public"))

    assert not IndexEntry.objects.filter(kind="casefile").exists()


def test_the_forum_and_member_profiles_promise_their_scopes():
    assert registry.scope_prefix_of("forum_topic") == "forum:"
    assert registry.scope_prefix_of("forum_post") == "forum:"
    assert registry.scope_prefix_of("profile") == "members"
    assert registry.scope_prefix_of("practice") == ""
