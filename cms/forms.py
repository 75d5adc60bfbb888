"""The admin form of content pages: who can see the page, and which taxonomy terms may be chosen."""

from django import forms
from wagtail.admin.forms import WagtailAdminPageForm

from cms import privacy
from taxonomy.models import Term


class ContentPageForm(WagtailAdminPageForm):
    """Adds "who can see this page" to practices, resources, briefs and standard pages.

    The choice is not stored on the page: it becomes the page's Wagtail view
    restriction when the page is saved (see cms.wagtail_hooks), so Wagtail's
    own privacy checks, listings and the search index all read one source.
    """

    visibility = forms.ChoiceField(
        choices=privacy.VISIBILITY_CHOICES,
        widget=forms.RadioSelect,
        initial=privacy.PUBLIC,
        label="Who can see this page",
        help_text=(
            "Members-only pages may only use images and documents from the “Members only” collection; "
            "public pages only public ones."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        page = self.instance
        self.inherited_from = privacy.inherited_restriction_page(page, getattr(self, "parent_page", None))
        self.had_own_restriction = privacy.own_members_restriction(page) is not None
        field = self.fields["visibility"]
        if self.inherited_from is not None:
            field.initial = privacy.MEMBERS
            field.disabled = True
            field.help_text = f"Set by “{self.inherited_from.title}”, which this page sits under."
        elif self.had_own_restriction:
            field.initial = privacy.MEMBERS
        for name in ("topics", "audiences"):
            if name in self.fields:
                self._offer_current_terms(name)

    def _offer_current_terms(self, name):
        # Retired terms cannot be chosen again, but a page keeps those it already has.
        field = self.fields[name]
        # The instance may come from a revision, whose relations are in memory: no values_list().
        chosen = [term.pk for term in getattr(self.instance, name).all()] if self.instance.pk else []
        model_field = self.instance._meta.get_field(name)
        allowed = Term.objects.filter(**model_field.remote_field.limit_choices_to)
        field.queryset = (allowed.filter(retired=False) | allowed.filter(pk__in=chosen)).order_by(
            "facet", "sort_order", "name"
        )

    def clean(self):
        cleaned = super().clean()
        visibility = cleaned.get("visibility") or privacy.PUBLIC
        members_only = visibility == privacy.MEMBERS or self.inherited_from is not None
        if visibility == privacy.PUBLIC and self.had_own_restriction and not self._user_can_publish():
            self.add_error(
                "visibility",
                "Only someone who may publish this page can make a members-only page public. Ask a reviewer.",
            )
        self.requested_visibility = privacy.MEMBERS if members_only else privacy.PUBLIC
        return cleaned

    def _post_clean(self):
        # The instance holds the submitted body only after ModelForm's _post_clean.
        super()._post_clean()
        requested = getattr(self, "requested_visibility", None)
        if requested is None:
            return
        for problem in privacy.asset_conflicts(self.instance, requested == privacy.MEMBERS):
            self.add_error(None, problem)
        self.instance._requested_visibility = requested

    def _user_can_publish(self):
        user = getattr(self, "for_user", None)
        if user is None:
            return False
        target = self.instance if self.instance.pk else self.parent_page
        return target.permissions_for_user(user).can_publish()
