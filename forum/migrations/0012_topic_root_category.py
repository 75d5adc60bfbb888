"""Topic.root_category: the top-level category, so a category's list is one index range.

Existing topics get theirs by one UPDATE per category (categories are few).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def fill_root_categories(apps, schema_editor):
    Category = apps.get_model("forum", "Category")
    Topic = apps.get_model("forum", "Topic")
    for pk, parent_id in Category.objects.values_list("pk", "parent_id"):
        Topic.objects.filter(category_id=pk).update(root_category_id=parent_id or pk)


class Migration(migrations.Migration):
    dependencies = [
        ("forum", "0011_member_expertise"),
        ("taxonomy", "0003_former_slugs_for_renamed_terms"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="topic",
            name="root_category",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="forum.category",
            ),
        ),
        migrations.RunPython(fill_root_categories, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="topic",
            index=models.Index(
                fields=["root_category", "-is_pinned", "-last_post_at", "-id"], name="forum_topic_by_root"
            ),
        ),
    ]
