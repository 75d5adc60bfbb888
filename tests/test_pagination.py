"""includes/pagination.html: the one pagination of every list (forum, CMS, search, TTA, members, research)."""

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory


def _page(number, count=100, per_page=10):
    return Paginator(range(count), per_page).get_page(number)


def render(request_path="/list/", **context):
    return render_to_string("includes/pagination.html", context, request=RequestFactory().get(request_path))


def test_one_page_shows_no_navigation():
    assert render(page=_page(1, count=5), numbers=[1], prefix="?page=").strip() == ""


def test_numbers_with_gaps_links_and_the_current_page():
    page = _page(5, count=300)
    html = render(
        page=page,
        numbers=page.paginator.get_elided_page_range(5),
        ellipsis=page.paginator.ELLIPSIS,
        prefix="?page=",
    )
    assert '<nav aria-label="Pages">' in html
    assert '<a href="?page=4" rel="prev">Previous</a>' in html
    assert '<a href="?page=6" rel="next">Next</a>' in html
    assert '<span aria-current="page">5</span>' in html
    assert '<li><a href="?page=1">1</a></li>' in html
    assert "<li><span>…</span></li>" in html


def test_without_a_prefix_links_keep_the_other_parameters():
    page = _page(2)
    html = render("/list/?topic=a&page=2", page=page, numbers=[1, 2, 3], label="Pages of results")
    assert '<nav aria-label="Pages of results">' in html
    assert 'href="?topic=a&amp;page=3" rel="next"' in html


def test_page_n_of_m_and_hidden_words():
    html = render(page=_page(2, count=30), prefix="?task_force=7&page=", of=3)
    assert '<span aria-current="page">Page 2 of 3</span>' in html
    assert 'href="?task_force=7&amp;page=3" rel="next"' in html
    html = render(page=_page(2), numbers=[1, 2, 3], hidden_step=" page of requests", hidden_number=" (page)")
    assert 'Next<span class="visually-hidden"> page of requests</span></a>' in html
    assert '3<span class="visually-hidden"> (page)</span></a>' in html


def test_topic_lists_mark_gaps_with_none_and_search_names_each_number():
    html = render(page=_page(5), numbers=[1, None, 4, 5, 6], prefix="?q=x&page=", number_label=True)
    assert "<li><span>…</span></li>" in html
    assert '<a href="?q=x&amp;page=4" aria-label="Page 4">4</a>' in html
