"""IndexEntry.expires_at: search leaves an entry out once it has expired.

Nullable with no default, so SQLite adds the column with ALTER TABLE instead of
rebuilding the table: the full-text triggers of migration 0003 stay in place.
"""


from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sitesearch', '0003_sqlite_filter_tokens'),
    ]

    operations = [
        migrations.AddField(
            model_name='indexentry',
            name='expires_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
