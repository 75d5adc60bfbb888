"""A member's forum preferences page (how often to be emailed, subjects they know), and the unsubscribe
link in every email.

The unsubscribe link works without signing in: the signed token in it names
the member, and it only ever turns email off. It asks for one click (a POST)
rather than acting on the GET, so a mail scanner following links changes nothing.
"""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from forum.expertise.views import ExpertiseForm
from forum.models import Category, CategoryState, EmailFrequency, WatchLevel
from forum.notifications import services as notifications
from members.access import members_only
from members.expertise import declared_term_ids


class EmailPreferenceForm(forms.Form):
    email = forms.ChoiceField(
        label="Email me about forum notifications",
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
        help_text="Emails only ever include posts you may still read in the forum.",
    )


@members_only
def preferences(request):
    user = request.user
    form = EmailPreferenceForm(request.POST or None, initial={"email": notifications.email_frequency(user)})
    # Posted to forum:save_expertise; shown here so a member keeps their preferences in one place.
    expertise_form = ExpertiseForm(initial={"terms": declared_term_ids(user)})
    context = {
        "form": form,
        "expertise_form": expertise_form,
        "category_levels": category_levels(user),
        "current": "preferences",
    }
    if request.method == "POST":
        if form.is_valid():
            notifications.set_email_frequency(user, form.cleaned_data["email"])
            messages.success(request, "Your email preference is saved.")
            return redirect("forum:preferences")
        return render(request, "forum/preferences.html", context, status=400)
    return render(request, "forum/preferences.html", context)


def category_levels(user) -> list[dict]:
    """Each category the member may see, with their level for it and where it comes from. Two queries."""
    levels = dict(CategoryState.objects.filter(user_id=user.pk).values_list("category_id", "watch_level"))
    names = dict(WatchLevel.choices)
    rows = []
    categories = list(Category.objects.visible_to(user).order_by("position", "name"))
    by_pk = {category.pk: category for category in categories}
    place = {category.pk: index for index, category in enumerate(categories)}

    def order(category):
        # Top-level categories in their order, each followed by its sub-categories, as on the index.
        root = category.parent_id if category.parent_id in by_pk else category.pk
        return (place[root], category.pk != root, place[category.pk])

    for category in sorted(categories, key=order):
        own = levels.get(category.pk, WatchLevel.NORMAL)
        inherited = levels.get(category.parent_id, WatchLevel.NORMAL)
        from_parent = own == WatchLevel.NORMAL and inherited != WatchLevel.NORMAL
        level = inherited if from_parent else own
        rows.append(
            {
                "category": category,
                "level": names[level],
                "from_parent": by_pk.get(category.parent_id) if from_parent else None,
            }
        )
    return rows


@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    user = notifications.user_for_unsubscribe_token(token)
    if user is None:
        raise Http404("This unsubscribe link is not valid.")
    done = False
    if request.method == "POST":
        notifications.set_email_frequency(user, EmailFrequency.NONE)
        done = True
    return render(request, "forum/unsubscribe.html", {"done": done, "email": user.email, "token": token})
