"""EvidenceBriefPage.suppression_confirmed: a reviewer's confirmation to publish a brief whose figures are all hidden."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0006_facet_source_covering_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="evidencebriefpage",
            name="suppression_confirmed",
            field=models.BooleanField(
                default=False,
                help_text="Every key figure, chart and table of this brief is hidden as a small count. Tick this only if the brief is still worth publishing (its text says something without the numbers).",
                verbose_name="publish although every figure is suppressed",
            ),
        ),
    ]
