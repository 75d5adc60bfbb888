"""Demo task forces and one demo account per role, each already enrolled in TOTP.

Secrets are derived from the account's email and the project's SECRET_KEY, so
re-seeding is idempotent and `demo_code` can always reproduce the code.
"""

import base64
import hashlib
import time

from allauth.account.models import EmailAddress
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.models import Group

from config.compat.allauth import TOTP, RecoveryCodes
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
from taxonomy.models import Term

DEMO_DOMAIN = "demo.taskforcecommons.test"
# Printed by `make run`; seeding refuses to run with DEBUG off, so it never reaches production.
DEMO_PASSWORD = "demo-commons-2026"  # noqa: S105

TASK_FORCES = [
    (
        "Central Ohio Human Trafficking Task Force",
        "OH",
        FederalRegion.R5,
        "Columbus Division of Police\nFranklin County Prosecutor\nCATCH Court",
    ),
    (
        "Southern Arizona Anti-Trafficking Unified Response",
        "AZ",
        FederalRegion.R9,
        "Tucson Police Department\nPima County Attorney\nSouthern Arizona Victim Services",
    ),
    (
        "Houston Area Human Trafficking Task Force",
        "TX",
        FederalRegion.R6,
        "Houston Police Department\nHarris County District Attorney\nHouston Area Women's Center",
    ),
    (
        "Washington Anti-Trafficking Response Network",
        "WA",
        FederalRegion.R10,
        "Seattle Police Department\nKing County Prosecutor\nWashington Anti-Trafficking Response Network",
    ),
    (
        "Metro Atlanta Human Trafficking Task Force",
        "GA",
        FederalRegion.R4,
        "Atlanta Police Department\nFulton County District Attorney\nGeorgia Cares",
    ),
    (
        "New Jersey Human Trafficking Task Force",
        "NJ",
        FederalRegion.R2,
        "New Jersey State Police\nDivision of Criminal Justice\nCovenant House New Jersey",
    ),
]

# (local part, full name, claimed role, groups, coordinator, staff, task force index, expertise)
ACCOUNTS = [
    (
        "member",
        "Dana Whitfield",
        ClaimedRole.LAW_ENFORCEMENT,
        [MEMBER],
        False,
        False,
        0,
        ["proactive-investigations", "financial-investigation"],
    ),
    (
        "coordinator",
        "Marcus Ortega",
        ClaimedRole.COORDINATOR,
        [MEMBER],
        True,
        False,
        0,
        ["coordination", "information-sharing"],
    ),
    (
        "prosecutor",
        "Alicia Chen",
        ClaimedRole.PROSECUTOR,
        [MEMBER],
        False,
        False,
        1,
        ["prosecution-and-case-review"],
    ),
    (
        "advocate",
        "Rosa Delgado",
        ClaimedRole.VICTIM_SERVICES,
        [MEMBER],
        True,
        False,
        1,
        ["victim-centered-and-trauma-informed-response"],
    ),
    ("moderator", "Grace Lindqvist", ClaimedRole.OTHER, [MEMBER, MODERATOR], False, True, 2, ["training"]),
    ("editor", "Samuel Okafor", ClaimedRole.OTHER, [MEMBER, EDITOR], False, True, 2, ["training"]),
    (
        "reviewer",
        "Priya Raman",
        ClaimedRole.OTHER,
        [MEMBER, REVIEWER],
        False,
        True,
        3,
        ["data-collection-and-analysis"],
    ),
    (
        "researcher",
        "Jonah Feld",
        ClaimedRole.RESEARCHER,
        [MEMBER, RESEARCHER],
        False,
        False,
        3,
        ["data-collection-and-analysis"],
    ),
    (
        "tta",
        "Keisha Boyd",
        ClaimedRole.OTHER,
        [MEMBER, TTA_STAFF],
        False,
        True,
        4,
        ["training", "coordination"],
    ),
    ("admin", "Helen Marsh", ClaimedRole.OTHER, [MEMBER, MEMBERSHIP_ADMIN], False, True, 4, []),
    ("superuser", "Robin Castillo", ClaimedRole.OTHER, [MEMBER], False, True, 5, []),
]
PENDING = ("pending", "Tom Reyes", ClaimedRole.LAW_ENFORCEMENT, 5)


def email_for(local):
    return f"{local}@{DEMO_DOMAIN}"


def demo_secret(email):
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:totp:{email}".encode()).digest()
    return base64.b32encode(digest[:20]).decode("ascii")


def current_counter():
    return int(time.time()) // mfa_settings.TOTP_PERIOD


def _account(email, full_name, role, task_force, **fields):
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "full_name": full_name,
            "agency": task_force.partner_agency_list[0] if task_force.partner_agency_list else "",
            "claimed_role": role,
            "task_force": task_force,
            "work_phone": "555-0100",
            "access_reason": "Demo account.",
            **fields,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def seed(stdout):
    task_forces = []
    for name, state, region, partners in TASK_FORCES:
        tf, _ = TaskForce.objects.get_or_create(
            name=name, defaults={"state": state, "region": region, "partner_agencies": partners}
        )
        task_forces.append(tf)
    groups = {g.name: g for g in Group.objects.all()}
    for local, full_name, role, group_names, coordinator, staff, tf_index, expertise in ACCOUNTS:
        superuser = local == "superuser"
        user = _account(
            email_for(local),
            full_name,
            role,
            task_forces[tf_index],
            status=User.Status.APPROVED,
            is_coordinator=coordinator,
            is_staff=staff,
            is_superuser=superuser,
        )
        user.groups.add(*(groups[n] for n in group_names))
        if expertise:
            user.expertise.add(*Term.objects.filter(slug__in=expertise))
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, demo_secret(user.email))
            RecoveryCodes.activate(user)
    local, full_name, role, tf_index = PENDING
    _account(email_for(local), full_name, role, task_forces[tf_index], status=User.Status.PENDING)
    stdout.write(f"Demo task forces and {len(ACCOUNTS) + 1} demo accounts are ready.")


def print_accounts(stdout):
    stdout.write(f"\nDemo accounts (password for all: {DEMO_PASSWORD})")
    stdout.write("Each is enrolled in TOTP: add the secret to an authenticator app, or run")
    stdout.write("  .venv/bin/python manage.py demo_code EMAIL   to print the current code.\n")
    stdout.write(f"  {'role':<30} {'email':<44} TOTP secret")
    for local, _name, role, groups, coordinator, _staff, _tf, _exp in ACCOUNTS:
        if local == "superuser":
            label = "superuser"
        elif len(groups) > 1:
            label = " + ".join(groups[1:])
        else:
            label = (
                f"{role.label} (coordinator)"
                if coordinator and role != ClaimedRole.COORDINATOR
                else role.label
            )
        stdout.write(f"  {label:<30} {email_for(local):<44} {demo_secret(email_for(local))}")
    pending = email_for(PENDING[0])
    stdout.write(f"  {'pending applicant':<30} {pending:<44} (no second factor until approved)\n")
