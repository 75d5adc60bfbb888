"""The default measure set (measures.defaults), version 1."""

from django.db import migrations


def create(apps, schema_editor):
    from measures.defaults import create_default_set

    MeasureSet, Measure = apps.get_model("measures", "MeasureSet"), apps.get_model("measures", "Measure")
    if not MeasureSet.objects.filter(version=1).exists():
        create_default_set(MeasureSet, Measure, version=1)


class Migration(migrations.Migration):
    dependencies = [("measures", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
