"""The controlled vocabulary: seeded from domain.md, edited by staff, retired rather than deleted."""

import pytest
from django.core.exceptions import ValidationError

from taxonomy.models import Facet, Term
from taxonomy.vocabulary import AUDIENCES, PHASES, PRACTICE_AREAS, RESOURCE_TYPES

pytestmark = pytest.mark.django_db


def names(facet):
    return list(Term.objects.filter(facet=facet, parent__isnull=True).values_list("name", flat=True))


def test_every_facet_is_seeded_in_order():
    assert names(Facet.PHASE) == PHASES
    assert names(Facet.PRACTICE_AREA) == PRACTICE_AREAS
    assert names(Facet.AUDIENCE) == AUDIENCES
    assert names(Facet.RESOURCE_TYPE) == RESOURCE_TYPES
    labor = Term.objects.get(slug="labor-trafficking")
    assert sorted(labor.children.values_list("name", flat=True)) == [
        "Labor trafficking: agriculture",
        "Labor trafficking: construction",
        "Labor trafficking: domestic work",
        "Labor trafficking: hospitality",
        "Labor trafficking: other",
    ]
    assert Term.objects.filter(facet=Facet.CALLOUT_KIND).count() == 4


def test_terms_are_retired_not_deleted():
    term = Term.objects.get(slug="coordination")
    with pytest.raises(ValidationError):
        term.delete()
    term.retired = True
    term.save()
    assert not Term.objects.current().filter(slug="coordination").exists()
    assert Term.objects.filter(slug="coordination").exists()


def test_a_broader_term_must_share_the_facet():
    term = Term(facet=Facet.AUDIENCE, name="Night patrol", parent=Term.objects.get(slug="coordination"))
    with pytest.raises(ValidationError):
        term.full_clean()


def test_staff_edit_terms_in_the_admin_but_cannot_delete_them(client, role_user):
    tta = role_user("tta_staff")
    client.force_login(tta)
    term = Term.objects.get(slug="coordination")
    listing = client.get("/admin/snippets/taxonomy/term/")
    assert listing.status_code == 200
    assert "Coordination" in listing.content.decode()
    edit = client.get(f"/admin/snippets/taxonomy/term/edit/{term.pk}/")
    assert edit.status_code == 200
    delete = client.post(f"/admin/snippets/taxonomy/term/delete/{term.pk}/")
    assert delete.status_code in (302, 403)
    assert Term.objects.filter(pk=term.pk).exists()
    boss = role_user("superuser")
    client.force_login(boss)
    client.post(f"/admin/snippets/taxonomy/term/delete/{term.pk}/")
    assert Term.objects.filter(pk=term.pk).exists()


def test_members_cannot_edit_the_vocabulary(client, role_user):
    client.force_login(role_user("editor"))
    assert client.get("/admin/snippets/taxonomy/term/").status_code in (302, 403)
