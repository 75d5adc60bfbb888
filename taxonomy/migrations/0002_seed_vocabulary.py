"""Seed the controlled vocabulary from domain.md."""

from django.db import migrations
from django.utils.text import slugify


def seed(apps, schema_editor):
    from taxonomy import vocabulary as v

    Term = apps.get_model("taxonomy", "Term")

    def add(facet, name, order, parent=None):
        term, _ = Term.objects.get_or_create(
            facet=facet, name=name, defaults={"slug": slugify(name)[:140], "sort_order": order, "parent": parent}
        )
        return term

    for i, name in enumerate(v.PHASES):
        add("phase", name, i)
    order = 0
    for name, children in v.TRAFFICKING_TYPES.items():
        parent = add("trafficking_type", name, order)
        order += 1
        for child in children:
            add("trafficking_type", child, order, parent)
            order += 1
    for i, name in enumerate(v.PRACTICE_AREAS):
        add("practice_area", name, i)
    for i, name in enumerate(v.AUDIENCES):
        add("audience", name, i)
    for i, name in enumerate(v.RESOURCE_TYPES):
        add("resource_type", name, i)
    for i, name in enumerate(v.CALLOUT_KINDS):
        add("callout_kind", name, i)


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
