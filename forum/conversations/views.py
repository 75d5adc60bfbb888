"""Private message pages under /forum/messages/: inbox, new conversation, a conversation, leave, report;
and the moderators' list of reported messages.

Someone who is not a current participant gets a 404 for a conversation, as
for a topic they cannot read. Writing keeps what the member typed whenever it
is refused (privacy guard, size, a recipient who cannot receive it).
"""

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from config.errors import ServiceError
from forum import access, limits
from forum.attachments import services as attachments
from forum.conversations import services as conversations
from forum.forms import AttachingForm, BodyField, PrivacyConfirmField, show_privacy_confirmation
from forum.models import (
    MAX_TITLE_LENGTH,
    ConversationMessage,
    ConversationParticipant,
    MessageReport,
    PostReport,
)
from forum.rendering import render_markdown
from forum.services import ForumError, PrivacyCheck
from members.access import members_only

CONVERSATIONS_PER_PAGE = 25
MESSAGES_PER_PAGE = 30


class NewConversationForm(AttachingForm):
    """Subject and message. Who it goes to (the To field) is picked by name beside it: see ``new``."""

    title = forms.CharField(max_length=MAX_TITLE_LENGTH, label="Subject")
    body = BodyField()
    confirm_private = PrivacyConfirmField()

    field_order = ["title", "body", "files", "image_descriptions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = "Your message"


class MessageForm(AttachingForm):
    body = BodyField()
    confirm_private = PrivacyConfirmField()

    field_order = ["body", "files", "image_descriptions"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["body"].label = "Your message"


class MessageReportForm(forms.Form):
    reason = forms.ChoiceField(choices=PostReport.Reason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Anything the moderators should know (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


CHOOSE_AGAIN = "Nothing was attached yet: your text is kept, but choose the files again before sending."


def _choose_files_again(form):
    """A browser never refills a file input, so say so whenever chosen files were not sent."""
    if form.files.getlist("files"):
        form.add_error("files", CHOOSE_AGAIN)


def _refused(form, error):
    form.add_error("files" if isinstance(error, attachments.AttachmentRefused) else None, str(error))
    _choose_files_again(form)
    if isinstance(error, PrivacyCheck):
        show_privacy_confirmation(form)
        return error.findings
    return []


@members_only
def inbox(request):
    rows = (
        ConversationParticipant.objects.filter(user=request.user, left_at__isnull=True)
        .select_related("conversation")
        .order_by("-last_message_at", "-id")
    )
    page = Paginator(rows, CONVERSATIONS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "unread": conversations.unread_conversations(request.user),
        "current": "messages",
    }
    return render(request, "forum/conversations/inbox.html", context)


def _typed(request) -> str:
    return request.POST.get("find", "")[:100]


@members_only
def new(request):
    """Write to members picked by name. Without JavaScript, a search step: type part of a name,
    choose Search, tick the people found; what was written so far stays in the form. With
    JavaScript (forum/pickers.js) names are suggested as they are typed, from recipients_json.
    """
    user = request.user
    if request.method == "POST":
        chosen = conversations.chosen_recipients(request.POST.getlist("to"), by=user)
    else:
        chosen = conversations.chosen_recipients([request.GET.get("to", "")], by=user)
    searching = request.method == "POST" and (
        "find_members" in request.POST or (not request.POST.getlist("to") and _typed(request).strip())
    )
    matches = None
    if searching:
        # Not a send: show the matches, keep the text, and report no errors for fields not yet filled.
        if _typed(request).strip():
            matches = [p for p in conversations.members_named(_typed(request), by=user) if p not in chosen]
        form = NewConversationForm(
            initial={"title": request.POST.get("title", ""), "body": request.POST.get("body", "")}
        )
        context = {
            "form": form,
            "chosen": chosen,
            "matches": matches,
            "find": _typed(request),
            # A browser never refills a file input: say so rather than drop them silently.
            "files_dropped": bool(request.FILES.getlist("files")),
        }
        return render(request, "forum/conversations/new.html", context)
    form = NewConversationForm(request.POST or None, request.FILES or None)
    preview, findings = None, []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if "preview" in request.POST:
            preview = render_markdown(data["body"])
            _choose_files_again(form)
        else:
            try:
                checked = attachments.check_all(data["files"], data["image_descriptions"])
                recipients = conversations.find_recipients(request.POST.getlist("to"), by=user)
                limits.hit(user, "post")
                created = conversations.start_conversation(
                    by=user,
                    recipients=recipients,
                    title=data["title"],
                    body=data["body"],
                    confirmed_private=data["confirm_private"],
                    files=checked,
                )
            except ServiceError as error:
                findings = _refused(form, error)
            else:
                messages.success(request, "Your message is sent.")
                return redirect("forum:conversation", pk=created.pk)
    status = 400 if form.errors else 200
    context = {"form": form, "preview": preview, "findings": findings, "chosen": chosen, "find": ""}
    return render(request, "forum/conversations/new.html", context, status=status)


@members_only
def recipients_json(request):
    """Suggestions for the To field as a name is typed: members the sender may write to, by name and
    task force only (never an email address)."""
    people = conversations.members_named(request.GET.get("q", "")[:100], by=request.user)
    return JsonResponse(
        {"results": [{"id": p.pk, "name": p.full_name, "detail": p.task_force_label or ""} for p in people]}
    )


def _participant(request, pk):
    row = conversations.participant_for(pk, request.user)
    if row is None:
        raise Http404
    return row


@members_only
def conversation(request, pk):
    me = _participant(request, pk)
    found = me.conversation
    form = MessageForm(request.POST or None, request.FILES or None)
    preview, findings = None, []
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = render_markdown(form.cleaned_data["body"])
            _choose_files_again(form)
        else:
            try:
                data = form.cleaned_data
                checked = attachments.check_all(data["files"], data["image_descriptions"])
                limits.hit(request.user, "post")
                sent = conversations.send_message(
                    found,
                    by=request.user,
                    body=data["body"],
                    confirmed_private=data["confirm_private"],
                    files=checked,
                )
            except ServiceError as error:
                findings = _refused(form, error)
            else:
                page = (sent.number - 1) // MESSAGES_PER_PAGE + 1
                return redirect(
                    f"{reverse('forum:conversation', args=[found.pk])}?page={page}#m-{sent.number}"
                )
    paginator = Paginator(found.messages.order_by("number"), MESSAGES_PER_PAGE)
    default_page = (min(me.last_read_number + 1, max(found.message_count, 1)) - 1) // MESSAGES_PER_PAGE + 1
    page = paginator.get_page(request.GET.get("page") or default_page)
    shown = list(page.object_list)
    attachments.for_messages(shown)
    first_unread = me.last_read_number + 1
    if shown:
        conversations.mark_read(me, shown[-1].number)
    people = list(
        ConversationParticipant.objects.filter(conversation=found)
        .order_by("joined_at", "id")
        .values_list("user_name", "left_at")
    )
    status = 400 if form.errors else 200
    context = {
        "conversation": found,
        "me": me,
        "page": page,
        "shown": shown,
        "first_unread": first_unread,
        "people": people,
        "form": form,
        "preview": preview,
        "findings": findings,
    }
    return render(request, "forum/conversations/conversation.html", context, status=status)


@members_only
@require_POST
def leave(request, pk):
    me = _participant(request, pk)
    conversations.leave(me.conversation, by=request.user)
    messages.success(request, f"You have left “{me.conversation.title}”. It is no longer in your inbox.")
    return redirect("forum:inbox")


@members_only
def report(request, pk):
    message = get_object_or_404(ConversationMessage.objects.select_related("conversation"), pk=pk)
    _participant(request, message.conversation_id)
    back = f"{reverse('forum:conversation', args=[message.conversation_id])}#m-{message.number}"
    form = MessageReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            limits.hit(request.user, "report")
            conversations.report_message(message, by=request.user, **form.cleaned_data)
        except ServiceError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                "Thank you. A moderator will read this one message, and nothing else of the conversation.",
            )
        return redirect(back)
    context = {"message": message, "form": form, "back": back}
    return render(request, "forum/conversations/report.html", context, status=400 if form.errors else 200)


@members_only
def reported(request):
    """Moderators: open reports of private messages, showing only the reported message."""
    if not access.can_see_reported_message(request.user):
        raise Http404
    queue = MessageReport.objects.filter(resolved_at__isnull=True).select_related("message")
    page = Paginator(queue, 30).get_page(request.GET.get("page"))
    return render(request, "forum/conversations/reported.html", {"page": page})


@members_only
@require_POST
def resolve(request, pk):
    if not access.can_see_reported_message(request.user):
        raise Http404
    found = get_object_or_404(MessageReport, pk=pk)
    try:
        conversations.resolve_message_report(found, by=request.user)
    except ForumError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Report marked as dealt with.")
    return redirect("forum:reported_messages")
