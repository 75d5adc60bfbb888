"""The CMS's periodic jobs, run by the scheduler."""

from datetime import timedelta

from django.core.management import call_command

from scheduler.registry import periodic


@periodic(name="cms.publish_scheduled", every=timedelta(minutes=1))
def publish_scheduled():
    """Publish pages and snippets whose go-live time has come, unpublish expired ones (Wagtail's command)."""
    call_command("publish_scheduled", verbosity=0)
