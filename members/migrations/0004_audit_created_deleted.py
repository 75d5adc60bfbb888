"""The audit log records accounts created and deleted in Wagtail's user editor."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0003_user_name_order_index'),
    ]

    operations = [
        migrations.AlterField(
            model_name='auditevent',
            name='action',
            field=models.CharField(choices=[('login', 'Log-in'), ('login_failed', 'Failed log-in'), ('logout', 'Log-out'), ('locked', 'Account locked'), ('released', 'Lock released'), ('signed_up', 'Applied for membership'), ('approved', 'Application approved'), ('rejected', 'Application rejected'), ('role_changed', 'Groups changed'), ('coordinator_changed', 'Coordinator designation changed'), ('mfa_added', 'Second factor added'), ('mfa_removed', 'Second factor removed'), ('deactivated', 'Account deactivated'), ('reactivated', 'Account reactivated'), ('created', 'Account created by an administrator'), ('deleted', 'Account deleted'), ('password_changed', 'Password changed'), ('email_changed', 'Email changed'), ('session_expired', 'Session ended by timeout'), ('privileged', 'Privileged action')], db_index=True, max_length=32),
        ),
    ]
