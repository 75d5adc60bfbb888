"""Expertise has one home: every forum.Expertise declaration is copied onto the member's own
User.expertise (the union of both, no duplicates), before 0016 removes the forum's table.

Backwards it copies the members' declarations into forum.Expertise again, so Find a peer keeps
them on the older code.
"""

from django.db import migrations

BATCH = 2000


def forum_to_members(apps, schema_editor):
    Expertise = apps.get_model("forum", "Expertise")
    Declared = apps.get_model("members", "User").expertise.through
    rows = Expertise.objects.order_by("pk").values_list("user_id", "term_id")
    batch = []
    for user_id, term_id in rows.iterator(chunk_size=BATCH):
        batch.append(Declared(user_id=user_id, term_id=term_id))
        if len(batch) == BATCH:
            # The through table's unique (user, term) makes a declaration made on both sides one row.
            Declared.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Declared.objects.bulk_create(batch, ignore_conflicts=True)


def members_to_forum(apps, schema_editor):
    Expertise = apps.get_model("forum", "Expertise")
    Declared = apps.get_model("members", "User").expertise.through
    rows = Declared.objects.order_by("pk").values_list("user_id", "term_id")
    batch = []
    for user_id, term_id in rows.iterator(chunk_size=BATCH):
        batch.append(Expertise(user_id=user_id, term_id=term_id))
        if len(batch) == BATCH:
            Expertise.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Expertise.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ("forum", "0014_notification_accepted_kind"),
        ("members", "0001_initial"),
    ]

    operations = [migrations.RunPython(forum_to_members, members_to_forum)]
