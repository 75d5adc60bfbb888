"""The topic page's posts come from Jinja2 templates (forum/jinja2/forum/, forum.post_html).

Everything a member wrote is escaped except a post's stored body, which was
sanitised when it was written and goes in as it is; the page's one CSRF field
works for every form on it; the page's queries do not grow with its posts; the
environment's url() gives what reverse() gives.
"""

import re

import pytest
from django.db import connection
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.html import escape

from config.jinja2_environment import url
from forum.attachments import services as attachments
from forum.models import Attachment, Post
from tests.forum.factories import reply, start_topic
from tests.forum.test_attachments import MINIMAL_PDF, image_bytes, upload

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script>'
ESCAPED = "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"


def test_hostile_names_titles_and_file_names_are_escaped_and_the_body_goes_in_as_stored(
    client_for, role_user, moderator, open_category
):
    author = role_user("member", full_name=f"Eve {SCRIPT}")
    topic = start_topic(author, open_category, title=f"Title {SCRIPT}", body="Plain **bold** text")
    post = topic.posts.get(number=1)
    attachments.attach(
        post, by=author, upload=upload(image_bytes(), "photo.png"), alt_text='A map" onerror="alert(1)'
    )
    pdf = attachments.attach(post, by=author, upload=upload(MINIMAL_PDF, "notes.pdf"))
    # Stored names are cleaned on upload; the template must not rely on it.
    Attachment.objects.filter(pk=pdf.pk).update(display_name=f"{SCRIPT}.pdf")
    peer = role_user("other_task_force_member", full_name=f"Mallory {SCRIPT}")
    reply(topic, peer, "A reply with `<b>code</b>` in it")

    page = client_for(moderator).get(f"/forum/t/{topic.pk}/").content.decode()

    assert "<script>alert" not in page and 'onerror="alert(1)' not in page
    assert f"<h1>{escape(f'Title {SCRIPT}')}</h1>" in page
    assert f">Eve {ESCAPED}</a></h3>" in page and f">Mallory {ESCAPED}</a></h3>" in page
    assert 'alt="A map&#34; onerror=&#34;alert(1)"' in page
    assert f'>{ESCAPED}.pdf</a> <span class="muted">(PDF, ' in page
    # The stored (sanitised) bodies, exactly as stored: markup kept, its escaped code kept escaped.
    for body in Post.objects.filter(topic=topic).values_list("body_html", flat=True):
        assert f'<div class="forum-body">{body}</div>' in page
    assert "<strong>bold</strong>" in page and "&lt;b&gt;code&lt;/b&gt;" in page


def test_the_pages_csrf_field_is_accepted_by_its_forms(role_user, member, open_category):
    topic = start_topic(member, open_category)
    reply(topic, member, "An answer worth marking")
    peer = role_user("other_task_force_member")
    client = Client(enforce_csrf_checks=True)
    client.force_login(peer)
    page = client.get(f"/forum/t/{topic.pk}/").content.decode()
    helpful = reverse("forum:helpful", args=[topic.posts.get(number=2).pk])
    form = re.search(rf'<form method="post" action="{helpful}" class="inline-form">(.*?)</form>', page)
    assert form, "the peer sees a Helpful button"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(1)).group(1)
    response = client.post(helpful, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert topic.posts.get(number=2).helpful_count == 1


def test_per_viewer_controls(client_for, member, role_user, moderator, open_category):
    topic = start_topic(member, open_category)
    answer = reply(topic, role_user("other_task_force_member"), "Ask the advocate first.")
    mine = client_for(member).get(f"/forum/t/{topic.pk}/").content.decode()
    theirs = mine.split('id="post-2"', 1)[1]
    assert f'<a href="/forum/posts/{answer.pk}/report/">Report</a>' in theirs
    assert f'action="/forum/posts/{answer.pk}/accept/"' in theirs
    assert f'href="/forum/posts/{answer.pk}/edit/"' not in theirs
    own = mine.split('id="post-1"', 1)[1].split('id="post-2"', 1)[0]
    assert 'href="/forum/posts/' in own and ">Edit</a>" in own and ">Attach a file</a>" in own
    assert ">Report</a>" not in own and ">Redact</a>" not in own

    moderating = client_for(moderator).get(f"/forum/t/{topic.pk}/").content.decode()
    theirs = moderating.split('id="post-2"', 1)[1]
    assert f'action="/forum/posts/{answer.pk}/moderate/"' in theirs
    assert '<button type="submit" name="action" value="hide" class="button-secondary">Hide</button>' in theirs
    assert f'href="{reverse("forum:redact", args=[answer.pk])}"' in theirs
    assert f'{reverse("forum:warn", args=[answer.author_id])}?post={answer.pk}">Warn the author</a>' in theirs


def test_the_topic_pages_queries_do_not_grow_with_its_posts(
    client_for, member, role_user, open_category, django_assert_max_num_queries
):
    topic = start_topic(member, open_category)
    peer = role_user("other_task_force_member")
    client = client_for(peer)
    url_ = f"/forum/t/{topic.pk}/"
    client.get(url_)
    with CaptureQueriesContext(connection) as one:
        client.get(url_)
    # Counted now: each request clears the connection's query log the context reads from.
    queries = len(one)
    for n in range(19):
        reply(topic, member if n % 2 else peer, f"Reply {n}")
    client.get(url_)
    with django_assert_max_num_queries(queries):
        page = client.get(url_).content.decode()
    assert page.count('<article class="forum-post') == 20


def test_url_is_reverse_with_patterns_kept():
    assert url("forum:post", 12, 3) == reverse("forum:post", args=[12, 3])
    assert url("forum:post", 12, 4) == reverse("forum:post", args=[12, 4])
    assert url("forum:approvals") == reverse("forum:approvals")
    assert url("forum:category", "a-slug") == reverse("forum:category", args=["a-slug"])


def test_the_jinja2_engine_always_escapes():
    template = engines["jinja2"].from_string("{{ value }}")
    assert template.render({"value": SCRIPT}) == ESCAPED
