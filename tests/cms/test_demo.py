"""The demo site: seeded idempotently, with the program's real resources, hotlines and honest briefs."""

import io
from pathlib import Path

import pytest
from django.test import Client
from wagtail.models import Page

from cms import access, demo
from cms.models import EvidenceBriefPage, PracticePage, ResourcePage
from search.models import IndexEntry

pytestmark = pytest.mark.django_db

# Every IACP and external resource named in domain.md.
DOMAIN_RESOURCES = [
    "Human Trafficking Law Enforcement Training Guidebook",
    "Roll Call Training Video Series with Discussion Questions",
    "Child Sex Trafficking Tools for Law Enforcement",
    "Training Key: Human Trafficking Update",
    "Faces of Human Trafficking video series",
    "Human Trafficking Task Force e-Guide",
    "National Center for Missing & Exploited Children (NCMEC)",
    "National Human Trafficking Resource Center (NHTRC)",
    "OVC Training and Technical Assistance Center",
    "Human Smuggling and Trafficking Center",
    "Office to Monitor and Combat Trafficking in Persons",
    "Blue Campaign",
    "ICE: human trafficking investigations and the HSI Tip Line",
    "Campaign to Rescue and Restore Victims of Human Trafficking",
    "Upper Midwest Community Policing Institute (UMCPI)",
]


@pytest.fixture
def seeded(db):
    demo.seed(io.StringIO())


def test_seeding_twice_creates_nothing_new(seeded):
    before = (Page.objects.count(), IndexEntry.objects.count())
    out = io.StringIO()
    demo.seed(out)
    assert (Page.objects.count(), IndexEntry.objects.count()) == before
    assert "cms: 0 pages and files created" in out.getvalue()


def test_about_ten_practices_across_facets_one_members_only(seeded):
    practices = list(PracticePage.objects.live().prefetch_related("topics", "audiences"))
    assert 10 <= len(practices) <= 12
    restrictions = access.page_restrictions()
    members_only = [page.title for page in practices if access.is_members_only(page, restrictions)]
    assert members_only == ["Quarterly case review with prosecutors and service providers"]
    facets = {term.facet for page in practices for term in (*page.topics.all(), *page.audiences.all())}
    assert facets == {"phase", "trafficking_type", "practice_area", "audience"}
    assert {page.evidence_level for page in practices} >= {"promising", "expert_consensus", "emerging"}


def test_the_resource_library_holds_every_resource_named_by_the_program(seeded):
    titles = set(ResourcePage.objects.values_list("title", flat=True))
    assert set(DOMAIN_RESOURCES) <= titles
    for resource in ResourcePage.objects.all():
        assert resource.link_url.startswith("https://") or resource.access_note
        assert "utm_" not in resource.link_url
    series = ResourcePage.objects.filter(resource_type__slug="video-series")
    assert series.count() == 2
    assert all(any(block.value["questions"] for block in page.episodes) for page in series)


def test_briefs_label_illustrative_figures_and_keep_htrs_figures_real(seeded):
    htrs = EvidenceBriefPage.objects.get(slug="htrs-suspected-incidents-2008-2010")
    figures = {block.value["value"]: block.value for block in htrs.key_figures}
    assert set(figures) == {"2,515", "82", "11"}
    assert not any(figure["illustrative"] for figure in figures.values())
    illustration = EvidenceBriefPage.objects.get(slug="reading-quarterly-performance-measures")
    assert all(block.value["illustrative"] for block in (*illustration.key_figures, *illustration.charts))
    html = Client().get(illustration.url).content.decode()
    assert "Illustrative figure" in html and "Illustrative data" in html


def test_members_only_practice_document_is_members_only(seeded, role_user):
    page = PracticePage.objects.get(slug="quarterly-case-review")
    [document_block] = [block for block in page.body if block.block_type == "document"]
    document = document_block.value["document"]
    assert access.collection_is_members_only(document.collection)
    assert Client().get(document.url).status_code == 302
    member = Client()
    member.force_login(role_user("member"))
    assert member.get(document.url).status_code == 200


def test_demo_pages_render_for_anonymous_visitors(seeded):
    client = Client()
    for url in [
        "/",
        "/practices/",
        "/practices/proactive-investigations/",
        "/resources/",
        "/resources/faces-of-human-trafficking/",
        "/briefs/",
        "/briefs/htrs-suspected-incidents-2008-2010/",
        "/about/",
        "/about/partners/",
        "/privacy/",
        "/contact/",
        "/topics/",
        "/topics/labor-trafficking/",
    ]:
        assert client.get(url).status_code == 200, url
    partners = client.get("/about/partners/").content.decode()
    for partner in ("Bureau of Justice Assistance", "AEquitas", "John Jay College of Criminal Justice"):
        assert partner in partners


def test_home_page_weight_is_within_budget(seeded):
    from django.contrib.staticfiles import finders

    html = Client().get("/").content
    css = sum(len(Path(finders.find(path)).read_bytes()) for path in ("css/site.css", "cms/cms.css"))
    assert len(html) + css <= 100 * 1024, f"{len(html)} bytes of HTML + {css} of CSS"
