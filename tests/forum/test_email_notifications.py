"""Forum email: immediate or a daily digest, as each member chooses; never to someone who may not read it."""

import re
from datetime import date

import pytest
from django.contrib.auth.models import Group

from forum import services
from forum.access import PROSECUTORS
from forum.models import DigestDelivery, EmailFrequency, Notification
from forum.notifications import services as notifications
from members.models import User
from members.roles import MEMBER
from scheduler.registry import jobs
from tests.forum.factories import reply, start_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def run_tasks(django_capture_on_commit_callbacks):
    """Run what services queue on commit (the test's transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _watched_topic(author, category, run_tasks, **kwargs):
    with run_tasks():
        return start_topic(author, category, **kwargs)


def _reply(topic, author, body, run_tasks):
    with run_tasks():
        return reply(topic, author, body)


def test_immediate_email_quotes_the_post_with_links_and_a_way_out(
    member, peer, open_category, run_tasks, mailoutbox
):
    notifications.set_email_frequency(member, EmailFrequency.IMMEDIATE)
    topic = _watched_topic(member, open_category, run_tasks, title="Joint interviews <b>with</b> advocates")
    _reply(topic, peer, "We bring the advocate in **before** the first interview.", run_tasks)

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [member.email]
    assert "posted in “Joint interviews <b>with</b> advocates”" in email.subject
    assert "We bring the advocate in before the first interview." in email.body
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    # The title is escaped in the HTML part, never markup.
    assert "Joint interviews &lt;b&gt;with&lt;/b&gt; advocates" in html
    assert "/forum/preferences/" in email.body and "/forum/email/unsubscribe/" in email.body
    assert email.extra_headers["List-Unsubscribe"].startswith("<http")
    assert Notification.objects.get(user=member).emailed_at is not None
    # A retried task sends nothing more.
    assert notifications.send_immediate(Notification.objects.values_list("pk", flat=True)) == 0
    assert len(mailoutbox) == 1


def test_members_on_the_digest_or_none_get_no_immediate_email(
    member, peer, role_user, open_category, run_tasks, mailoutbox
):
    quiet = role_user("coordinator", full_name="Quiet Member")
    notifications.set_email_frequency(quiet, EmailFrequency.NONE)
    topic = _watched_topic(member, open_category, run_tasks)
    services.set_watch_level(topic, by=quiet, level="watching")
    _reply(topic, peer, "An update.", run_tasks)
    assert Notification.objects.filter(user__in=[member, quiet]).count() == 2
    assert mailoutbox == []
    assert notifications.send_daily_digests() == 1
    assert [email.to for email in mailoutbox] == [[member.email]]


def test_daily_digest_groups_unread_items_by_topic_and_runs_once_a_day(
    member, peer, open_category, run_tasks, mailoutbox
):
    first = _watched_topic(member, open_category, run_tasks, title="Labor trafficking in agriculture")
    second = _watched_topic(member, open_category, run_tasks, title="Hotel outreach")
    _reply(first, peer, "Start with the growers' association.", run_tasks)
    _reply(second, peer, "Front desk training helps.", run_tasks)
    _reply(first, peer, "And the farmworker legal aid office.", run_tasks)
    read = _reply(second, peer, "This one was read already.", run_tasks)
    Notification.objects.filter(post=read).update(read_at=read.created_at)

    assert notifications.send_daily_digests() == 1
    assert notifications.send_daily_digests() == 0
    jobs.get("forum.daily_digest").run()
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.subject.endswith("3 unread notifications")
    body = email.body
    assert body.index("== Labor trafficking in agriculture ==") < body.index("growers' association")
    assert body.index("growers' association") < body.index("farmworker legal aid")
    assert body.index("farmworker legal aid") < body.index("== Hotel outreach ==")
    assert "This one was read already" not in body
    assert "<h2>" in email.alternatives[0][0]
    assert DigestDelivery.objects.get(user=member).item_count == 3


def test_next_days_digest_carries_only_what_is_new(member, peer, open_category, run_tasks, mailoutbox):
    topic = _watched_topic(member, open_category, run_tasks)
    _reply(topic, peer, "Monday's answer.", run_tasks)
    assert notifications.send_daily_digests(day=date(2026, 1, 5)) == 1
    _reply(topic, peer, "Tuesday's answer.", run_tasks)
    assert notifications.send_daily_digests(day=date(2026, 1, 6)) == 1
    assert "Monday's answer" in mailoutbox[0].body
    assert "Tuesday's answer" in mailoutbox[1].body and "Monday's answer" not in mailoutbox[1].body


@pytest.mark.parametrize(
    "leave",
    [
        pytest.param(lambda user: User.objects.filter(pk=user.pk).update(is_active=False), id="deactivated"),
        pytest.param(
            lambda user: User.objects.filter(pk=user.pk).update(status=User.Status.REJECTED), id="rejected"
        ),
        pytest.param(lambda user: user.groups.remove(Group.objects.get(name=MEMBER)), id="left-member-group"),
    ],
)
@pytest.mark.parametrize("frequency", [EmailFrequency.IMMEDIATE, EmailFrequency.DIGEST])
def test_someone_who_stopped_being_a_member_gets_no_email(
    leave, frequency, member, peer, open_category, mailoutbox, django_capture_on_commit_callbacks
):
    notifications.set_email_frequency(member, frequency)
    topic = start_topic(member, open_category)
    # The notification is created while they are a member; they leave before the email goes.
    with django_capture_on_commit_callbacks() as queued:
        reply(topic, peer, "Members-only detail about our operation.")
    for callback in queued:
        callback()
    assert Notification.objects.filter(user=member).exists()
    mailoutbox.clear()
    leave(member)
    notifications.send_immediate(Notification.objects.values_list("pk", flat=True))
    notifications.send_daily_digests()
    assert all("Members-only detail" not in email.body for email in mailoutbox)
    assert all(member.email not in email.to for email in mailoutbox)


def test_immediate_email_is_checked_when_sent_not_when_queued(
    member, peer, open_category, mailoutbox, django_capture_on_commit_callbacks
):
    notifications.set_email_frequency(member, EmailFrequency.IMMEDIATE)
    topic = start_topic(member, open_category)
    with django_capture_on_commit_callbacks() as fan_out:
        reply(topic, peer, "Members-only detail about our operation.")
    # Run the fan-out, but hold back the email task it queues.
    with django_capture_on_commit_callbacks() as email_task:
        for callback in fan_out:
            callback()
    # Beside the email task: the search index's cache version, bumped at commit (the reply's index entry).
    email_task = [callback for callback in email_task if "_queue_immediate_emails" in callback.__qualname__]
    assert len(email_task) == 1 and mailoutbox == []
    User.objects.filter(pk=member.pk).update(is_active=False)
    email_task[0]()
    assert mailoutbox == []


def test_a_member_who_lost_the_categorys_group_gets_nothing_from_it(
    prosecutor, peer, role_user, prosecutors, open_category, run_tasks, mailoutbox
):
    other_prosecutor = role_user("member", full_name="Ruth Baker")
    other_prosecutor.groups.add(Group.objects.get(name=PROSECUTORS))
    secret = _watched_topic(prosecutor, prosecutors, run_tasks, title="Charging decisions, county X")
    open_topic = _watched_topic(prosecutor, open_category, run_tasks, title="Open question on MOUs")
    _reply(secret, other_prosecutor, "Plea terms we offered in the Smith matter.", run_tasks)
    _reply(open_topic, peer, "Our MOU template is on the resources page.", run_tasks)

    prosecutor.groups.remove(Group.objects.get(name=PROSECUTORS))
    assert notifications.send_daily_digests() == 1
    body = mailoutbox[0].body + mailoutbox[0].alternatives[0][0]
    assert "Open question on MOUs" in body and "MOU template" in body
    assert "Charging decisions" not in body and "Plea terms" not in body
    assert DigestDelivery.objects.get(user=prosecutor).item_count == 1


def test_a_post_hidden_before_the_digest_is_left_out(
    member, peer, moderator, open_category, run_tasks, mailoutbox
):
    topic = _watched_topic(member, open_category, run_tasks)
    bad = _reply(topic, peer, "Something a moderator hides.", run_tasks)
    services.set_post_visibility(bad, by=moderator, hidden=True)
    assert notifications.send_daily_digests() == 0
    assert mailoutbox == []


def test_preferences_page_saves_the_choice_and_refuses_nonsense(
    client_for, member, django_assert_max_num_queries
):
    client = client_for(member)
    client.get("/forum/preferences/")
    with django_assert_max_num_queries(12):
        page = client.get("/forum/preferences/")
    assert page.status_code == 200
    # No choice yet: the default, the digest, is the one checked.
    assert re.search(r'<input[^>]*value="digest"[^>]*checked', page.content.decode())
    response = client.post("/forum/preferences/", {"email": "immediate"})
    assert response.status_code == 302
    assert notifications.email_frequency(User.objects.get(pk=member.pk)) == EmailFrequency.IMMEDIATE
    for hostile in ("weekly", "<script>alert(1)</script>", "' OR 1=1 --", "x" * 10_000, ""):
        response = client.post("/forum/preferences/", {"email": hostile})
        assert response.status_code == 400
        assert "Select a valid choice" in response.content.decode() or "This field is required" in (
            response.content.decode()
        )
        assert "<script>alert(1)</script>" not in response.content.decode()
    assert notifications.email_frequency(User.objects.get(pk=member.pk)) == EmailFrequency.IMMEDIATE


def test_the_unsubscribe_link_asks_then_turns_email_off_without_signing_in(client, member):
    token = notifications.unsubscribe_token(member)
    page = client.get(f"/forum/email/unsubscribe/{token}/")
    assert page.status_code == 200 and b"Stop forum emails" in page.content
    # Looking at the link (as a mail scanner does) changes nothing.
    assert notifications.email_frequency(User.objects.get(pk=member.pk)) == EmailFrequency.DIGEST
    done = client.post(f"/forum/email/unsubscribe/{token}/")
    assert done.status_code == 200 and b"no longer email" in done.content
    assert notifications.email_frequency(User.objects.get(pk=member.pk)) == EmailFrequency.NONE


@pytest.mark.parametrize(
    "token",
    ["not-a-token", "1:forged:signature", "%3Cscript%3E", "x" * 3000],
)
def test_a_forged_or_mangled_unsubscribe_link_is_a_404(client, member, token):
    assert client.get(f"/forum/email/unsubscribe/{token}/").status_code == 404
    assert client.post(f"/forum/email/unsubscribe/{token}/").status_code == 404
    assert notifications.email_frequency(User.objects.get(pk=member.pk)) == EmailFrequency.DIGEST
