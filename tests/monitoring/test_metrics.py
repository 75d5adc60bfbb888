"""/metrics: never public, token only, and the figures operators alert on."""

import os
import time

import pytest
from django.core import mail
from django.core.cache import cache

from members.models import AccountLock, AuditEvent
from monitoring import email as monitoring_email
from research.models import Run

TOKEN = "s3cret-metrics-token-0123456789"


@pytest.fixture
def metrics_on(settings, tmp_path):
    settings.METRICS_TOKEN = TOKEN
    settings.BACKUP_DIR = tmp_path / "backups"
    return settings


def scrape(client, token=TOKEN, **headers):
    return client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}", **headers)


class TestNeverPublic:
    def test_no_token_configured_is_a_404_even_with_a_guess(self, client, settings, db):
        settings.METRICS_TOKEN = ""
        assert client.get("/metrics").status_code == 404
        assert scrape(client, token="").status_code == 404
        assert scrape(client, token="anything").status_code == 404

    @pytest.mark.parametrize(
        "header",
        [
            None,
            "",
            "Bearer",
            "Bearer ",
            f"Basic {TOKEN}",
            f"Bearer {TOKEN}x",
            f"Bearer {TOKEN[:-1]}",
            "Bearer ' OR 1=1 --",
            "Bearer <script>alert(1)</script>",
            "Bearer " + "A" * 100_000,
        ],
    )
    def test_a_missing_or_wrong_token_is_a_404(self, client, metrics_on, db, header):
        extra = {} if header is None else {"HTTP_AUTHORIZATION": header}
        response = client.get("/metrics", **extra)
        assert response.status_code == 404
        assert b"commons_" not in response.content

    def test_the_token_in_the_query_string_is_not_accepted(self, client, metrics_on, db):
        # Query strings end up in access logs.
        assert client.get(f"/metrics?token={TOKEN}").status_code == 404

    def test_a_signed_in_superuser_without_the_token_gets_a_404(self, client_for, role_user, metrics_on):
        assert client_for(role_user("superuser")).get("/metrics").status_code == 404

    def test_only_get_and_head(self, client, metrics_on, db):
        response = client.post("/metrics", HTTP_AUTHORIZATION=f"Bearer {TOKEN}")
        assert response.status_code == 405


class TestFigures:
    def test_the_figures_are_present_and_read_in_few_queries(
        self, client, metrics_on, db, django_assert_max_num_queries
    ):
        client.get("/healthz")  # one observed request, so the histogram has a series
        with django_assert_max_num_queries(6):
            response = scrape(client)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain; version=")
        assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
        text = response.content.decode()
        for name in (
            "commons_request_duration_seconds_bucket",
            'view="healthz"',
            "commons_task_queue_depth",
            "commons_task_queue_oldest_age_seconds",
            'commons_notebook_runs{status="failed"}',
            "commons_login_failures_total",
            "commons_lockouts_total",
            "commons_account_locks_in_force",
            "commons_emails_failed_total",
            "commons_backup_present 0.0",
        ):
            assert name in text, name
        assert 'commons_metrics_collect_error{group="queues"} 0.0' in text

    def test_log_in_failures_lockouts_and_runs_are_counted(self, client, metrics_on, role_user):
        researcher = role_user("superuser")
        for _ in range(3):
            AuditEvent.objects.create(action=AuditEvent.Action.LOGIN_FAILED, subject_email="x@example.org")
        AuditEvent.objects.create(action=AuditEvent.Action.LOCKED, subject_email="x@example.org")
        AuditEvent.objects.create(action=AuditEvent.Action.LOGIN, subject_email="y@example.org")
        from django.utils import timezone

        AccountLock.objects.create(
            email="x@example.org", locked_until=timezone.now() + timezone.timedelta(hours=1)
        )
        _run(researcher, Run.Status.FAILED)
        _run(researcher, Run.Status.FAILED)
        _run(researcher, Run.Status.SUCCEEDED)
        text = scrape(client).content.decode()
        assert "commons_login_failures_total 3.0" in text
        assert "commons_lockouts_total 1.0" in text
        assert "commons_account_locks_in_force 1.0" in text
        assert 'commons_notebook_runs{status="failed"} 2.0' in text
        assert 'commons_notebook_runs{status="succeeded"} 1.0' in text

    def test_the_database_queue_depth_and_oldest_age(self, client, metrics_on, db, settings):
        from datetime import timedelta

        from django.utils import timezone
        from django_tasks_db.models import DBTaskResult

        settings.TASKS = {
            "default": {**settings.TASKS["default"], "BACKEND": "django_tasks_db.DatabaseBackend"}
        }
        row = DBTaskResult.objects.create(
            task_path="x.y",
            args_kwargs={"args": [], "kwargs": {}},
            queue_name="notebooks",
            backend_name="default",
            run_after=timezone.now(),
            exception_class_path="",
            traceback="",
        )
        DBTaskResult.objects.filter(pk=row.pk).update(enqueued_at=timezone.now() - timedelta(minutes=10))
        text = scrape(client).content.decode()
        assert 'commons_task_queue_depth{queue="notebooks"} 1.0' in text
        assert 'commons_task_queue_depth{queue="default"} 0.0' in text
        age = _value(text, 'commons_task_queue_oldest_age_seconds{queue="notebooks"}')
        assert 590 < age < 700

    def test_backup_age_is_the_newest_file_in_backup_dir(self, client, metrics_on, db):
        folder = metrics_on.BACKUP_DIR
        folder.mkdir()
        old, new = folder / "commons-old.tar", folder / "commons-new.tar"
        old.write_bytes(b"x")
        new.write_bytes(b"y")
        os.utime(old, (time.time() - 7200, time.time() - 7200))
        os.utime(new, (time.time() - 600, time.time() - 600))
        (folder / ".partial").write_bytes(b"in progress")  # a backup being written is not one
        text = scrape(client).content.decode()
        assert "commons_backup_present 1.0" in text
        assert 590 < _value(text, "commons_backup_age_seconds") < 700

    def test_a_store_that_fails_is_reported_and_the_rest_still_shown(
        self, client, metrics_on, db, monkeypatch
    ):
        from monitoring import metrics

        def broken():
            raise ConnectionError("redis is down")

        monkeypatch.setattr(metrics, "queue_figures", broken)
        response = scrape(client)
        assert response.status_code == 200
        text = response.content.decode()
        assert 'commons_metrics_collect_error{group="queues"} 1.0' in text
        assert "commons_login_failures_total" in text


class TestEmailsFailed:
    def test_failures_of_the_delivering_backend_are_counted(self, settings, db):
        cache.delete(monitoring_email.FAILED_KEY)
        settings.EMAIL_BACKEND = "monitoring.email.CountingEmailBackend"
        settings.EMAIL_DELIVERY_BACKEND = "tests.monitoring.test_metrics.RefusingBackend"
        with pytest.raises(ConnectionRefusedError):
            mail.send_mail("s", "b", None, ["a@example.org"])
        with pytest.raises(ConnectionRefusedError):
            mail.send_mail("s", "b", None, ["a@example.org"])
        assert monitoring_email.failed_count() == 2
        settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
        assert mail.send_mail("s", "b", None, ["a@example.org"]) == 1
        assert monitoring_email.failed_count() == 2
        assert len(mail.outbox) == 1


class RefusingBackend:
    def __init__(self, **kwargs):
        pass

    def open(self):
        pass

    def close(self):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def _run(user, status):
    return Run.objects.create(
        requested_by=user,
        status=status,
        notebook_path="x.ipynb",
        notebook_sha256="0" * 64,
        parameters_json="{}",
        parameters_sha256="0" * 64,
    )


def _value(text, series):
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    raise AssertionError(f"{series} not in the scrape")
