"""An index on (kind, id): search walks each kind newest first to fill its ranking window."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('sitesearch', '0001_initial'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='indexentry',
            index=models.Index(fields=['kind', 'id'], name='sitesearch_kind_newest'),
        ),
    ]
