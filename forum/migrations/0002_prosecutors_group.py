"""The Prosecutors group, which the prosecutors-only category grants to."""

from django.db import migrations

PROSECUTORS = "Prosecutors"


def add_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=PROSECUTORS)


class Migration(migrations.Migration):
    dependencies = [("forum", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(add_group, migrations.RunPython.noop)]
