"""Find a peer (/forum/peers/?tag=…), and the expertise form on the preferences page.

The form changes the member's one declaration of expertise (members.expertise), the same one
their profile edits; here every current term is offered, there three facets.
"""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from forum.expertise import services as expertise
from members import expertise as declared
from members.access import members_only
from taxonomy.models import Term


class ExpertiseForm(forms.Form):
    terms = forms.ModelMultipleChoiceField(
        label="Subjects I know well",
        queryset=Term.objects.current(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=f"Up to {declared.MAX_DECLARED}. Peers who need help with one find you on Find a peer.",
    )


@members_only
def find_peer(request):
    tags = Term.objects.current().only("name", "slug", "facet").order_by("name")
    term = Term.objects.filter(slug=request.GET.get("tag", "")[:140]).first()
    peers = expertise.find_peers(request.user, term) if term else None
    return render(
        request, "forum/find_peer.html", {"tags": tags, "term": term, "peers": peers, "current": "peers"}
    )


@members_only
@require_POST
def save_expertise(request):
    form = ExpertiseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Some of those subjects do not exist any more; choose again from the list.")
        return redirect("forum:preferences")
    try:
        declared.set_expertise(request.user, form.cleaned_data["terms"])
    except declared.TooManyTerms as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Your subjects are saved.")
    return redirect("forum:preferences")
