"""Moderator pages on the site: the approval queue, redaction, topic tools (move, merge, split, restore),
warnings, and the moderation log; plus the member's own page of warnings.

Every page asks forum.access; anyone who is not a moderator gets a 404, so
other members do not learn these pages exist. The writes are forum.moderation.services
calls, and a refusal is shown to the moderator with what they typed kept.
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from config.errors import ServiceError
from forum import access
from forum.models import Category, MemberWarning, ModerationAction, Post, Topic
from forum.moderation import services as moderation
from members.access import members_only
from members.models import User

REASON = forms.CharField(
    label="Reason (kept in the moderation log)",
    max_length=1000,
    widget=forms.Textarea(attrs={"rows": 3}),
)


class RejectForm(forms.Form):
    reason = forms.CharField(label="Reason (optional)", max_length=1000, required=False)


class RedactForm(forms.Form):
    text = forms.CharField(
        label="Text to remove",
        help_text="Paste it exactly as written. It is removed from the post, its edit history, "
        "drafts and search, and replaced with “[redacted by a moderator]”. No copy is kept.",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reason = REASON


class MoveForm(forms.Form):
    category = forms.ModelChoiceField(queryset=Category.objects.none(), label="Move to category")
    reason = forms.CharField(label="Reason (optional)", max_length=1000, required=False)


class MergeForm(forms.Form):
    into = forms.IntegerField(
        label="Merge into topic number",
        min_value=1,
        help_text="The number in the other topic's address: for /forum/t/123/ it is 123. "
        "This topic's posts are added after its posts, and this topic is deleted.",
    )
    reason = forms.CharField(label="Reason (optional)", max_length=1000, required=False)


class SplitForm(forms.Form):
    numbers = forms.CharField(
        label="Replies to split off",
        help_text="Post numbers, separated by commas or spaces, for example: 4, 5, 9.",
        max_length=2000,
    )
    title = forms.CharField(label="Title of the new topic", max_length=200)
    category = forms.ModelChoiceField(queryset=Category.objects.none(), label="Category of the new topic")
    reason = forms.CharField(label="Reason (optional)", max_length=1000, required=False)


class WarnForm(forms.Form):
    reason = forms.CharField(
        label="What you want the member to know",
        help_text="They see this in the forum and by email. It is kept in the moderation log.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


def _moderator_only(request):
    if not access.is_moderator(request.user):
        raise Http404


def _moderated_post(request, pk):
    post = get_object_or_404(Post.objects.select_related("topic", "topic__category"), pk=pk)
    if not access.can_moderate_topic(request.user, post.topic):
        raise Http404
    return post


@members_only
def approvals(request):
    """New members' posts waiting for a moderator, oldest first."""
    _moderator_only(request)
    queue = moderation.approval_queue().filter(topic__category_id__in=access.forum_access(request.user).read)
    page = Paginator(queue, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "forum/moderation/approvals.html",
        {"page": page, "reject_form": RejectForm(), "current": "moderation"},
    )


@members_only
@require_POST
def decide(request, pk):
    post = _moderated_post(request, pk)
    decision = request.POST.get("decision", "")
    try:
        if decision == "approve":
            moderation.approve_post(post, by=request.user)
            messages.success(request, f"Approved post #{post.number} in “{post.topic.title}”.")
        elif decision == "reject":
            moderation.reject_post(post, by=request.user, reason=request.POST.get("reason", ""))
            messages.success(request, f"Rejected post #{post.number}; nobody else will see it.")
        else:
            messages.error(request, "Choose approve or reject.")
    except moderation.ModerationError as error:
        messages.error(request, str(error))
    return redirect("forum:approvals")


@members_only
def redact(request, pk):
    post = _moderated_post(request, pk)
    form = RedactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.redact_post(post, by=request.user, **form.cleaned_data)
        except moderation.ModerationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Redacted. The text is gone from the post, its history and search.")
            return redirect("forum:post", pk=post.topic_id, number=post.number)
    status = 400 if form.errors else 200
    context = {"post": post, "topic": post.topic, "form": form}
    return render(request, "forum/moderation/redact.html", context, status=status)


def _readable_categories(user):
    return Category.objects.filter(pk__in=access.forum_access(user).read)


def _topic_forms(request, topic, data=None, which=None):
    categories = _readable_categories(request.user)
    forms_ = {
        "move": MoveForm(data if which == "move" else None, prefix="move"),
        "merge": MergeForm(data if which == "merge" else None, prefix="merge"),
        "split": SplitForm(
            data if which == "split" else None, prefix="split", initial={"category": topic.category_id}
        ),
    }
    forms_["move"].fields["category"].queryset = categories.exclude(pk=topic.category_id)
    forms_["split"].fields["category"].queryset = categories
    return forms_


@members_only
def topic_tools(request, pk):
    """Move, merge, split or restore one topic."""
    topic = get_object_or_404(Topic.objects.select_related("category"), pk=pk)
    if not access.can_moderate_topic(request.user, topic):
        raise Http404
    which = request.POST.get("action") if request.method == "POST" else None
    forms_ = _topic_forms(request, topic, request.POST, which)
    if which == "restore":
        try:
            moderation.restore_topic(topic, by=request.user)
        except moderation.ModerationError as error:
            messages.error(request, str(error))
            return redirect("forum:topic_tools", pk=topic.pk)
        messages.success(request, "Topic restored.")
        return redirect("forum:topic", pk=topic.pk)
    form = forms_.get(which)
    if form is not None and form.is_valid():
        try:
            target, success = _apply(request, topic, which, form)
        except ServiceError as error:
            form.add_error(None, str(error))
        else:
            if target is not None:
                messages.success(request, success)
                return redirect("forum:topic", pk=target.pk)
    replies = list(
        Post.objects.filter(topic=topic, number__gt=1)
        .order_by("number")
        .only("number", "author_name", "created_at", "is_hidden", "is_deleted", "awaiting_approval")[:200]
    )
    context = {"topic": topic, "forms": forms_, "replies": replies}
    return render(request, "forum/moderation/topic_tools.html", context, status=400 if which else 200)


def _apply(request, topic, which, form):
    """Run the chosen tool; returns the topic to show next (None if the form got an error) and a message."""
    data = form.cleaned_data
    if which == "move":
        moved = moderation.move_topic(topic, by=request.user, to=data["category"], reason=data["reason"])
        return moved, f"Moved to {data['category'].name}."
    if which == "merge":
        into = Topic.objects.filter(pk=data["into"]).first()
        if into is None or not access.can_moderate_topic(request.user, into):
            form.add_error("into", "There is no topic with that number that you can moderate.")
            return None, ""
        merged = moderation.merge_topics(topic, by=request.user, into=into, reason=data["reason"])
        return merged, f"Merged into “{merged.title}”."
    new = moderation.split_topic(
        topic,
        by=request.user,
        numbers=data["numbers"].replace(",", " ").split(),
        title=data["title"],
        category=data["category"],
        reason=data["reason"],
    )
    return new, "The replies are now a topic of their own."


@members_only
def warn(request, pk):
    _moderator_only(request)
    member = get_object_or_404(User, pk=pk)
    post = None
    post_pk = request.POST.get("post") or request.GET.get("post")
    if post_pk and str(post_pk).isdigit():
        post = Post.objects.select_related("topic").filter(pk=int(post_pk)).first()
        if post is not None and not access.can_moderate_topic(request.user, post.topic):
            post = None
    form = WarnForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            moderation.warn_member(member, by=request.user, reason=form.cleaned_data["reason"], post=post)
        except moderation.ModerationError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{member.full_name or member.email} has been warned.")
            if post is not None:
                return redirect("forum:post", pk=post.topic_id, number=post.number)
            return redirect("forum:moderation_log")
    status = 400 if form.errors else 200
    context = {"member": member, "post": post, "form": form}
    return render(request, "forum/moderation/warn.html", context, status=status)


@members_only
def log(request):
    """Every moderator action, newest first, with its reason."""
    _moderator_only(request)
    entries = ModerationAction.objects.select_related("topic", "post", "note")
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    for entry in page.object_list:
        entry.label = moderation.action_label(entry.action)
    return render(request, "forum/moderation/log.html", {"page": page})


@members_only
def my_warnings(request):
    """The warnings a moderator has sent this member. Opening the page marks them seen."""
    warnings = list(
        MemberWarning.objects.filter(member=request.user)
        .select_related("post")
        .only("reason", "moderator_name", "created_at", "seen_at", "post__topic_id", "post__number")[:100]
    )
    unseen = [w.pk for w in warnings if w.seen_at is None]
    if unseen:
        # A rare write on a page most members never open: a warning must be acknowledged.
        MemberWarning.objects.filter(pk__in=unseen).update(seen_at=timezone.now())
    return render(request, "forum/moderation/my_warnings.html", {"warnings": warnings})
