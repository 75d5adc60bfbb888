"""The drill's own data, on top of the demo seed: run as ``python -m drill.seed MEMBERS`` in the
stack's environment (DEBUG on, as seeding demo data requires).

It adds MEMBERS load members (approved, enrolled in TOTP, never held for approval), a forum
category with a few topics for them, and a signed-in session for each (written to the shared
Redis as a real sign-in with its second factor would be: members.client_sign_in). It prints one
JSON object: the sessions, the topics, the demo accounts the journeys use and the members-only
document's address.
"""

import json
import sys


def main(members: int) -> dict:
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django.test import Client
    from wagtail.documents import get_document_model

    from config.compat.allauth import TOTP
    from forum import services
    from forum.models import Category, Topic
    from members.client_sign_in import sign_ins_pass_the_second_factor
    from members.demo import DEMO_PASSWORD, demo_secret, email_for
    from members.models import TaskForce, User
    from members.roles import MEMBER

    task_force = TaskForce.objects.order_by("pk").first()
    # Hashed once: hashing the same password for each of 150 members took a minute on 2 cores.
    hashed = make_password(DEMO_PASSWORD)
    member_group = Group.objects.get(name=MEMBER)
    users = []
    for n in range(members):
        email = f"drill-{n:03d}@drill.test"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=None,
                full_name=f"Drill Member {n:03d}",
                agency="Drill Agency",
                claimed_role="other",
                task_force=task_force,
                work_phone="555-0100",
                access_reason="Drill account.",
                status=User.Status.APPROVED,
            )
            user.password = hashed
            user.save(update_fields=["password"])
            user.groups.add(member_group)
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            TOTP.activate(user, demo_secret(email))
        users.append(user)

    category, _ = Category.objects.get_or_create(
        slug="drill", defaults={"name": "Drill", "description": "Load and fault drill.", "position": 99}
    )
    author = User.objects.get(email=email_for("moderator"))
    topics = list(Topic.objects.filter(category=category).order_by("pk"))
    while len(topics) < 5:
        n = len(topics) + 1
        topics.append(
            services.start_topic(
                by=author,
                category=category,
                kind="discussion",
                title=f"Drill topic {n}: coordinating shelter referrals",
                body=f"Opening post of drill topic {n}. Replies come from the load clients.",
            )
        )

    sessions = []
    with sign_ins_pass_the_second_factor():
        for user in users:
            client = Client()
            client.force_login(user)
            sessions.append(client.cookies["sessionid"].value)

    document = get_document_model().objects.filter(title__icontains="members only").order_by("pk").first()
    return {
        "sessions": sessions,
        "topics": [topic.pk for topic in topics],
        "category": category.slug,
        "password": DEMO_PASSWORD,
        "member": email_for("member"),
        "researcher": email_for("researcher"),
        "document": document.url if document else None,
        "document_size": document.file.size if document else None,
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
