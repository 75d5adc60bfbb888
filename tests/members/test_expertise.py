"""A member's one declaration of expertise (members.expertise), changed from the profile or from the
forum's preferences page, with one limit on both."""

import re

import pytest
from django.urls import reverse

from members import expertise
from taxonomy.models import Facet, Term

pytestmark = pytest.mark.django_db

PROFILE_FACETS = [Facet.PRACTICE_AREA, Facet.TRAFFICKING_TYPE, Facet.PHASE]


@pytest.fixture
def member(role_user):
    return role_user("member")


def _profile_post(member, terms):
    return {"full_name": member.full_name, "agency": member.agency, "expertise": [t.pk for t in terms]}


def test_a_subject_declared_on_the_forum_outside_the_profile_facets_survives_a_profile_save(client, member):
    outside = Term.objects.current().exclude(facet__in=PROFILE_FACETS).first()
    inside = Term.objects.current().filter(facet__in=PROFILE_FACETS).first()
    client.force_login(member)
    client.post("/forum/preferences/expertise/", {"terms": [outside.pk]})
    response = client.post(reverse("members:edit_profile"), _profile_post(member, [inside]))
    assert response.status_code == 302
    assert set(member.expertise.all()) == {outside, inside}
    # The profile form shows what it offers as declared.
    page = client.get(reverse("members:edit_profile")).content.decode()
    assert re.search(rf'value="{inside.pk}"[^>]*checked', page)


def test_the_profile_form_keeps_the_limit(client, member):
    offered = list(Term.objects.current().filter(facet__in=PROFILE_FACETS)[: expertise.MAX_DECLARED + 1])
    client.force_login(member)
    response = client.post(reverse("members:edit_profile"), _profile_post(member, offered))
    assert response.status_code == 200
    assert expertise.too_many_message() in response.content.decode()
    assert not member.expertise.exists()


def test_set_expertise_drops_retired_terms_and_refuses_too_many(member):
    current = list(Term.objects.current()[:3])
    retired = current.pop()
    Term.objects.filter(pk=retired.pk).update(retired=True)
    retired.refresh_from_db()
    expertise.set_expertise(member, [*current, retired])
    assert sorted(expertise.declared_term_ids(member)) == sorted(t.pk for t in current)
    with pytest.raises(expertise.TooManyTerms):
        expertise.set_expertise(member, Term.objects.current()[: expertise.MAX_DECLARED + 1])
    assert sorted(expertise.declared_term_ids(member)) == sorted(t.pk for t in current)
