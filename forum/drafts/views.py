"""The endpoints drafts.js saves to every few seconds. Without JavaScript the forms' "Save draft" button
posts to the form's own view instead (forum.views), so these are only ever called by the script.

They answer JSON: {"saved": true, "saved_at": "14:02"} or {"error": "…"} with status 400.
"""

from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.decorators.http import require_POST

from forum.drafts import services as drafts
from forum.models import Topic
from forum.services import ForumError
from members.access import members_only


def _answer(save):
    try:
        draft = save()
    except ForumError as error:
        return JsonResponse({"saved": False, "error": str(error)}, status=400)
    saved_at = timezone.localtime(draft.updated_at if draft else timezone.now()).strftime("%H:%M")
    return JsonResponse({"saved": draft is not None, "saved_at": saved_at})


@members_only
@require_POST
def save_reply(request, pk):
    topic = get_object_or_404(Topic.objects.readable_by(request.user), pk=pk)
    return _answer(lambda: drafts.save_reply_draft(request.user, topic, body=request.POST.get("body", "")))


@members_only
@require_POST
def save_new_topic(request):
    return _answer(
        lambda: drafts.save_topic_draft(
            request.user,
            title=request.POST.get("title", ""),
            body=request.POST.get("body", ""),
            category_id=request.POST.get("category"),
            kind=request.POST.get("kind", ""),
            tag_ids=request.POST.getlist("tags"),
        )
    )
