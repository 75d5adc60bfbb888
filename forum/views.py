"""Forum pages: lists, the topic page, and the forms that write. Short views; the rules live elsewhere.

Access is decided in forum.access, reads are forum.querysets chains, writes are
forum.services calls. A topic or category the member may not read is a 404, so
its existence is not given away. No page writes while it is being read: the
topic page defers the read position to forum.tasks.
"""

import difflib

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.errors import ServiceError
from config.prepared import MAX_KEY, MIN_KEY, PreparedQuery
from forum import access, limits, paging, post_html, services
from forum.attachments import services as attachments
from forum.drafts import services as drafts
from forum.forms import EditForm, ReplyForm, ReportForm, TopicForm, WatchForm, show_privacy_confirmation
from forum.models import (
    POSTS_PER_PAGE,
    Category,
    CategoryState,
    Notification,
    Post,
    PostReport,
    PrivacyConfirmation,
    Topic,
    WatchLevel,
    forum_vocabulary,
    page_of,
)
from forum.notifications.services import mark_all_read
from forum.rendering import render_markdown
from forum.tasks import defer_read
from members.access import members_only
from taxonomy.models import Term

TOPICS_PER_PAGE = 30
LATEST_ON_HOME = 8
# A new member's first posts wait for a moderator (forum.moderation.services.hold_if_new_member).
HELD_FOR_APPROVAL = (
    "Thank you. Your post waits for a moderator: new members' first posts are checked before others "
    "see them, usually within a working day. Only you can see it until then."
)
# The largest value a PositiveIntegerField holds on every database we support.
MAX_POST_NUMBER = 2**31 - 1


def _page_number(request):
    try:
        return max(int(request.GET.get("page", 1)), 1)
    except (TypeError, ValueError):
        return 1


def _topic_list(request, topics, *, heading, intro="", current="", extra=None):
    topics = topics.with_state(request.user).for_list()
    # No COUNT(*) of the whole list: one extra row says whether a next page exists (forum.paging).
    page = paging.page_of(topics, _page_number(request), TOPICS_PER_PAGE)
    context = {
        "page": page,
        "topics": page.object_list,
        "heading": heading,
        "intro": intro,
        "current": current,
    }
    return render(request, "forum/topic_list.html", {**context, **(extra or {})})


@members_only
def index(request):
    rights = access.forum_access(request.user)
    categories = list(Category.objects.visible_to(request.user))
    children = {}
    for category in categories:
        category.readable = category.pk in rights.read
        if category.parent_id:
            children.setdefault(category.parent_id, []).append(category)
    top = [c for c in categories if not c.parent_id]
    for category in top:
        category.subcategories = children.get(category.pk, [])
    # Beside the categories, as on Discourse's home: what is new, in one query.
    latest = (
        Topic.objects.visible_to(request.user)
        .without_muted_categories(request.user)
        .with_state(request.user)
        .select_related("category")
        .latest()[:LATEST_ON_HOME]
    )
    return render(request, "forum/index.html", {"categories": top, "latest": latest, "current": "categories"})


@members_only
def latest(request):
    # Muted categories stay out of Latest, as in Discourse; their own pages still list them.
    topics = Topic.objects.visible_to(request.user).without_muted_categories(request.user).latest()
    return _topic_list(request, topics, heading="Latest topics", current="latest")


@members_only
def unanswered(request):
    topics = Topic.objects.visible_to(request.user).unanswered().latest()
    return _topic_list(
        request,
        topics,
        heading="Unanswered questions",
        intro="Questions nobody has marked as answered yet. Your experience may be exactly what is missing.",
        current="unanswered",
    )


@members_only
def mine(request):
    topics = Topic.objects.visible_to(request.user).started_by(request.user).latest()
    return _topic_list(request, topics, heading="Topics I started", current="mine")


@members_only
def watched(request):
    topics = Topic.objects.visible_to(request.user).watched_by(request.user).latest()
    return _topic_list(
        request,
        topics,
        heading="Topics I watch",
        intro=(
            "You watch topics you start or reply to, any you choose to watch, "
            "and the topics of categories you watch."
        ),
        current="watched",
    )


@members_only
def tag(request, slug):
    term = get_object_or_404(Term, slug=slug)
    topics = Topic.objects.visible_to(request.user).tagged(term).latest()
    return _topic_list(
        request, topics, heading=f"Tagged “{term.name}”", intro=term.description, extra={"term": term}
    )


@members_only
def category(request, slug):
    # The member's watch level comes in the same query as the category.
    level = CategoryState.objects.filter(user_id=request.user.pk, category=OuterRef("pk")).values(
        "watch_level"
    )
    found = get_object_or_404(
        Category.objects.visible_to(request.user).annotate(my_level=Subquery(level[:1])), slug=slug
    )
    if not access.can_read_category(request.user, found):
        return render(request, "forum/category_closed.html", {"category": found}, status=403)
    topics = Topic.objects.visible_to(request.user).in_category(found)
    return _topic_list(
        request,
        topics,
        heading=found.name,
        intro=found.description,
        extra={
            "category": found,
            "can_start": access.can_start_in(request.user, found),
            "watch_form": WatchForm(initial={"level": found.my_level or WatchLevel.NORMAL}),
        },
    )


@members_only
@require_POST
def category_watch(request, slug):
    found = get_object_or_404(Category.objects.visible_to(request.user), slug=slug)
    form = WatchForm(request.POST)
    level = form.cleaned_data["level"] if form.is_valid() else ""
    return _act(
        request,
        lambda: services.set_category_watch_level(found, by=request.user, level=level),
        reverse("forum:category", args=[found.slug]),
        "Notification level for the category saved.",
    )


def _topic_with_state(user, pk):
    return (
        Topic.objects.with_state(user)
        .with_category_level(user)
        .select_related("category", "accepted_post")
        .filter(pk=pk)
    )


def _topic_for_page(user, pk, last):
    # The topic page also shows the member's draft, and the header their unread notification count,
    # less the ones about the posts this page shows (reading them marks them read).
    return (
        _topic_with_state(user, pk)
        .with_draft(user)
        .with_unread_notifications(user)
        .with_unread_notifications_up_to(user, last)
    )


# The topic and this member's state of it, compiled once (config.prepared.PreparedQuery): the
# compiling alone cost more CPU than the rest of the view's reads. The rows are not filtered by
# access in SQL (the readable categories are a list that changes the SQL's shape); the view asks
# forum.access.can_read_topic, the rule readable_by applies, before anything is shown.
_TOPIC = PreparedQuery(_topic_with_state, "user", "pk")
_TOPIC_PAGE = PreparedQuery(_topic_for_page, "user", "pk", "last")


def _readable_topic(request, pk, *, last_on_page=None):
    """The topic with this member's read position and watch levels; 404 if they may not read it.

    With last_on_page (the topic page), also the member's draft and unread notification counts.
    """
    user = request.user
    if not MIN_KEY <= pk <= MAX_KEY:
        # What the ORM does for a number no key can have; the database would refuse the value.
        raise Http404("No Topic matches the given query.")
    if last_on_page is None:
        found = _TOPIC.run(user=user, pk=pk)
    else:
        found = _TOPIC_PAGE.run(user=user, pk=pk, last=last_on_page)
    if not found or not access.can_read_topic(user, found[0]):
        raise Http404("No Topic matches the given query.")
    return found[0]


def _page_posts(user, topic, first, last):
    # The page shows the stored HTML; the Markdown source is only for editing and quoting.
    page = Post.objects.filter(topic_id=topic).numbered(first, last).with_helpful(user)
    return page.defer("body_markdown")


_PAGE_POSTS = PreparedQuery(_page_posts, "user", "topic", "first", "last")
# topic.tags.all(), as the M2M manager writes it.
_TOPIC_TAGS = PreparedQuery(lambda topic: Term.objects.filter(forum_topics__id=topic), "topic")


@members_only
def topic(request, pk):
    user = request.user
    # The last post the requested page can show; past the end, the last page shows every post
    # up to it. Capped inside the range of the integer column it is compared with.
    last_on_page = min(_page_number(request) * POSTS_PER_PAGE, MAX_POST_NUMBER)
    found = _readable_topic(request, pk, last_on_page=last_on_page)
    page_count = found.page_count
    number = min(_page_number(request), page_count)
    first = (number - 1) * POSTS_PER_PAGE + 1
    posts = _PAGE_POSTS.run(user=user, topic=found.pk, first=first, last=first + POSTS_PER_PAGE - 1)
    for post in posts:
        # As found.posts would: each post knows its topic without a query.
        Post.topic.field.set_cached_value(post, found)
    can_accept = access.can_accept_answer(user, found)
    for post in posts:
        post.visible = access.can_see_post(user, post)
        post.can_edit = access.can_edit_post(user, post, found)
        post.can_accept = can_accept and not post.is_opening_post and post.visible and not post.is_deleted
        post.can_helpful = access.can_mark_helpful(user, post, found)
    accepted = found.accepted_post
    if accepted is not None and not access.can_see_post(user, accepted):
        accepted = None
    if posts and (posts[-1].number > found.last_read or found.unread_here):
        # Also when only notifications are unread (an answer accepted in a topic already read).
        defer_read(user.pk, found.pk, posts[-1].number)
    refusal = access.reply_refusal(user, found)
    is_moderator = access.is_moderator(user)
    post_html.render_posts(request, found, posts, can_quote=refusal is None, is_moderator=is_moderator)
    return render(
        request,
        "forum/topic.html",
        {
            "topic": found,
            "posts": posts,
            "topic_tags": _TOPIC_TAGS.run(topic=found.pk),
            "accepted": accepted,
            "page_number": number,
            "page_links": post_html.page_links(number, page_count),
            "page_count": page_count,
            "reply_refusal": refusal,
            "reply_form": ReplyForm(initial={"body": found.draft_body or ""}) if refusal is None else None,
            "has_draft": bool(found.draft_body),
            "watch_form": WatchForm(),
            "watch_level": _effective_level(found),
            "level_from_category": not _topic_level_chosen(found)
            and found.category_watch_level != WatchLevel.NORMAL,
            "is_moderator": is_moderator,
            # Shown as it will be once this read is recorded, so reading a topic visibly clears
            # its notifications at once (the write itself is deferred, forum.tasks).
            "forum_unread_count": found.unread_notifications - found.unread_here,
        },
    )


def _topic_level_chosen(topic) -> bool:
    return bool(topic.level_chosen) or topic.watch_level != WatchLevel.NORMAL


def _effective_level(topic) -> str:
    """The level that decides this member's notifications: the topic's own, else its category's."""
    return topic.watch_level if _topic_level_chosen(topic) else topic.category_watch_level


@members_only
def post_link(request, pk, number):
    """A stable address for one post: sends the reader to its page and anchor."""
    found = get_object_or_404(Topic.objects.readable_by(request.user).only("pk", "category_id"), pk=pk)
    url = reverse("forum:topic", args=[found.pk])
    return redirect(f"{url}?page={page_of(number)}#post-{number}")


def _startable_categories(user):
    return Category.objects.filter(pk__in=access.forum_access(user).start)


@members_only
def new_topic(request):
    user = request.user
    categories = _startable_categories(user)
    initial = {}
    draft = drafts.topic_draft(user) if request.method == "GET" else None
    if draft is not None:
        initial.update(drafts.topic_form_initial(draft))
    if (slug := request.GET.get("category")) and "category" not in initial:
        initial["category"] = categories.filter(slug=slug).first()
    form = TopicForm(request.POST or None, request.FILES or None, categories=categories, initial=initial)
    preview, findings = None, []
    if request.method == "POST" and "save_draft" in request.POST:
        saved = _save_draft(
            request,
            lambda: drafts.save_topic_draft(
                user,
                title=request.POST.get("title", ""),
                body=request.POST.get("body", ""),
                category_id=request.POST.get("category"),
                kind=request.POST.get("kind", ""),
                tag_ids=request.POST.getlist("tags"),
            ),
        )
        if saved:
            _files_wait_for_posting(request)
            return redirect("forum:new_topic")
    elif request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            preview = render_markdown(data["body"])
            _choose_files_again(form)
        else:
            try:
                checked = attachments.check_all(data["files"], data["image_descriptions"])
                limits.hit(user, "post")
                created = services.start_topic(
                    by=user,
                    category=data["category"],
                    kind=data["kind"],
                    title=data["title"],
                    body=data["body"],
                    tags=data["tags"],
                    confirmed_private=data["confirm_private"],
                )
            except ServiceError as error:
                findings = _refused(form, error)
            else:
                if created.awaiting_approval:
                    messages.info(request, HELD_FOR_APPROVAL)
                else:
                    messages.success(request, "Your topic is posted.")
                _attach(request, created.posts.get(number=1), checked)
                return redirect("forum:topic", pk=created.pk)
    status = 400 if request.method == "POST" and form.errors else 200
    context = {"form": form, "preview": preview, "findings": findings, "draft": draft}
    return render(request, "forum/topic_form.html", context, status=status)


def _save_draft(request, save) -> bool:
    """The forms' "Save draft" button (no JavaScript needed). On refusal the text stays in the form."""
    try:
        save()
    except services.ForumError as error:
        messages.error(request, str(error))
        return False
    messages.success(request, "Draft saved. It will be here when you come back.")
    return True


@members_only
def reply(request, pk):
    user = request.user
    found = _readable_topic(request, pk)
    refusal = access.reply_refusal(user, found)
    if refusal:
        messages.error(request, refusal)
        return redirect("forum:topic", pk=found.pk)
    initial = {}
    draft = drafts.reply_draft(user, found) if request.method == "GET" else None
    if draft is not None:
        initial["body"] = draft.body
    quote_number = request.POST.get("quote") or request.GET.get("quote")
    quoted = None
    if quote_number and str(quote_number).isdigit() and len(quote_number) < 10:
        quoted = found.posts.filter(number=int(quote_number)).first()
        if quoted is not None and not access.can_see_post(user, quoted):
            quoted = None
        if quoted is not None:
            # A quote is added to the draft, never in place of it.
            before = f"{draft.body.rstrip()}\n\n" if draft is not None else ""
            initial = {"body": before + services.quote_markdown(quoted), "quote": quoted.number}
    form = ReplyForm(request.POST or None, request.FILES or None, initial=initial)
    preview, findings = None, []
    if request.method == "POST" and "save_draft" in request.POST:
        saved = _save_draft(
            request, lambda: drafts.save_reply_draft(user, found, body=request.POST.get("body", ""))
        )
        if saved:
            _files_wait_for_posting(request)
            return redirect("forum:reply", pk=found.pk)
    elif request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = render_markdown(form.cleaned_data["body"])
            _choose_files_again(form)
        else:
            try:
                checked = attachments.check_all(
                    form.cleaned_data["files"], form.cleaned_data["image_descriptions"]
                )
                limits.hit(user, "post")
                post = services.reply(
                    found,
                    by=user,
                    body=form.cleaned_data["body"],
                    quote_of=quoted,
                    confirmed_private=form.cleaned_data["confirm_private"],
                )
            except ServiceError as error:
                findings = _refused(form, error)
            else:
                # A double click's second request gets the first's reply, whose files are already on it.
                if not getattr(post, "already_posted", False):
                    _attach(request, post, checked)
                if post.awaiting_approval:
                    messages.info(request, HELD_FOR_APPROVAL)
                return redirect("forum:post", pk=found.pk, number=post.number)
    status = 400 if request.method == "POST" and form.errors else 200
    context = {"topic": found, "form": form, "preview": preview, "findings": findings, "draft": draft}
    return render(request, "forum/reply_form.html", context, status=status)


def _post_for(request, pk):
    post = get_object_or_404(Post.objects.select_related("topic"), pk=pk)
    if not access.can_read_topic(request.user, post.topic) or not access.can_see_post(request.user, post):
        raise Http404
    return post


@members_only
def edit(request, pk):
    post = _post_for(request, pk)
    found = post.topic
    if not access.can_edit_post(request.user, post, found):
        messages.error(request, "You cannot edit this post.")
        return redirect("forum:post", pk=found.pk, number=post.number)
    form = EditForm(
        request.POST or None,
        initial={"body": post.body_markdown, "title": found.title if post.is_opening_post else ""},
    )
    if not post.is_opening_post:
        del form.fields["title"]
    preview, findings = None, []
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = render_markdown(form.cleaned_data["body"])
        else:
            try:
                services.edit_post(
                    post,
                    by=request.user,
                    body=form.cleaned_data["body"],
                    title=form.cleaned_data.get("title"),
                    confirmed_private=form.cleaned_data["confirm_private"],
                )
            except ServiceError as error:
                findings = _refused(form, error)
            else:
                messages.success(request, "Your changes are saved.")
                return redirect("forum:post", pk=found.pk, number=post.number)
    status = 400 if request.method == "POST" and form.errors else 200
    return render(
        request,
        "forum/edit_form.html",
        {"post": post, "topic": found, "form": form, "preview": preview, "findings": findings},
        status=status,
    )


def _refused(form, error):
    """Put a refusal on the form (and, from the privacy guard, the confirmation box); returns the findings.

    A refused file goes on the file field. The text always stays in the form; chosen files cannot
    (a browser never refills a file input), so the member is asked to choose them again.
    """
    form.add_error("files" if isinstance(error, attachments.AttachmentRefused) else None, str(error))
    _choose_files_again(form)
    if isinstance(error, services.PrivacyCheck):
        show_privacy_confirmation(form)
        return error.findings
    return []


CHOOSE_AGAIN = "Nothing was attached yet: your text is kept, but choose the files again before posting."


def _choose_files_again(form):
    if "files" in form.fields and form.files.getlist("files"):
        form.add_error("files", CHOOSE_AGAIN)


def _files_wait_for_posting(request):
    if request.FILES.getlist("files"):
        messages.info(request, "Files are attached when you post, not with a draft: choose them then.")


def _attach(request, post, checked):
    """Store the files checked before posting under the post just written."""
    try:
        attachments.attach_checked(post, checked, by=request.user)
    except services.ForumError as error:
        messages.error(request, f"Your post is saved, but its files were not attached: {error}")


def _act(request, action, post_or_topic_url, success):
    try:
        action()
    except services.ForumError as error:
        messages.error(request, str(error))
    else:
        if success:
            messages.success(request, success)
    return redirect(post_or_topic_url)


@members_only
@require_POST
def accept(request, pk):
    post = _post_for(request, pk)
    url = reverse("forum:post", args=[post.topic_id, post.number])
    return _act(
        request, lambda: services.accept_answer(post.topic, post, by=request.user), url, "Answer accepted."
    )


@members_only
@require_POST
def unaccept(request, pk):
    found = _readable_topic(request, pk)
    url = reverse("forum:topic", args=[found.pk])
    return _act(request, lambda: services.unaccept_answer(found, by=request.user), url, "Answer unaccepted.")


@members_only
@require_POST
def helpful(request, pk):
    post = _post_for(request, pk)
    url = reverse("forum:post", args=[post.topic_id, post.number])
    if request.POST.get("undo"):
        return _act(request, lambda: services.unmark_helpful(post, by=request.user), url, "")
    return _act(request, lambda: services.mark_helpful(post, by=request.user), url, "")


@members_only
@require_POST
def watch(request, pk):
    found = _readable_topic(request, pk)
    form = WatchForm(request.POST)
    level = form.cleaned_data["level"] if form.is_valid() else ""
    url = reverse("forum:topic", args=[found.pk])
    return _act(
        request,
        lambda: services.set_watch_level(found, by=request.user, level=level),
        url,
        "Notification level saved.",
    )


MODERATION = {
    "lock": {"is_locked": True},
    "unlock": {"is_locked": False},
    "pin": {"is_pinned": True},
    "unpin": {"is_pinned": False},
    "close": {"is_closed": True},
    "open": {"is_closed": False},
}


@members_only
@require_POST
def moderate(request, pk):
    found = _readable_topic(request, pk)
    if not access.is_moderator(request.user):
        raise Http404
    action = request.POST.get("action", "")
    url = reverse("forum:topic", args=[found.pk])
    if action == "delete":
        services.delete_topic(found, by=request.user)
        messages.success(request, "Topic deleted.")
        return redirect("forum:index")
    if action not in MODERATION:
        messages.error(request, "Unknown moderation action.")
        return redirect(url)
    return _act(
        request, lambda: services.set_topic_flags(found, by=request.user, **MODERATION[action]), url, "Done."
    )


@members_only
def privacy_log(request):
    """Moderators review what members confirmed was not identifying."""
    if not access.is_moderator(request.user):
        raise Http404
    confirmations = PrivacyConfirmation.objects.select_related("post", "post__topic").filter(
        post__topic__category_id__in=access.forum_access(request.user).read
    )
    page = Paginator(confirmations, 50).get_page(request.GET.get("page"))
    return render(request, "forum/privacy_log.html", {"page": page})


@members_only
def notifications(request):
    """The member's notifications, newest first. Looking does not mark them read; the button does."""
    # A topic moved out of the member's reach drops out of their list.
    readable = access.forum_access(request.user).read
    items = Notification.objects.filter(user=request.user, topic__category_id__in=readable).only(
        "kind", "topic_id", "post_id", "actor_name", "created_at", "read_at", "topic__title", "post__number"
    )
    items = items.select_related("topic", "post")
    page = Paginator(items, 30).get_page(request.GET.get("page"))
    return render(request, "forum/notifications.html", {"page": page, "current": "notifications"})


@members_only
@require_POST
def notifications_read(request):
    mark_all_read(request.user)
    messages.success(request, "All notifications are marked read.")
    return redirect("forum:notifications")


@members_only
def history(request, pk):
    """A post's edits, newest first, each shown as a line diff against the text that replaced it."""
    post = _post_for(request, pk)
    if not access.can_see_history(request.user, post, post.topic):
        raise Http404
    revisions = list(
        post.revisions.select_related("edited_by").only(
            "post_id", "edited_by_id", "body_markdown", "title", "created_at", "edited_by__full_name"
        )
    )
    newer_text = post.body_markdown
    for revision in revisions:
        revision.diff = list(
            difflib.unified_diff(
                revision.body_markdown.splitlines(),
                newer_text.splitlines(),
                "before",
                "after",
                lineterm="",
                n=2,
            )
        )[2:]
        newer_text = revision.body_markdown
    return render(request, "forum/history.html", {"post": post, "topic": post.topic, "revisions": revisions})


POST_MODERATION = {
    "hide": {"hidden": True},
    "unhide": {"hidden": False},
    "delete": {"deleted": True},
    "restore": {"deleted": False},
}


@members_only
@require_POST
def moderate_post(request, pk):
    post = _post_for(request, pk)
    if not access.is_moderator(request.user):
        raise Http404
    url = reverse("forum:post", args=[post.topic_id, post.number])
    change = POST_MODERATION.get(request.POST.get("action", ""))
    if change is None:
        messages.error(request, "Unknown moderation action.")
        return redirect(url)
    return _act(request, lambda: services.set_post_visibility(post, by=request.user, **change), url, "Done.")


@members_only
def report(request, pk):
    post = _post_for(request, pk)
    url = reverse("forum:post", args=[post.topic_id, post.number])
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            limits.hit(request.user, "report")
            services.report_post(post, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Thank you. A moderator will look at this post.")
        return redirect(url)
    return render(request, "forum/report_form.html", {"post": post, "topic": post.topic, "form": form})


@members_only
def reports(request):
    """The moderation queue: open reports, oldest first."""
    if not access.is_moderator(request.user):
        raise Http404
    queue = PostReport.objects.filter(resolved_at__isnull=True).select_related("post", "post__topic")
    page = Paginator(queue, 30).get_page(request.GET.get("page"))
    return render(request, "forum/reports.html", {"page": page})


@members_only
@require_POST
def resolve_report(request, pk):
    if not access.is_moderator(request.user):
        raise Http404
    found = get_object_or_404(PostReport.objects.select_related("post"), pk=pk)
    outcome = request.POST.get("outcome", "")
    done = "Report dismissed." if outcome == "dismissed" else "Post hidden."
    return _act(
        request,
        lambda: services.resolve_report(found, by=request.user, outcome=outcome),
        reverse("forum:reports"),
        done,
    )


def _parents_then_children(categories):
    categories = list(categories)
    ordered = []
    for top in (c for c in categories if not c.parent_id):
        ordered += [top, *(c for c in categories if c.parent_id == top.pk)]
    return ordered + [c for c in categories if c not in ordered]


@members_only
def search(request):
    """Forum-only search over topics and replies the member may read, optionally within one tag.

    Results come from the site index (search.index), so they are scoped by
    category like /search/; titles and snippets arrive escaped and highlighted.
    """
    from forum.search_provider import POST_KIND, TOPIC_KIND
    from search.index import search as site_search
    from search.registry import label_for

    query = request.GET.get("q", "")[:200]
    term = Term.objects.filter(slug=request.GET.get("tag", "")[:140]).only("name", "slug").first()
    readable = access.forum_access(request.user).read
    categories = _parents_then_children(
        Category.objects.filter(pk__in=readable).only("name", "slug", "parent_id")
    )
    chosen = next((c for c in categories if c.slug == request.GET.get("category")), None)
    scopes = None
    if chosen is not None:
        # A category's search takes in its sub-categories the member may read.
        scopes = [access.scope_for(c.pk) for c in categories if chosen.pk in (c.pk, c.parent_id)]
    results = None
    if query.strip():
        results = site_search(
            query,
            user=request.user,
            kinds=(TOPIC_KIND, POST_KIND),
            topics=(term.slug,) if term else None,
            scopes=scopes,
            page=request.GET.get("page", 1),
        )
    tags = forum_vocabulary().only("name", "slug").order_by("name")
    hits = []
    if results is not None and not results.error:
        # The index keeps tags as slugs; members read their names (one query for the page).
        slugs = {slug for hit in results.results for slug in hit.topics}
        names = dict(Term.objects.filter(slug__in=slugs).values_list("slug", "name")) if slugs else {}
        hits = [
            (hit, [(slug, names[slug]) for slug in hit.topics if slug in names]) for hit in results.results
        ]
    return render(
        request,
        "forum/search.html",
        {
            "query": query,
            "tag": term,
            "tags": tags,
            "category": chosen,
            "categories": categories,
            "results": results,
            "hits": hits,
            "labels": {TOPIC_KIND: label_for(TOPIC_KIND), POST_KIND: label_for(POST_KIND)},
        },
    )
