"""Member profiles in search: who finds them, and how the index follows account and profile changes."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from members import services
from members.models import User
from search.index import search
from search.models import IndexEntry
from taxonomy.models import Term
from tests.factories import TaskForceFactory, UserFactory

pytestmark = pytest.mark.django_db


def profile_keys(query, user):
    return {r.key for r in search(query, user=user, kinds=["profile"]).results}


@pytest.fixture
def expert():
    user = UserFactory(
        full_name="Marisol Quintanilla",
        agency="Franklin County Prosecutor's Office",
        bio="Leads multidisciplinary case review for labor cases.",
        task_force=TaskForceFactory(name="Buckeye Anti-Trafficking Coalition"),
    )
    user.expertise.add(Term.objects.get(slug="financial-investigation"))
    return user


@pytest.mark.parametrize(
    "query",
    [
        "Marisol",
        "quintanilla marisol",
        "Franklin prosecutor",
        "financial investigation",
        "Buckeye",
        "multidisc",
    ],
)
def test_a_member_finds_a_profile_by_name_agency_expertise_task_force_or_bio(member, expert, query):
    assert profile_keys(query, member) == {str(expert.pk)}


def test_a_profile_result_links_to_the_profile_and_carries_its_expertise_topics(member, expert):
    result = search("quintanilla", user=member).results[0]

    assert (result.kind, result.kind_label, result.url) == (
        "profile",
        "Member profiles",
        f"/members/{expert.pk}/",
    )
    assert result.topics == ("financial-investigation",)
    assert result.title == "Marisol Quintanilla"


@pytest.mark.parametrize("visitor", ["anonymous", "none", "pending", "rejected", "deactivated", "no_group"])
def test_only_members_see_profiles_in_the_index_query(visitor, expert, pending):
    user = {
        "anonymous": AnonymousUser(),
        "none": None,
        "pending": pending,
        "rejected": UserFactory(status=User.Status.REJECTED, groups=["Member"]),
        "deactivated": UserFactory(is_active=False, groups=["Member"]),
        "no_group": UserFactory(),  # approved but never put in the Member group
    }[visitor]

    page = search("quintanilla", user=user)

    assert (page.total, page.results, page.kind_counts) == (0, [], {})


def test_pending_and_rejected_applicants_are_never_indexed(member):
    applicant = UserFactory(full_name="Pending Zebulon", status=User.Status.PENDING)
    rejected = UserFactory(full_name="Rejected Zebulon", status=User.Status.REJECTED)

    assert profile_keys("zebulon", member) == set()
    assert not IndexEntry.objects.filter(key__in=[str(applicant.pk), str(rejected.pk)]).exists()


def test_approving_an_applicant_indexes_their_profile(role_user, member):
    admin = role_user("membership_admin")
    applicant = UserFactory(full_name="Newly Approved Ximena", status=User.Status.PENDING)

    services.approve_applicant(applicant, groups=[], by=admin)

    assert profile_keys("ximena", member) == {str(applicant.pk)}


@pytest.mark.parametrize("change", [{"is_active": False}, {"status": User.Status.REJECTED}])
def test_a_profile_leaves_the_index_when_its_account_is_deactivated_or_rejected(member, expert, change):
    for field, value in change.items():
        setattr(expert, field, value)
    expert.save()

    assert profile_keys("quintanilla", member) == set()
    assert not IndexEntry.objects.filter(kind="profile", key=str(expert.pk)).exists()


def test_the_inactivity_job_and_reactivation_keep_the_index_right(role_user, member, expert):
    # Both change the account with QuerySet.update(); the index follows their audit events.
    User.objects.filter(pk=expert.pk).update(date_joined=timezone.now() - timezone.timedelta(days=400))
    User.objects.exclude(pk=expert.pk).update(last_login=timezone.now())

    assert services.deactivate_inactive_accounts() == 1
    assert profile_keys("quintanilla", member) == set()

    services.reactivate_account(expert, by=role_user("membership_admin"))
    assert profile_keys("quintanilla", member) == {str(expert.pk)}


def test_a_deleted_account_leaves_the_index(member, expert):
    expert.delete()

    assert profile_keys("quintanilla", member) == set()


def test_editing_the_profile_reindexes_it(member, expert):
    expert.full_name = "Marisol Okonkwo"
    expert.bio = "Hospitality sector outreach."
    expert.save()

    assert profile_keys("okonkwo hospitality", member) == {str(expert.pk)}
    assert profile_keys("quintanilla", member) == set()


def test_expertise_changes_from_either_side_reindex_the_profile(member, expert):
    agriculture = Term.objects.get(slug="labor-trafficking-agriculture")

    expert.expertise.remove(Term.objects.get(slug="financial-investigation"))
    assert profile_keys("financial investigation", member) == set()

    agriculture.experts.add(expert)
    result = search("agriculture", user=member).results[0]
    assert (result.key, result.topics) == (str(expert.pk), ("labor-trafficking-agriculture",))

    expert.expertise.clear()
    assert profile_keys("agriculture", member) == set()


def test_renaming_a_term_or_a_task_force_reindexes_the_profiles_that_show_it(member, expert):
    term = Term.objects.get(slug="financial-investigation")
    term.name = "Follow the money"
    term.save()
    expert.task_force.name = "Scioto Valley Coalition"
    expert.task_force.save()

    assert profile_keys("follow money", member) == {str(expert.pk)}
    assert profile_keys("scioto valley", member) == {str(expert.pk)}
    assert profile_keys("buckeye", member) == set()


def test_a_log_in_does_not_rewrite_the_profile_entry(expert):
    expert.last_login = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        expert.save(update_fields=["last_login"])

    assert not [q for q in queries.captured_queries if "sitesearch" in q["sql"]]


def test_rebuild_search_index_reindexes_listed_profiles_only(member, expert, capsys):
    gone = UserFactory(full_name="Stale Entry Person")
    User.objects.filter(pk=gone.pk).update(is_active=False)  # no signal: the index is now stale
    IndexEntry.objects.filter(kind="profile", key=str(expert.pk)).delete()

    call_command("rebuild_search_index", "--kind", "profile")

    assert profile_keys("quintanilla", member) == {str(expert.pk)}
    assert profile_keys("stale", member) == set()
    listed = User.objects.filter(is_active=True, status=User.Status.APPROVED).count()
    assert IndexEntry.objects.filter(kind="profile").count() == listed
    assert "Member profiles (profile)" in capsys.readouterr().out


def test_rebuild_search_index_without_a_kind_rebuilds_every_provider(member, expert):
    IndexEntry.objects.all().delete()

    call_command("rebuild_search_index")

    assert profile_keys("quintanilla", member) == {str(expert.pk)}


def test_rebuild_search_index_refuses_an_unknown_kind():
    with pytest.raises(CommandError, match="Unknown kind nonsense"):
        call_command("rebuild_search_index", "--kind", "nonsense")
