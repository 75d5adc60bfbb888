"""An index on members' names in code-point order, then id, for lists that show the first
few members by name among many (the TTA matcher's declared experts, ten of ~1,500).

With it PostgreSQL walks names in order and stops after ten instead of joining and
sorting every candidate (9 ms to 0.5 ms at bench size). It is SQL of its own because
the matcher sorts with ``COLLATE "C"`` on PostgreSQL (code points, as Python sorts),
which SQLite does not know; SQLite's default BINARY collation already is code-point
order, so there the plain column is indexed. Django's model state does not track it.
"""

from django.db import migrations

INDEX = "members_user_name_order"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'CREATE INDEX {INDEX} ON members_user ((full_name COLLATE "C"), id)')
    else:
        schema_editor.execute(f"CREATE INDEX {INDEX} ON members_user (full_name, id)")


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP INDEX {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("members", "0002_roles")]

    operations = [migrations.RunPython(create, drop)]
