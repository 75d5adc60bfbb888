"""Keep the last accepted revision's figures while a correction is in progress (issue 17)."""

from django.db import migrations, models


def keep_accepted(apps, schema_editor):
    """Reports already accepted: their current figures are the accepted ones."""
    Report = apps.get_model("measures", "Report")
    Figure = apps.get_model("measures", "Figure")
    accepted = Report.objects.filter(status="accepted")
    Figure.objects.filter(report__in=accepted).update(accepted_value=models.F("value"))
    accepted.update(accepted_revision=models.F("revision"))


class Migration(migrations.Migration):
    dependencies = [("measures", "0003_report_reminders")]

    operations = [
        migrations.AddField(
            model_name="figure",
            name="accepted_value",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="report",
            name="accepted_revision",
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.RunPython(keep_accepted, migrations.RunPython.noop),
    ]
