"""An index on the practices' evidence level: the index page counts by level right after a publish
without reading any article's row (on SQLite the index covers page id and level)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cms', '0004_review_workflow_and_collections'),
    ]

    operations = [
        migrations.AlterField(
            model_name='practicepage',
            name='evidence_level',
            field=models.CharField(choices=[('evidence_based', 'Evidence-based'), ('promising', 'Promising'), ('expert_consensus', 'Expert consensus'), ('emerging', 'Emerging practice')], db_index=True, default='expert_consensus', help_text='Evidence-based: rigorous evaluation found it works. Promising: some evaluation, positive results. Expert consensus: agreed good practice among experienced task forces, not yet evaluated. Emerging: new, described so others can try and assess it.', max_length=32),
        ),
    ]
