"""The "Forum moderation" menu in the Wagtail admin: for forum moderators only, listing what needs them."""

import pytest
from django.utils import timezone

from forum import services
from forum.moderation import services as moderation
from tests.forum.factories import reply, start_topic

pytestmark = pytest.mark.django_db


@pytest.fixture
def newcomer(role_user):
    user = role_user("member", full_name="Nia Newcomer")
    user.decided_at = timezone.now()
    user.save(update_fields=["decided_at"])
    return user


def test_moderators_see_the_menu_and_other_staff_do_not(moderator, role_user, client_for):
    page = client_for(moderator).get("/admin/").content.decode()
    assert "Forum moderation" in page and "/admin/forum/approvals/" in page
    editor = role_user("editor")
    page = client_for(editor).get("/admin/").content.decode()
    assert "Forum moderation" not in page
    assert client_for(editor).get("/admin/forum/log/").status_code == 403


def test_each_screen_lists_what_needs_a_moderator(
    newcomer, member, peer, moderator, open_category, client_for, django_assert_max_num_queries
):
    held = start_topic(newcomer, open_category, title="Held for approval")
    topic = start_topic(member, open_category, title="A reported topic")
    bad = reply(topic, peer, "A rude reply")
    services.report_post(bad, by=member, reason="abusive", note="Rude to a colleague")
    services.reply(topic, by=peer, body="Call 614-555-0142 for the shelter", confirmed_private=True)
    moderation.warn_member(peer, by=moderator, reason="Be civil")
    client = client_for(moderator)

    approvals = client.get("/admin/forum/approvals/").content.decode()
    assert "Held for approval" in approvals and "Nia Newcomer" in approvals
    assert f"#held-{held.posts.get(number=1).pk}" in approvals
    reports = client.get("/admin/forum/reports/").content.decode()
    assert "Rude to a colleague" in reports and "It is abusive or harassing" in reports
    privacy = client.get("/admin/forum/privacy/").content.decode()
    assert "phone" in privacy and "/redact/" in privacy
    log = client.get("/admin/forum/log/").content.decode()
    assert "Warned member" in log and "Be civil" in log

    with django_assert_max_num_queries(40) as few:
        client.get("/admin/forum/log/")
    for n in range(10):
        moderation.warn_member(peer, by=moderator, reason=f"Reason {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert "Reason 9" in client.get("/admin/forum/log/").content.decode()


def test_hostile_text_is_escaped_in_the_admin(member, peer, moderator, open_category, client_for):
    topic = start_topic(member, open_category, title="<script>alert(1)</script> title")
    services.report_post(
        topic.posts.get(number=1), by=peer, reason="spam", note="<img src=x onerror=alert(2)>"
    )
    page = client_for(moderator).get("/admin/forum/reports/").content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
