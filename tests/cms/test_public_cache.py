"""Anonymous visitors' copies of public pages (cms.public_cache), attacker first.

No members-only text ever reaches an anonymous visitor from the cache, a
signed-in member never gets the anonymous copy, every change that could alter
a page shows at once, and a copy answers conditional requests with a 304.
"""

import threading

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils.http import http_date
from wagtail.models import BaseViewRestriction, Site

from cms import freshness, public_cache
from tests.cms import factories

pytestmark = pytest.mark.django_db

SECRET = "Undercover contact schedule"
HIT = public_cache.STATUS_HEADER


@pytest.fixture
def practice(indexes):
    return factories.practice(
        indexes["practices"],
        title="Deconfliction before raids",
        slug="deconfliction",
        topics=["coordination"],
    )


@pytest.fixture
def secret_practice(indexes):
    page = factories.practice(
        indexes["practices"], title=SECRET, slug="schedule", body=factories.body(f"{SECRET} body text.")
    )
    return factories.make_members_only(page)


def cached_twice(client, url):
    """Ask twice; the second answer must come from the cache."""
    first = client.get(url)
    assert first.status_code == 200, url
    second = client.get(url)
    assert second[HIT] == "hit", url
    return second


def text(response):
    return response.content.decode()


# --- Members-only text never reaches an anonymous visitor ---------------------------------------


def test_member_reads_a_members_only_page_first_then_anonymous_is_asked_to_sign_in(
    client_for, role_user, secret_practice
):
    member = client_for(role_user("member"))
    seen = member.get(secret_practice.url)
    assert seen.status_code == 200 and SECRET in text(seen)
    assert "private" in seen["Cache-Control"] and "no-store" in seen["Cache-Control"]
    assert HIT not in seen

    for _ in range(2):
        anonymous = Client().get(secret_practice.url)
        assert anonymous.status_code == 302
        assert SECRET not in text(anonymous)
        assert HIT not in anonymous
        assert "public" not in anonymous["Cache-Control"]


@pytest.mark.parametrize(
    "suffix", ["", "?", "?a=1", "?page=2", "?%00", "?" + "x" * 600, "?q=<script>alert(1)</script>", "?'--"]
)
def test_guessed_urls_of_a_members_only_page_never_serve_its_text(client, secret_practice, suffix):
    url = secret_practice.url + suffix
    for _ in range(3):
        response = client.get(url)
        assert response.status_code in (302, 404)
        assert SECRET not in text(response)
    # Nor through the index or the home page's lists.
    for listing in ("/practices/", "/practices/?page=1", "/", "/topics/coordination/"):
        assert SECRET not in text(client.get(listing + suffix[:40]))


def test_page_made_members_only_after_it_was_cached_is_no_longer_served(client, practice):
    cached_twice(client, practice.url)
    cached_twice(client, "/practices/")
    factories.make_members_only(practice)

    response = client.get(practice.url)
    assert response.status_code == 302
    assert practice.title not in text(response)
    assert practice.title not in text(client.get("/practices/"))


def test_page_restricted_through_wagtails_privacy_dialog_after_caching_is_no_longer_served(client, practice):
    cached_twice(client, practice.url)
    factories.restrict_to(practice, restriction_type=BaseViewRestriction.LOGIN)
    response = client.get(practice.url)
    assert response.status_code == 302
    assert practice.title not in text(response)


def test_section_made_members_only_after_caching_hides_every_page_under_it(client, indexes, practice):
    cached_twice(client, practice.url)
    factories.make_members_only(indexes["practices"])
    assert client.get(practice.url).status_code == 302


def test_page_unpublished_after_it_was_cached_is_gone(client, practice):
    cached_twice(client, practice.url)
    cached_twice(client, "/practices/")
    practice.unpublish()

    assert client.get(practice.url).status_code == 404
    assert practice.title not in text(client.get("/practices/"))


def test_a_password_protected_page_is_never_stored(client, practice):
    factories.restrict_to(practice, restriction_type=BaseViewRestriction.PASSWORD)
    practice.password = "x"
    for _ in range(2):
        response = client.get(practice.url)
        assert practice.title not in text(response) or "password" in text(response).lower()
        assert HIT not in response


# --- Signed-in visitors never get the anonymous copy --------------------------------------------


@pytest.mark.parametrize("role", ["member", "pending"])
def test_signed_in_visitor_never_gets_the_anonymous_copy(client_for, role_user, practice, role):
    cached_twice(Client(), practice.url)
    cached_twice(Client(), "/")

    signed_in = client_for(role_user(role))
    for url in (practice.url, "/"):
        response = signed_in.get(url)
        assert response.status_code == 200
        assert HIT not in response
        assert "Sign out" in text(response), "the member's navigation is missing"
        assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
        assert "Cookie" in response["Vary"]


def test_a_members_copy_is_never_stored_for_anonymous_visitors(client_for, role_user, practice):
    member = client_for(role_user("member"))
    member.get(practice.url)
    member.get(practice.url)
    anonymous = Client().get(practice.url)
    assert anonymous[HIT] == "miss"
    assert "Sign out" not in text(anonymous)


def test_every_answer_to_a_signed_in_member_is_private(client_for, role_user):
    member = client_for(role_user("member"))
    for url in ("/forum/", "/report/", "/search/?q=case", "/robots.txt"):
        response = member.get(url)
        assert "private" in response["Cache-Control"], url
        assert "public" not in response["Cache-Control"], url


def test_a_visitor_with_messages_waiting_sees_them_and_is_not_served_a_copy(client, practice):
    cached_twice(client, practice.url)
    client.cookies["messages"] = "anything"
    response = client.get(practice.url)
    assert HIT not in response


# --- What is stored, and what is not ------------------------------------------------------------


def test_public_pages_are_served_from_the_cache_with_public_headers(client, indexes, practice):
    factories.brief(indexes["briefs"], title="Incidents 2009", slug="incidents")
    for url in (
        "/",
        practice.url,
        "/practices/",
        "/practices/?phase=forming-a-task-force",
        "/resources/",
        "/briefs/",
        "/report/",
        "/topics/",
        "/topics/coordination/",
        "/feeds/practices/",
        "/feeds/briefs/",
    ):
        response = cached_twice(client, url)
        assert response["Cache-Control"] == f"public, max-age={public_cache.MAX_AGE}, s-maxage=0", url
        assert "Cookie" in response["Vary"]
        assert response["ETag"] and response["Last-Modified"]
        assert "Content-Security-Policy" in response, "headers added above the cache are still added"


def test_the_contact_form_is_never_stored_each_visitor_gets_their_own_token(client):
    page = factories.contact_page()
    tokens = set()
    for _ in range(3):
        visitor = Client()
        response = visitor.get(page.url)
        assert response.status_code == 200
        assert HIT not in response
        assert "public" not in response.get("Cache-Control", "")
        tokens.add(visitor.cookies["csrftoken"].value)
    assert len(tokens) == 3


def test_a_head_request_is_answered_from_the_copy_and_a_post_never(client, practice):
    cached_twice(client, practice.url)
    assert client.head(practice.url)[HIT] == "hit"
    assert HIT not in client.post("/report/")


def test_not_found_is_never_stored(client, indexes):
    for _ in range(2):
        response = client.get("/practices/no-such-page/")
        assert response.status_code == 404
        assert HIT not in response


def test_hosts_get_separate_copies(client, practice):
    cached_twice(client, practice.url)
    assert client.get(practice.url, HTTP_HOST="localhost")[HIT] == "miss"


def test_huge_query_strings_are_rendered_but_never_stored(client, practice):
    url = practice.url + "?" + "a=" + "x" * 20_000
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert HIT not in response


@pytest.mark.parametrize(
    "path",
    ["/", "/" + "p" * 5000 + "/", "/practices/?q=%27%3B+DROP+TABLE+wagtailcore_page%3B--", "/é/\u2028/"],
)
def test_keys_have_one_length_whatever_is_asked(path):
    request = RequestFactory().get(path)
    request.user = factories.anonymous_user()
    request.session = {}
    key = public_cache.cache_key(request)
    assert len(key) == len(public_cache.KEY_PREFIX) + 64


def test_a_hit_makes_no_database_query(client, practice, django_assert_num_queries):
    for url in ("/", practice.url, "/practices/", "/topics/coordination/"):
        cached_twice(client, url)
        with django_assert_num_queries(0):
            assert client.get(url)[HIT] == "hit"


def test_a_miss_costs_what_the_page_costs(client, practice, django_assert_max_num_queries):
    client.get(practice.url)
    public_cache.purge()
    with django_assert_max_num_queries(12):
        assert client.get(practice.url)[HIT] == "miss"


# serialized_rollback: its flush must not re-create content types (see tests/forum/test_bench_smoke.py).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_first_visitors_all_get_the_page(live_server, indexes):
    practice = factories.practice(
        indexes["practices"], title="Deconfliction before raids", slug="deconfliction"
    )
    import urllib.request

    from cms.models import SiteSettings

    # The site's settings row exists on a set-up site; created here by the first requests, the
    # race between them is Wagtail's get_or_create's, not the cache's (reported separately).
    SiteSettings.for_site(Site.objects.get(is_default_site=True))

    url = live_server.url + practice.url
    bodies, errors = [], []

    def fetch():
        try:
            with urllib.request.urlopen(url, timeout=30) as answer:  # noqa: S310 - the test server
                bodies.append(answer.read())
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=fetch) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(bodies)) == 1 and practice.title.encode() in bodies[0]


# --- Conditional requests -------------------------------------------------------------------------


def test_if_none_match_gets_304_on_a_miss_and_on_a_hit(client, practice):
    first = client.get(practice.url)
    etag = first["ETag"]
    again = client.get(practice.url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again[HIT] == "hit"
    assert again.content == b""
    public_cache.purge()
    fresh = client.get(practice.url, HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 304 and fresh[HIT] == "miss", "same content, same tag"
    assert client.get(practice.url, HTTP_IF_NONE_MATCH='"other"').status_code == 200


def test_if_modified_since_gets_304(client, practice):
    first = client.get(practice.url)
    since = client.get(practice.url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])
    assert since.status_code == 304
    assert client.get(practice.url, HTTP_IF_MODIFIED_SINCE=http_date(0)).status_code == 200
    assert client.get(practice.url, HTTP_IF_MODIFIED_SINCE="garbage").status_code == 200


def test_a_304_is_never_sent_for_a_changed_page(client, practice):
    etag = client.get(practice.url)["ETag"]
    practice.title = "Deconfliction, revised"
    factories.publish(practice)
    response = client.get(practice.url, HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert "Deconfliction, revised" in text(response)


# --- Purges ---------------------------------------------------------------------------------------


def test_publishing_shows_the_new_content_at_once_on_the_page_its_index_home_and_feed(
    client, indexes, practice
):
    brief = factories.brief(indexes["briefs"], title="Incidents 2009", slug="incidents")
    for url in (practice.url, "/practices/", "/", "/briefs/", "/feeds/briefs/", "/topics/coordination/"):
        cached_twice(client, url)

    practice.title = "Deconfliction, revised"
    factories.publish(practice)
    brief.title = "Incidents 2009, corrected"
    factories.publish(brief)

    assert "Deconfliction, revised" in text(client.get(practice.url))
    assert "Deconfliction, revised" in text(client.get("/practices/"))
    assert "Deconfliction, revised" in text(client.get("/topics/coordination/"))
    assert "Incidents 2009, corrected" in text(client.get("/"))
    assert "Incidents 2009, corrected" in text(client.get("/briefs/"))
    assert "Incidents 2009, corrected" in text(client.get("/feeds/briefs/"))


def test_a_new_page_shows_in_its_index_at_once(client, indexes, practice):
    cached_twice(client, "/practices/")
    factories.practice(indexes["practices"], title="Victim-centred interviews", slug="interviews")
    assert "Victim-centred interviews" in text(client.get("/practices/"))


def test_moving_a_page_sends_its_old_url_on_and_serves_the_new_one(client, indexes, practice):
    old_url = practice.url
    cached_twice(client, old_url)
    cached_twice(client, "/practices/")
    practice.move(indexes["resources"], pos="last-child")
    practice.refresh_from_db()

    moved = client.get(old_url)
    # Wagtail leaves a redirect behind a moved page: the old copy is not served.
    assert moved.status_code == 301 and moved["Location"] == practice.url
    # The practices index lists every practice by type, wherever it sits: its card links to the new URL.
    listing = text(client.get("/practices/"))
    assert f'href="{practice.url}"' in listing and f'href="{old_url}"' not in listing
    assert practice.title in text(client.get(practice.url))


def test_deleting_a_cached_page_purges_it(client, practice):
    url = practice.url
    cached_twice(client, url)
    cached_twice(client, "/practices/")
    practice.delete()
    assert client.get(url).status_code == 404
    assert "Deconfliction before raids" not in text(client.get("/practices/"))


def test_a_purge_for_a_page_that_no_longer_exists_does_not_fail(client, practice, capsys):
    cached_twice(client, practice.url)
    gone_id = practice.pk
    practice.delete()
    public_cache.purge(gone_id)
    call_command("purge_public_cache", str(gone_id), "999999")
    out = capsys.readouterr().out
    assert f"No page {gone_id}" in out and "No page 999999" in out
    assert "Purged" in out


def test_the_purge_command_drops_every_copy(client, practice):
    cached_twice(client, practice.url)
    call_command("purge_public_cache")
    assert client.get(practice.url)[HIT] == "miss"


def test_a_lost_version_number_is_a_miss_not_an_old_copy(client, practice):
    cached_twice(client, practice.url)
    cache.delete(freshness.VERSION_KEY)
    assert client.get(practice.url)[HIT] == "miss"
    assert client.get(practice.url)[HIT] == "hit"


def test_pages_are_rendered_as_usual_when_the_cache_cannot_be_reached(client, practice, monkeypatch):
    class Down:
        def get_many(self, *args, **kwargs):
            raise ConnectionError("Redis is restarting")

        set = get_many

    # Only the page cache's own reads and writes fail here; the rest of the site keeps its cache.
    monkeypatch.setattr(public_cache, "cache", Down())
    for _ in range(2):
        response = client.get(practice.url)
        assert response.status_code == 200 and practice.title in text(response)
        assert HIT not in response


def test_the_setting_turns_the_cache_off(client, practice, settings):
    settings.PUBLIC_PAGE_CACHE = False
    client.get(practice.url)
    assert HIT not in client.get(practice.url)


def test_a_deploy_never_serves_a_copy_the_release_before_rendered(client, practice, monkeypatch):
    """A new release may change any template: copies made by the old one are not its copies."""
    from config import release

    cached_twice(client, practice.url)
    assert client.get(practice.url)[HIT] == "hit"
    monkeypatch.setattr(release, "code_version", lambda: "the-next-release")
    assert client.get(practice.url)[HIT] == "miss"
    assert client.get(practice.url)[HIT] == "hit"
