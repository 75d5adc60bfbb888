"""Member-facing pages: the pending notice, the directory, profiles; and the one way to sign in."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt

from members import access
from members.forms import ProfileForm
from members.models import TaskForce, User
from taxonomy.models import Term

DIRECTORY_PAGE_SIZE = 50

# Sections other apps add under a profile: callables (viewer, person) -> a dict with "template" and
# what it shows. Apps register here in their ready() (the forum's expertise record, forum.apps), so
# the members app, which every other app builds on, imports none of them.
PROFILE_SECTIONS = []


@csrf_exempt  # it reads nothing posted: a posted password is dropped, not checked
def to_sign_in(request):
    """Every log-in URL other than allauth's (Wagtail's admin and front-end ones) comes here.

    They are Django's LoginView, which checks a password alone: no second factor,
    lockout, rate limit or audit. This sends people to allauth's log-in instead,
    with ``next`` kept only when it points into this site.
    """
    url = reverse("account_login")
    target = request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        url += "?" + urlencode({"next": target})
    return redirect(url)


def pending(request):
    if not request.user.is_authenticated:
        return redirect("account_login")
    if access.is_member(request.user):
        return redirect("/")
    return render(request, "members/pending.html", {"applicant": request.user}, status=200)


def _directory_queryset():
    return (
        User.objects.filter(is_active=True, status=User.Status.APPROVED)
        .select_related("task_force")
        .prefetch_related(Prefetch("expertise", queryset=Term.objects.only("id", "name", "slug")))
    )


@access.members_only
def directory(request):
    people = _directory_queryset()
    task_force_id = request.GET.get("task_force", "")
    # Ten digits is more task forces than exist; longer numbers are junk.
    if task_force_id.isdigit() and len(task_force_id) <= 10:
        people = people.filter(task_force_id=int(task_force_id))
    else:
        task_force_id = ""
    expertise = request.GET.get("expertise", "")
    if expertise:
        people = people.filter(expertise__slug=expertise[:140])
    page = Paginator(people.order_by("full_name", "id"), DIRECTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "members/directory.html",
        {
            "page": page,
            "task_forces": TaskForce.objects.filter(is_active=True).only("id", "name", "state"),
            "selected_task_force": task_force_id,
        },
    )


@access.members_only
def profile(request, pk):
    person = get_object_or_404(_directory_queryset(), pk=pk)
    if not access.can_view_profile(request.user, person):
        raise PermissionDenied
    return render(
        request,
        "members/profile.html",
        {
            "person": person,
            "can_edit": access.can_edit_profile(request.user, person),
            "sections": [section(request.user, person) for section in PROFILE_SECTIONS],
        },
    )


@access.members_only
def edit_profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Your profile is saved.")
        return redirect("members:profile", pk=request.user.pk)
    return render(request, "members/profile_edit.html", {"form": form})
