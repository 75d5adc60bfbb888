"""The built-in periodic jobs, run the way production runs them: through a scheduler pass."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult
from freezegun import freeze_time
from wagtail.models import Page, Revision

from cms.models import HomePage
from members.models import AuditEvent
from scheduler.models import JobRun
from scheduler.tasks import run_periodic_job
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

DATABASE_TASKS = {
    "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "notebooks"]}
}


def scheduler_pass(capture):
    out = StringIO()
    with capture(execute=True):
        call_command("run_scheduler", "--once", stdout=out)
    return out.getvalue()


def test_the_daily_pass_disables_accounts_unused_for_90_days_and_audits_it(
    client, django_capture_on_commit_callbacks
):
    now = timezone.now()
    day = timedelta(days=1)
    stale = UserFactory(
        email="stale@sheriff.example.gov", last_login=now - 91 * day, date_joined=now - 400 * day
    )
    recent = UserFactory(
        email="recent@sheriff.example.gov", last_login=now - 89 * day, date_joined=now - 400 * day
    )
    never_used = UserFactory(email="never@police.example.gov", last_login=None, date_joined=now - 91 * day)
    new_account = UserFactory(email="new@police.example.gov", last_login=None, date_joined=now - 89 * day)

    output = scheduler_pass(django_capture_on_commit_callbacks)

    assert "Enqueued members.deactivate_inactive" in output
    for user in (stale, recent, never_used, new_account):
        user.refresh_from_db()
    assert (stale.is_active, never_used.is_active) == (False, False)
    assert (recent.is_active, new_account.is_active) == (True, True)
    assert stale.deactivated_at is not None and never_used.deactivated_at is not None
    events = AuditEvent.objects.filter(action="deactivated")
    assert sorted(events.values_list("subject_email", flat=True)) == [
        "never@police.example.gov",
        "stale@sheriff.example.gov",
    ]
    assert events.get(subject=stale).detail["reason"] == "no log-in for 90 days"
    assert events.get(subject=never_used).detail["last_login"] is None
    assert JobRun.objects.get(job="members.deactivate_inactive").status == JobRun.Status.SUCCEEDED
    # A deactivated account cannot sign in any more; the recent one still can.
    assert not client.login(email=stale.email, password=PASSWORD)
    assert client.login(email=recent.email, password=PASSWORD)


def test_a_second_run_of_the_inactive_job_audits_nobody_twice(django_capture_on_commit_callbacks):
    UserFactory(
        last_login=timezone.now() - timedelta(days=120), date_joined=timezone.now() - timedelta(days=400)
    )
    scheduler_pass(django_capture_on_commit_callbacks)
    from members.jobs import deactivate_inactive

    assert deactivate_inactive() == 0
    assert AuditEvent.objects.filter(action="deactivated").count() == 1


def test_the_pass_publishes_a_page_whose_go_live_time_has_come(django_capture_on_commit_callbacks):
    home = HomePage.objects.get()
    page = home.add_child(instance=Page(title="Spring training calendar", slug="spring-training", live=False))
    page.go_live_at = timezone.now() + timedelta(hours=1)
    revision = page.save_revision()
    revision.publish()
    page.refresh_from_db()
    assert not page.live  # scheduled, not yet published
    assert Revision.objects.get(pk=revision.pk).approved_go_live_at == page.go_live_at

    with freeze_time(page.go_live_at + timedelta(minutes=1)):
        output = scheduler_pass(django_capture_on_commit_callbacks)

    assert "Enqueued cms.publish_scheduled" in output
    page.refresh_from_db()
    assert page.live
    assert page.live_revision_id == revision.pk
    assert JobRun.objects.get(job="cms.publish_scheduled").status == JobRun.Status.SUCCEEDED


def test_task_results_are_pruned_only_when_the_database_backend_keeps_them(
    django_capture_on_commit_callbacks,
):
    output = scheduler_pass(django_capture_on_commit_callbacks)
    assert "scheduler.prune_task_results" not in output  # the test settings run tasks immediately

    with override_settings(TASKS=DATABASE_TASKS):
        now = timezone.now()
        old, old_notebook, recent = (
            run_periodic_job.using(queue_name=queue).enqueue(0)
            for queue in ("default", "notebooks", "default")
        )
        for result, age in ((old, 30), (old_notebook, 30), (recent, 2)):
            DBTaskResult.objects.filter(pk=result.id).update(
                status=TaskResultStatus.SUCCESSFUL, finished_at=now - timedelta(days=age)
            )
        output = scheduler_pass(django_capture_on_commit_callbacks)
        assert "Enqueued scheduler.prune_task_results" in output
        prune = JobRun.objects.get(job="scheduler.prune_task_results")
        queued = DBTaskResult.objects.get(pk=prune.task_result_id)
        assert (queued.task_path, queued.args_kwargs["args"]) == (
            "scheduler.tasks.run_periodic_job",
            [prune.pk],
        )
        # What the worker does with it. (db_worker itself cannot run here: it
        # closes the connection that holds this test's transaction.)
        run_periodic_job.call(*queued.args_kwargs["args"])

    prune.refresh_from_db()
    assert prune.status == JobRun.Status.SUCCEEDED, prune.error
    remaining = {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
    assert str(recent.id) in remaining
    assert not {str(old.id), str(old_notebook.id)} & remaining
