"""Roll-call module pages under /trainings/modules/: the list, a module (video, captions,
discussion questions, quiz), the quiz submission, the transcript, the facilitator's print view,
and the permission-checked video and captions files.

Every page is for members only (``members_only``: anonymous people log in, pending applicants
see their notice); a module the viewer may not see is a 404 (``trainings.access``). The files
are sent from the protected storage only after the same check, never from MEDIA_URL.
"""

import re

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.views.decorators.http import require_POST, require_safe

from config import protected_files, ratelimit
from config.errors import NotPermitted, ServiceError
from members.access import members_only
from trainings import access
from trainings.modules import services, webvtt
from trainings.modules.forms import QuizForm
from trainings.modules.models import MAX_CAPTIONS_BYTES, Module, ModuleCompletion

PAGE_SIZE = 20
CHUNK = 64 * 1024
# One range only; digits capped so a hostile header cannot make a huge number.
_RANGE = re.compile(r"^bytes=(\d{0,15})-(\d{0,15})$")
# Generous for a person retrying a five-question quiz; a script guessing answers stops here.
QUIZ_LIMIT, QUIZ_WINDOW = 30, 60 * 60


def _module_or_404(request, pk) -> Module:
    module = get_object_or_404(Module, pk=pk)
    if not access.can_view_module(request.user, module):
        raise Http404("No such module.")
    return module


def record_url() -> str:
    """The member's training record, or "My trainings" until the record page exists."""
    try:
        return reverse("trainings:record")
    except NoReverseMatch:
        return reverse("trainings:mine")


@require_safe
@members_only
def module_list(request):
    page = Paginator(access.visible_modules(request.user).order_by("title", "pk"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    modules = list(page.object_list)
    done = set(
        ModuleCompletion.objects.filter(member=request.user, module__in=[m.pk for m in modules]).values_list(
            "module_id", flat=True
        )
    )
    return render(
        request,
        "trainings/modules/list.html",
        {
            "page_obj": page,
            "rows": [(module, module.pk in done) for module in modules],
            "can_manage": access.can_manage_modules(request.user),
        },
    )


def _module_page(request, module, form, *, result=None, status=200):
    return render(
        request,
        "trainings/modules/module.html",
        {
            "module": module,
            "rows": form.rows(result.wrong if result else frozenset()),
            "form": form,
            "result": result,
            "completion": services.completion_for(module, request.user),
            "can_take_quiz": access.can_take_module_quiz(request.user, module),
            "can_manage": access.can_manage_modules(request.user),
            "record_url": record_url(),
        },
        status=status,
    )


@require_safe
@members_only
def module_detail(request, pk):
    module = _module_or_404(request, pk)
    return _module_page(request, module, QuizForm(module.questions.all()))


@require_POST
@members_only
def submit_quiz(request, pk):
    module = _module_or_404(request, pk)
    form = QuizForm(module.questions.all(), request.POST)
    if not form.is_valid():
        return _module_page(request, module, form, status=400)
    try:
        ratelimit.hit(
            "trainings-module-quiz",
            request.user.pk,
            limit=QUIZ_LIMIT,
            window=QUIZ_WINDOW,
            message="You have tried this quiz many times in the last hour; please try again later.",
        )
        result = services.submit_quiz(module, request.user, form.answers())
    except ServiceError as error:
        form.add_error(None, str(error))
        return _module_page(request, module, form, status=403 if isinstance(error, NotPermitted) else 400)
    if result.passed:
        if result.newly_completed:
            messages.success(
                request, f"You passed with {result.score}%. The module is in your training record."
            )
        else:
            messages.info(
                request, f"You passed again with {result.score}%. Your completion was already recorded."
            )
        return redirect("trainings:module", pk=module.pk)
    # A failed attempt: the same page, the member's answers still chosen, the wrong ones marked.
    return _module_page(request, module, form, result=result)


def _protect(response):
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    response["Accept-Ranges"] = "bytes"
    # Members-only media: no shared or browser cache keeps a copy.
    add_never_cache_headers(response)
    patch_cache_control(response, private=True)
    return response


def _requested_range(request, size: int) -> tuple[int, int] | bool | None:
    """(first, last) byte of a single ``Range: bytes=`` request; None to send the whole file;
    False when the range cannot be satisfied (416). Several ranges, or an If-Range we cannot
    check (the files have no validators), get the whole file, as the HTTP spec allows."""
    match = _RANGE.match(request.headers.get("Range", "").strip())
    if match is None or "If-Range" in request.headers or match[1] == match[2] == "":
        return None
    if match[1] == "":
        first, last = max(size - int(match[2]), 0), size - 1
    else:
        first = int(match[1])
        last = min(int(match[2]), size - 1) if match[2] else size - 1
    if first > last or first >= size:
        return False
    return first, last


def _chunks(handle, length: int):
    with handle:
        while length > 0:
            chunk = handle.read(min(CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


def _protected_file(request, field, content_type: str):
    """The file, whole or the one byte range asked for: phones' players (Safari's above all)
    fetch a video in ranges and will not play one sent only whole."""
    if protected_files.accel_enabled():
        # nginx sends the file and answers Range requests itself.
        try:
            response = protected_files.file_response(field.storage, field.name, content_type=content_type)
        except (FileNotFoundError, ValueError):
            raise Http404("No such file.") from None
        return _protect(response)
    try:
        size = field.storage.size(field.name)
        handle = field.storage.open(field.name, "rb")
    except (FileNotFoundError, ValueError):
        raise Http404("No such file.") from None
    wanted = _requested_range(request, size)
    if wanted is None:
        return _protect(FileResponse(handle, content_type=content_type))
    if wanted is False:
        handle.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
        return _protect(response)
    first, last = wanted
    handle.seek(first)
    response = StreamingHttpResponse(_chunks(handle, last - first + 1), status=206, content_type=content_type)
    response["Content-Length"] = str(last - first + 1)
    response["Content-Range"] = f"bytes {first}-{last}/{size}"
    return _protect(response)


@require_safe
@members_only
def module_video(request, pk):
    module = _module_or_404(request, pk)
    return _protected_file(request, module.video, module.video_content_type)


@require_safe
@members_only
def module_captions(request, pk):
    module = _module_or_404(request, pk)
    return _protected_file(request, module.captions, "text/vtt; charset=utf-8")


def _cues(module) -> list[str]:
    try:
        with module.captions.storage.open(module.captions.name, "rb") as handle:
            raw = handle.read(MAX_CAPTIONS_BYTES)
    except (FileNotFoundError, ValueError):
        return []
    return webvtt.cue_texts(raw.decode("utf-8", errors="replace"))


@require_safe
@members_only
def module_transcript(request, pk):
    module = _module_or_404(request, pk)
    return render(request, "trainings/modules/transcript.html", {"module": module, "cues": _cues(module)})


@require_safe
@members_only
def facilitator(request, pk):
    """For the sergeant leading roll call: the questions and the quiz on paper, no answers shown."""
    module = _module_or_404(request, pk)
    return render(
        request,
        "trainings/modules/facilitator.html",
        {"module": module, "questions": list(module.questions.all()), "cues": _cues(module)},
    )
