"""Editors' page forms, posted as the admin posts them: page tree rules, privacy, asset rules, bad input."""

from django.urls import reverse
from wagtail.models import BaseViewRestriction, PageViewRestriction
from wagtail.test.utils import WagtailPageTestCase

from cms.models import (
    BriefIndexPage,
    ContactPage,
    EvidenceBriefPage,
    HomePage,
    PracticeIndexPage,
    PracticePage,
    ResourceIndexPage,
    ResourcePage,
    StandardPage,
)
from members.roles import MEMBER
from tests.cms import factories
from tests.cms.page_forms import brief_form, document_block, image_block, paragraph, practice_form, smart_tip
from tests.factories import make_role


def add_url(parent, model=PracticePage):
    return reverse("wagtailadmin_pages:add", args=[model._meta.app_label, model._meta.model_name, parent.pk])


class PracticeFormTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_role("superuser")
        cls.editor = make_role("editor")
        cls.indexes = factories.index_pages()
        cls.index = cls.indexes["practices"]

    def setUp(self):
        self.client.force_login(self.superuser)

    def post_practice(self, data, user=None, action="action-publish"):
        if user is not None:
            self.client.force_login(user)
        data = {**data, action: action} if action else data
        return self.client.post(add_url(self.index), data)

    def test_page_tree_keeps_each_type_in_its_section(self):
        self.assertAllowedSubpageTypes(PracticeIndexPage, {PracticePage})
        self.assertAllowedSubpageTypes(ResourceIndexPage, {ResourcePage})
        self.assertAllowedSubpageTypes(BriefIndexPage, {EvidenceBriefPage})
        self.assertAllowedParentPageTypes(PracticePage, {PracticeIndexPage})
        self.assertCanNotCreateAt(HomePage, PracticePage)
        self.assertCanCreateAt(HomePage, StandardPage)
        self.assertCanCreateAt(HomePage, ContactPage)

    def test_publishing_a_practice_with_topics_and_a_callout(self):
        self.assertCanCreate(
            self.index,
            PracticePage,
            practice_form(
                blocks=[paragraph(), smart_tip()],
                topics=["operating-a-task-force", "information-sharing"],
                audiences=["investigators"],
            ),
        )
        page = PracticePage.objects.get(slug="deconfliction-before-every-operation")
        self.assertTrue(page.live)
        self.assertEqual(set(page.topic_slugs), {"operating-a-task-force", "information-sharing"})
        self.assertFalse(PageViewRestriction.objects.filter(page=page).exists())
        html = self.client.get(page.url).content.decode()
        self.assertIn("Count what you find", html)
        self.assertIn("Smart tip", html)

    def test_members_only_choice_becomes_a_member_group_restriction(self):
        self.assertCanCreate(self.index, PracticePage, practice_form(visibility="members"))
        page = PracticePage.objects.get(slug="deconfliction-before-every-operation")
        restriction = PageViewRestriction.objects.get(page=page)
        self.assertEqual(restriction.restriction_type, BaseViewRestriction.GROUPS)
        self.assertEqual([g.name for g in restriction.groups.all()], [MEMBER])

    def test_public_page_may_not_use_a_members_only_image(self):
        secret = factories.image("Case map", collection=factories.members_collection(), name="map.png")
        response = self.post_practice(practice_form(blocks=[image_block(secret)]))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "is members-only, but this page is public")
        self.assertFalse(PracticePage.objects.filter(slug="deconfliction-before-every-operation").exists())

    def test_members_only_page_may_not_use_a_public_document(self):
        public = factories.document("Public checklist", name="public.pdf")
        response = self.post_practice(practice_form(blocks=[document_block(public)], visibility="members"))
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "is in the public collection")
        self.assertFalse(PracticePage.objects.filter(slug="deconfliction-before-every-operation").exists())

    def test_members_only_page_with_members_only_assets_is_accepted(self):
        secret = factories.image("Case map", collection=factories.members_collection(), name="map.png")
        template = factories.document("Template", collection=factories.members_collection(), name="t.pdf")
        self.assertCanCreate(
            self.index,
            PracticePage,
            practice_form(blocks=[image_block(secret), document_block(template)], visibility="members"),
        )

    def test_a_page_under_a_members_only_section_counts_as_members_only(self):
        factories.make_members_only(self.index)
        public = factories.image("Public chart", name="public.png")
        response = self.post_practice(practice_form(blocks=[image_block(public)]))
        self.assertContains(response, "is in the public collection")

    def test_missing_fields_are_reported(self):
        data = practice_form(title="", summary="", blocks=[])
        response = self.post_practice(data)
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertIn("title", form.errors)
        self.assertIn("summary", form.errors)
        self.assertIn("body", form.errors)

    def test_image_block_requires_alt_text(self):
        chart = factories.image("Chart", name="chart.png")
        response = self.post_practice(practice_form(blocks=[image_block(chart, alt="")]))
        self.assertEqual(response.status_code, 200)
        self.assertIn("body", response.context["form"].errors)

    def test_review_dates_must_be_in_order(self):
        response = self.post_practice(practice_form(last_reviewed="2026-05-01", next_review_due="2026-01-01"))
        self.assertContains(response, "The next review must come after the last one.")

    def test_hostile_text_is_stored_and_shown_as_text(self):
        self.assertCanCreate(
            self.index,
            PracticePage,
            practice_form(
                title="<script>alert(1)</script> Tips", slug="hostile", summary="' OR 1=1; -- <img src=x>"
            ),
        )
        html = self.client.get("/practices/hostile/").content.decode()
        self.assertNotIn("<script>alert(1)</script>", html)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt; Tips", html)
        self.assertNotIn("<img src=x>", html)

    def test_retired_terms_are_not_offered_but_stay_on_pages_that_have_them(self):
        page = factories.practice(self.index, title="Old practice", slug="old", topics=["training"])
        retired = factories.term("training")
        retired.retired = True
        retired.save()
        add_form = self.client.get(add_url(self.index)).context["form"]
        self.assertNotIn(retired, add_form.fields["topics"].queryset)
        edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        edit_form = self.client.get(edit_url).context["form"]
        self.assertIn(retired, edit_form.fields["topics"].queryset)
        data = practice_form(title="Old practice", slug="old", topics=["training"])
        response = self.client.post(edit_url, {**data, "action-publish": "action-publish"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual(PracticePage.objects.get(pk=page.pk).topic_slugs, ["training"])

    def test_editor_may_not_make_a_members_only_page_public(self):
        page = factories.make_members_only(factories.practice(self.index, title="Case review", slug="review"))
        self.client.force_login(self.editor)
        edit_url = reverse("wagtailadmin_pages:edit", args=[page.pk])
        data = practice_form(title="Case review", slug="review", visibility="public")
        response = self.client.post(edit_url, data)
        self.assertContains(
            response, "Only someone who may publish this page can make a members-only page public."
        )
        self.assertTrue(PageViewRestriction.objects.filter(page=page).exists())


class EditorFormsRenderTests(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.superuser = make_role("superuser")
        cls.indexes = factories.index_pages()

    def setUp(self):
        self.client.force_login(self.superuser)

    def test_every_page_type_has_a_working_add_form_with_the_privacy_choice(self):
        home = factories.home()
        for parent, model in (
            (self.indexes["practices"], PracticePage),
            (self.indexes["resources"], ResourcePage),
            (self.indexes["briefs"], EvidenceBriefPage),
            (home, StandardPage),
            (home, ContactPage),
        ):
            response = self.client.get(add_url(parent, model))
            self.assertEqual(response.status_code, 200, model.__name__)
            if model is not ContactPage:
                self.assertContains(response, "Who can see this page")

    def test_an_evidence_brief_is_written_through_the_form(self):
        chart = factories.image("Incidents chart", name="incidents.png")
        self.assertCanCreate(self.indexes["briefs"], EvidenceBriefPage, brief_form(chart_image=chart))
        brief = EvidenceBriefPage.objects.get(slug="suspected-incidents-2008-to-2010")
        self.assertEqual(brief.provenance_parameters, {"start": "2008-01", "end": "2010-06"})
        html = self.client.get(brief.url).content.decode()
        self.assertIn("2,515", html)
        self.assertIn('alt="Sex trafficking 82%, labor trafficking 11%."', html)
        self.assertIn('<caption class="visually-hidden">Data for: Incidents by type</caption>', html)
        self.assertIn('<th scope="row">Sex trafficking</th>', html)
        self.assertIn("<code>run-42</code>", html)

    def test_malformed_provenance_json_is_refused(self):
        response = self.client.post(
            add_url(self.indexes["briefs"], EvidenceBriefPage),
            {**brief_form(provenance_parameters="{not json"), "action-publish": "1"},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("provenance_parameters", response.context["form"].errors)

    def test_a_resource_needs_a_link_a_document_or_a_way_to_get_it(self):
        from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

        data = nested_form_data(
            {
                "title": "Mystery resource",
                "slug": "mystery",
                "summary": "Somewhere.",
                "resource_type": factories.term("guidebook").pk,
                "publisher": "Someone",
                "link_url": "",
                "access_note": "",
                "description": rich_text(""),
                "episodes": streamfield([]),
                "visibility": "public",
                "comments": inline_formset([]),
            }
        )
        response = self.client.post(
            add_url(self.indexes["resources"], ResourcePage), {**data, "action-publish": "1"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Give a link, upload a document")
