"""The CMS's periodic jobs, run by the scheduler."""

from datetime import timedelta

from django.core.management import call_command

from scheduler.registry import periodic


@periodic(name="cms.publish_scheduled", every=timedelta(minutes=1))
def publish_scheduled():
    """Publish pages and snippets whose go-live time has come, unpublish expired ones (Wagtail's command)."""
    call_command("publish_scheduled", verbosity=0)


@periodic(name="cms.review_digest", every=timedelta(days=7))
def review_digest():
    """Email editors the practices and resources whose review is overdue or due within 30 days."""
    from cms.reports import send_review_digest

    return send_review_digest()
