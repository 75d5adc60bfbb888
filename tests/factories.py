"""Factories for the data every app's tests build on: task forces, users in each role, second factors."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from config.compat.allauth import TOTP, generate_totp_secret
from members.models import FederalRegion, TaskForce, User
from members.roles import (
    EDITOR,
    MEMBER,
    MEMBERSHIP_ADMIN,
    MODERATOR,
    RESEARCHER,
    REVIEWER,
    TTA_STAFF,
    ClaimedRole,
)

PASSWORD = "correct horse battery staple 42"


class TaskForceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TaskForce
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Task Force {n} Anti-Trafficking Coalition")
    state = "OH"
    region = FederalRegion.R5
    partner_agencies = "County Sheriff\nCity Police Department\nVictim Services Center"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@agency.example.org")
    full_name = factory.Faker("name")
    agency = "County Sheriff's Office"
    claimed_role = ClaimedRole.LAW_ENFORCEMENT
    task_force = factory.SubFactory(TaskForceFactory)
    work_phone = "614-555-0100"
    access_reason = "Investigator on the task force."
    status = User.Status.APPROVED

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )

    @factory.post_generation
    def groups(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.groups.add(*Group.objects.filter(name__in=extracted))


def enrol_totp(user, secret=None):
    """Give a user an authenticator app, as if they had enrolled; returns the secret."""
    secret = secret or generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


ROLE_GROUPS = {
    "member": [MEMBER],
    "other_task_force_member": [MEMBER],
    "coordinator": [MEMBER],
    "moderator": [MEMBER, MODERATOR],
    "editor": [MEMBER, EDITOR],
    "reviewer": [MEMBER, REVIEWER],
    "researcher": [MEMBER, RESEARCHER],
    "tta_staff": [MEMBER, TTA_STAFF],
    "membership_admin": [MEMBER, MEMBERSHIP_ADMIN],
}

ROLES = ["anonymous", "pending", *ROLE_GROUPS, "superuser"]


def make_role(role, task_force=None, other_task_force=None, **extra):
    """A user in the given role, enrolled in TOTP so the MFA gate lets them through.

    Returns None for "anonymous".
    """
    if role == "anonymous":
        return None
    task_force = task_force or TaskForceFactory(name="Central Ohio Human Trafficking Task Force")
    if role == "pending":
        return UserFactory(status=User.Status.PENDING, task_force=task_force, **extra)
    if role == "superuser":
        user = UserFactory(is_staff=True, is_superuser=True, task_force=task_force, **extra)
    else:
        tf = other_task_force if role == "other_task_force_member" else task_force
        if role == "other_task_force_member" and tf is None:
            tf = TaskForceFactory(
                name="Southern Arizona Anti-Trafficking Unified Response", state="AZ", region=9
            )
        user = UserFactory(
            task_force=tf,
            groups=ROLE_GROUPS[role],
            is_coordinator=role == "coordinator",
            is_staff=any(g != MEMBER for g in ROLE_GROUPS[role]) and role != "researcher",
            **extra,
        )
    enrol_totp(user)
    return user
