"""Wagtail's own privacy dialog, held to the same asset rule as the page form's "Who can see this page".

Reviewers can open the "Privacy" dialog on any page and change its view
restriction directly, without the page form. Left alone, that would let a page
with public pictures become members-only (anyone could still fetch those
pictures, although the page says they are for members), or a page with
members-only documents become public (the public would get broken links), and
the same for every page under it, since restrictions are inherited. So every
CMS page type gets a page viewset whose privacy view first asks
:func:`cms.privacy.subtree_conflicts` and, if anything disagrees, shows the
dialog again with the problems instead of saving.

The same viewsets install cms.review's editor and workflow-action views, so a
review is decided once, under a lock, on every page type.
"""

from wagtail.admin.views.page_privacy import SetPrivacyView
from wagtail.admin.viewsets.pages import PageViewSet
from wagtail.models import BaseViewRestriction

from cms import privacy
from cms.review import ReviewDecisionEditView, ReviewDecisionWorkflowActionView

MAX_PROBLEMS_SHOWN = 10


class AssetCheckedSetPrivacyView(SetPrivacyView):
    def form_valid(self, form):
        restricted_here = form.cleaned_data["restriction_type"] != BaseViewRestriction.NONE
        problems = privacy.subtree_conflicts(self.page, restricted_here)
        if not problems:
            return super().form_valid(form)
        # Wagtail's dialog template shows field errors only, so they go on the visibility choice.
        for problem in problems[:MAX_PROBLEMS_SHOWN]:
            form.add_error("restriction_type", problem)
        if len(problems) > MAX_PROBLEMS_SHOWN:
            form.add_error("restriction_type", f"… and {len(problems) - MAX_PROBLEMS_SHOWN} more.")
        form.add_error("restriction_type", "Nothing was changed.")
        return self.form_invalid(form)


class CommonsPageViewSet(PageViewSet):
    """The default page views, except privacy, which checks the assets of the pages it affects,
    and the two ways to decide a review (cms.review)."""

    set_privacy_view_class = AssetCheckedSetPrivacyView
    edit_view_class = ReviewDecisionEditView
    workflow_action_view_class = ReviewDecisionWorkflowActionView

    @property
    def parent_models(self):
        # Keep Wagtail's generic explorer listing for the parents; only the privacy view differs.
        return []


def viewsets():
    """One viewset per CMS page type (Wagtail picks a page's viewset by its model)."""
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

    models = (
        HomePage,
        PracticeIndexPage,
        PracticePage,
        ResourceIndexPage,
        ResourcePage,
        BriefIndexPage,
        EvidenceBriefPage,
        StandardPage,
        ContactPage,
    )
    return [CommonsPageViewSet(model=model) for model in models]
