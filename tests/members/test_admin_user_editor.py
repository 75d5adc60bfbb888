"""Wagtail's own user editor (superusers only): what a superuser changes there is audited, naming them."""

import pytest
from django.contrib.auth.models import Group

from members.models import AuditEvent
from members.roles import MEMBER, MODERATOR, RESEARCHER
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def boss_client(role_user, client_for):
    boss = role_user("superuser")
    client = client_for(boss)
    client.boss = boss
    return client


def edit(client, person, *, groups, active=True, superuser=False):
    data = {
        "email": person.email,
        "full_name": person.full_name,
        "groups": [Group.objects.get(name=name).pk for name in groups],
    }
    if active:
        data["is_active"] = "on"
    if superuser:
        data["is_superuser"] = "on"
    response = client.post(f"/admin/users/edit/{person.pk}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    person.refresh_from_db()
    return person


def test_a_group_change_in_the_user_editor_names_the_superuser(boss_client):
    person = UserFactory(groups=[MEMBER, RESEARCHER])
    AuditEvent.objects.all().delete()

    edit(boss_client, person, groups=[MEMBER, MODERATOR])

    changes = {
        (e.detail["change"], tuple(e.detail["groups"]), e.actor_id)
        for e in AuditEvent.objects.filter(action=AuditEvent.Action.ROLE_CHANGED, subject=person)
    }
    assert changes == {
        ("remove", (RESEARCHER,), boss_client.boss.pk),
        ("add", (MODERATOR,), boss_client.boss.pk),
    }


def test_saving_the_user_editor_unchanged_audits_nothing(boss_client):
    person = UserFactory(groups=[MEMBER])
    AuditEvent.objects.all().delete()

    edit(boss_client, person, groups=[MEMBER])

    assert not AuditEvent.objects.exists()


def test_deactivating_and_reactivating_in_the_user_editor_is_audited(boss_client):
    person = UserFactory(groups=[MEMBER])
    AuditEvent.objects.all().delete()

    assert not edit(boss_client, person, groups=[MEMBER], active=False).is_active
    assert edit(boss_client, person, groups=[MEMBER], active=True).is_active

    events = list(AuditEvent.objects.filter(subject=person).order_by("pk").values_list("action", "actor_id"))
    assert events == [
        (AuditEvent.Action.DEACTIVATED, boss_client.boss.pk),
        (AuditEvent.Action.REACTIVATED, boss_client.boss.pk),
    ]


def test_making_someone_a_superuser_is_audited_as_a_role_change(boss_client):
    person = UserFactory(groups=[MEMBER])
    AuditEvent.objects.all().delete()

    assert edit(boss_client, person, groups=[MEMBER], superuser=True).is_superuser

    event = AuditEvent.objects.get(action=AuditEvent.Action.ROLE_CHANGED, subject=person)
    assert event.actor == boss_client.boss
    assert event.detail == {"change": "add", "groups": ["Superuser"]}


def test_adding_a_group_someone_already_has_is_not_an_event():
    person = UserFactory(groups=[MEMBER])
    AuditEvent.objects.all().delete()
    person.groups.add(Group.objects.get(name=MEMBER))
    assert not AuditEvent.objects.exists()
    person.groups.clear()
    assert AuditEvent.objects.get().detail["change"] == "clear"


def test_an_account_created_in_the_user_editor_is_audited_naming_the_superuser(boss_client):
    AuditEvent.objects.all().delete()
    response = boss_client.post(
        "/admin/users/new/",
        {
            "email": "new.analyst@example.gov",
            "full_name": "Noor Analyst",
            "password1": "a long enough passphrase 42",
            "password2": "a long enough passphrase 42",
            "groups": [Group.objects.get(name=MEMBER).pk],
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]

    created = AuditEvent.objects.get(action=AuditEvent.Action.CREATED)
    assert (created.subject.email, created.subject.full_name) == ("new.analyst@example.gov", "Noor Analyst")
    assert created.actor == boss_client.boss


def test_an_account_deleted_in_the_user_editor_is_audited_and_keeps_the_address(boss_client):
    person = UserFactory(groups=[MEMBER], email="leaving@example.gov")
    AuditEvent.objects.all().delete()

    # The confirmation page deletes nothing and records nothing.
    assert boss_client.get(f"/admin/users/delete/{person.pk}/").status_code == 200
    assert not AuditEvent.objects.exists()

    response = boss_client.post(f"/admin/users/delete/{person.pk}/")
    assert response.status_code == 302

    deleted = AuditEvent.objects.get(action=AuditEvent.Action.DELETED)
    assert (deleted.subject, deleted.subject_email, deleted.actor) == (
        None,
        "leaving@example.gov",
        boss_client.boss,
    )


def test_the_editor_asks_for_the_one_name_the_site_shows_not_a_first_and_last_name(boss_client):
    person = UserFactory(groups=[MEMBER], full_name="Dana Whitfield")
    for url in ("/admin/users/new/", f"/admin/users/edit/{person.pk}/"):
        page = boss_client.get(url).content.decode()
        assert 'name="full_name"' in page
        assert 'name="first_name"' not in page and 'name="last_name"' not in page
    assert 'value="Dana Whitfield"' in page


def test_a_name_given_in_the_editor_is_saved_and_a_missing_one_is_refused(boss_client):
    person = UserFactory(groups=[MEMBER], full_name="Dana Whitfield")
    person.full_name = "Dana Whitfield-Ortiz"
    assert edit(boss_client, person, groups=[MEMBER]).full_name == "Dana Whitfield-Ortiz"

    response = boss_client.post(
        "/admin/users/new/",
        {"email": "nameless@example.gov", "full_name": "", "groups": [Group.objects.get(name=MEMBER).pk]},
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not UserFactory._meta.model.objects.filter(email="nameless@example.gov").exists()
