"""Roll-call modules, attacker first: anonymous people, pending applicants, guessed URLs and
drafts, tampered quiz answers (a question not in the quiz, options that do not exist), hostile
text and double POSTs; then members taking the quiz, the record entry, files, the facilitator's
view, the admin snippet, the demo, and query counts.
"""

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import OutputWrapper
from django.utils.html import escape

from config.errors import NotPermitted, ServiceError
from tests.trainings.module_factories import VTT, WEBM, make_module
from trainings.modules import demo as modules_demo
from trainings.modules import services, views, webvtt
from trainings.modules.models import Module, ModuleCompletion, QuizQuestion, validate_video, validate_webvtt
from trainings.record_entries import entries_for, entry_for

pytestmark = pytest.mark.django_db

# The session's row is a query when sessions live in the database (no Redis: config.sessions).
SESSION = 1 if settings.SESSION_ENGINE == "config.sessions" else 0
PAGES = ("/", "/video", "/captions.vtt", "/transcript/", "/facilitator/")
HOSTILE = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>'; DROP TABLE trainings_module;--"


def _urls(module):
    return [f"/trainings/modules/{module.pk}{page}" for page in PAGES]


def _right(module):
    return {f"q-{q.pk}": str(q.correct_option) for q in module.questions.all()}


def _checked(body, question_pk):
    """The value of the checked radio button of a question in the page, or None."""
    for tag in re.findall(rf'<input[^>]*name="q-{question_pk}"[^>]*>', body):
        if " checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


def _post(client, module, data):
    return client.post(f"/trainings/modules/{module.pk}/quiz/", data)


# --- Who gets in -------------------------------------------------------------------------


def test_anonymous_people_are_sent_to_log_in_and_get_no_file(client):
    module = make_module()
    for url in ["/trainings/modules/", *_urls(module)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/login/"), url
        assert WEBM not in b"".join(getattr(response, "streaming_content", [response.content]))
    response = _post(client, module, _right(module))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not ModuleCompletion.objects.exists()


def test_pending_applicants_see_their_notice_and_cannot_complete(client_for, role_user):
    module = make_module()
    client = client_for(role_user("pending"))
    for url in ["/trainings/modules/", *_urls(module)]:
        response = client.get(url)
        assert (response.status_code, response["Location"]) == (302, "/members/pending/"), url
    assert _post(client, module, _right(module))["Location"] == "/members/pending/"
    assert not ModuleCompletion.objects.exists()


def test_a_draft_module_is_absent_for_members_and_open_to_tta_staff(client_for, role_user):
    draft = make_module("Unfinished draft module", published=False)
    member = role_user("member")
    client = client_for(member)
    assert "Unfinished draft module" not in client.get("/trainings/modules/").content.decode()
    for url in _urls(draft):
        assert client.get(url).status_code == 404, url
    assert _post(client, draft, _right(draft)).status_code == 404
    for role in ("editor", "moderator"):
        assert client_for(role_user(role)).get(f"/trainings/modules/{draft.pk}/").status_code == 404
    staff = client_for(role_user("tta_staff"))
    assert "Unfinished draft module" in staff.get("/trainings/modules/").content.decode()
    for url in _urls(draft):
        assert staff.get(url).status_code == 200, url
    # Staff preview the draft but nobody completes it: its quiz may still change.
    response = _post(staff, draft, _right(draft))
    assert response.status_code == 403
    assert not ModuleCompletion.objects.exists()
    with pytest.raises(NotPermitted):
        services.submit_quiz(draft, member, {})


def test_guessed_module_ids_are_404(client_for, role_user):
    client = client_for(role_user("member"))
    for page in PAGES:
        assert client.get(f"/trainings/modules/999999{page}").status_code == 404
    assert client.post("/trainings/modules/999999/quiz/", {}).status_code == 404
    assert client.get("/trainings/modules/abc/").status_code == 404


def test_the_quiz_is_post_only(client_for, role_user):
    module = make_module()
    assert client_for(role_user("member")).get(f"/trainings/modules/{module.pk}/quiz/").status_code == 405


def test_the_files_are_in_the_protected_storage_and_sent_with_safe_headers(client_for, role_user):
    module = make_module()
    for field in (module.video, module.captions):
        assert Path(field.path).resolve().is_relative_to(Path(settings.PROTECTED_MEDIA_ROOT).resolve())
        assert not Path(field.path).resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    client = client_for(role_user("member"))
    video = client.get(f"/trainings/modules/{module.pk}/video")
    assert video.status_code == 200
    assert b"".join(video.streaming_content) == WEBM
    assert video["Content-Type"] == "video/webm"
    captions = client.get(f"/trainings/modules/{module.pk}/captions.vtt")
    assert captions["Content-Type"] == "text/vtt; charset=utf-8"
    assert b"".join(captions.streaming_content).decode() == VTT
    for response in (video, captions):
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_a_missing_file_is_a_404_not_an_error(client_for, role_user):
    module = make_module()
    module.video.storage.delete(module.video.name)
    module.captions.storage.delete(module.captions.name)
    client = client_for(role_user("member"))
    assert client.get(f"/trainings/modules/{module.pk}/video").status_code == 404
    assert client.get(f"/trainings/modules/{module.pk}/captions.vtt").status_code == 404
    assert client.get(f"/trainings/modules/{module.pk}/transcript/").status_code == 200


# --- The module page ---------------------------------------------------------------------


def test_the_module_page_has_a_captioned_video_a_transcript_and_the_discussion(client_for, role_user):
    module = make_module()
    body = client_for(role_user("member")).get(f"/trainings/modules/{module.pk}/").content.decode()
    assert f'src="/trainings/modules/{module.pk}/video"' in body
    assert f'<track kind="captions" src="/trainings/modules/{module.pk}/captions.vtt"' in body
    assert " default>" in body
    assert f'href="/trainings/modules/{module.pk}/transcript/"' in body
    assert "Who is our advocate on nights?" in body
    assert f'href="/trainings/modules/{module.pk}/facilitator/"' in body
    # The answers are never in the page: only option numbers.
    assert "correct" not in body.lower()


def test_the_transcript_is_the_captions_as_text(client_for, role_user):
    module = make_module(
        captions="WEBVTT - demo\n\nNOTE staff only\n\n00:01.000 --> 00:02.000 align:start\n"
        "<v Sgt>Hello &amp; welcome</v>\nsecond line\n\n2\n00:02.000 --> 00:03.000\n<i>Bye</i>\n"
    )
    body = client_for(role_user("member")).get(f"/trainings/modules/{module.pk}/transcript/").content.decode()
    assert "<p>Hello &amp; welcome second line</p>" in body
    assert "<p>Bye</p>" in body
    assert "staff only" not in body and "-->" not in body


def test_cue_texts_ignores_everything_but_the_cues():
    assert webvtt.cue_texts(
        "\ufeffWEBVTT\r\n\r\n00:00.000 --> 00:01.000\r\nOne\r\n\r\nSTYLE\r\n::cue {}\r\n"
    ) == ["One"]
    assert webvtt.cue_texts("WEBVTT\n") == []
    assert webvtt.cue_texts("WEBVTT\n\nno timing here\n") == []


def test_the_facilitators_view_prints_questions_and_quiz_without_answers(client_for, role_user):
    module = make_module()
    response = client_for(role_user("member")).get(f"/trainings/modules/{module.pk}/facilitator/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Facilitator" in body and "modules.css" in body
    for prompt, options, _correct in module_quiz(module):
        assert escape(prompt) in body
        for option in options:
            assert escape(option) in body
    assert "What would you ask first?" in body
    assert 'type="radio"' not in body


def module_quiz(module):
    return [(q.prompt, q.option_list, q.correct_option) for q in module.questions.all()]


def test_hostile_text_is_shown_as_text_everywhere(client_for, role_user):
    module = make_module(
        HOSTILE,
        summary=HOSTILE,
        discussion=HOSTILE,
        quiz=((HOSTILE, [HOSTILE, "Fine"], 2),),
        captions=f"WEBVTT\n\n00:00.000 --> 00:01.000\n&lt;script&gt;alert(2)&lt;/script&gt; {HOSTILE}\n",
    )
    client = client_for(role_user("member"))
    for url in ["/trainings/modules/", *[u for u in _urls(module) if u.endswith("/")]]:
        body = client.get(url).content.decode()
        assert "<script>alert" not in body, url
        assert "<img src=x" not in body, url
        assert "&lt;script&gt;alert" in body or url.endswith("transcript/"), url
    transcript = client.get(f"/trainings/modules/{module.pk}/transcript/").content.decode()
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in transcript
    # A failed attempt shows the hostile prompt again, still escaped.
    failed = _post(client, module, {f"q-{module.questions.get().pk}": "1"}).content.decode()
    assert "<script>alert" not in failed and "Not passed yet" in failed


# --- The quiz ----------------------------------------------------------------------------


def test_an_answer_to_a_question_that_is_not_in_the_quiz_is_refused_and_nothing_recorded(
    client_for, role_user
):
    module = make_module()
    other = make_module("Another module")
    foreign = other.questions.first()
    client = client_for(role_user("member"))
    for extra in ({f"q-{foreign.pk}": "2"}, {"q-999999": "1"}, {"q-abc": "1"}, {"q-1' OR 1=1--": "1"}):
        response = _post(client, module, {**_right(module), **extra})
        body = response.content.decode()
        assert response.status_code == 400, extra
        assert "not in this quiz" in body, extra
        # The member's own answers stay chosen.
        first = module.questions.first()
        assert _checked(body, first.pk) == "2"
    assert not ModuleCompletion.objects.exists()


def test_the_service_refuses_foreign_missing_and_impossible_answers(role_user):
    module = make_module()
    other = make_module("Another module")
    member = role_user("member")
    right = {q.pk: q.correct_option for q in module.questions.all()}
    with pytest.raises(ServiceError, match="not in this quiz"):
        services.submit_quiz(module, member, {**right, other.questions.first().pk: 2})
    with pytest.raises(ServiceError, match="Answer every question"):
        services.submit_quiz(module, member, dict(list(right.items())[1:]))
    first = module.questions.first().pk
    for impossible in (0, 4, -1, 10**9):
        with pytest.raises(ServiceError, match="not one of its options"):
            services.submit_quiz(module, member, {**right, first: impossible})
    assert not ModuleCompletion.objects.exists()


@pytest.mark.parametrize("value", ["9", "0", "-1", "abc", "", "1" * 5000, "2 OR 1=1"])
def test_an_impossible_option_is_a_field_error(value, client_for, role_user):
    module = make_module()
    first = module.questions.first()
    response = _post(client_for(role_user("member")), module, {**_right(module), f"q-{first.pk}": value})
    assert response.status_code == 400
    assert "Choose" in response.content.decode()
    assert not ModuleCompletion.objects.exists()


def test_two_answers_to_one_question_are_refused(client_for, role_user):
    module = make_module()
    first = module.questions.first()
    data = {**_right(module), f"q-{first.pk}": ["2", "1"]}
    assert _post(client_for(role_user("member")), module, data).status_code == 400
    assert not ModuleCompletion.objects.exists()


def test_a_failed_attempt_marks_the_wrong_answers_keeps_them_and_allows_a_retry(client_for, role_user):
    module = make_module()
    first, second, third = module.questions.all()
    member = role_user("member")
    client = client_for(member)
    answers = {**_right(module), f"q-{second.pk}": "1"}
    response = _post(client, module, answers)
    body = response.content.decode()
    assert response.status_code == 200
    assert "Not passed yet: you scored 66%" in body
    assert body.count("Wrong answer.") == 1
    assert f'aria-describedby="note-q-{second.pk}"' in body
    assert f'aria-describedby="note-q-{first.pk}"' not in body
    assert (_checked(body, first.pk), _checked(body, second.pk), _checked(body, third.pk)) == ("2", "1", "2")
    assert not ModuleCompletion.objects.exists()
    assert entry_for(member, f"module:{module.pk}") is None
    # The retry passes.
    response = _post(client, module, _right(module))
    assert response.status_code == 302 and response["Location"] == f"/trainings/modules/{module.pk}/"
    assert ModuleCompletion.objects.filter(module=module, member=member).count() == 1


def test_passing_records_the_completion_with_the_modules_hours_and_links_the_record(client_for, role_user):
    module = make_module(hours=Decimal("0.75"))
    member = role_user("member")
    client = client_for(member)
    response = client.get(_post(client, module, _right(module))["Location"])
    body = response.content.decode()
    assert "You passed with 100%" in body
    assert "You completed this module on" in body
    assert f'href="{views.record_url()}">My training record</a>' in body
    completion = ModuleCompletion.objects.get()
    assert (completion.member, completion.score, completion.hours) == (member, 100, Decimal("0.75"))
    entry = entry_for(member, f"module:{module.pk}")
    assert entry is not None
    assert (entry.kind, entry.title, entry.hours) == ("module", module.title, Decimal("0.75"))
    # A later edit of the module's hours does not change what the member earned.
    Module.objects.filter(pk=module.pk).update(hours=Decimal("3"))
    assert entry_for(member, f"module:{module.pk}").hours == Decimal("0.75")
    # Nobody else's record gains it.
    assert not [e for e in entries_for(role_user("coordinator")) if e.kind == "module"]


def test_a_double_post_records_one_completion(client_for, role_user):
    module = make_module()
    member = role_user("member")
    client = client_for(member)
    assert _post(client, module, _right(module)).status_code == 302
    assert _post(client, module, _right(module)).status_code == 302
    assert ModuleCompletion.objects.filter(member=member).count() == 1
    assert "already recorded" in client.get(f"/trainings/modules/{module.pk}/").content.decode()
    again = services.submit_quiz(module, member, {q.pk: q.correct_option for q in module.questions.all()})
    assert again.passed and not again.newly_completed
    assert [e.key for e in entries_for(member) if e.kind == "module"] == [f"module:{module.pk}"]


def test_a_completion_written_meanwhile_is_kept(role_user, monkeypatch):
    """Two requests passing at once: the unique constraint keeps one, the second reads it back."""
    module = make_module()
    member = role_user("member")
    first, created = services.record_completion(module, member, 100)
    assert created
    real_filter = ModuleCompletion.objects.filter

    class RaceLost:
        def first(self):
            return None  # as if read before the other request wrote its row

    monkeypatch.setattr(ModuleCompletion.objects, "filter", lambda **kw: RaceLost())
    monkeypatch.setattr(ModuleCompletion.objects, "get", lambda **kw: real_filter(**kw).get())
    second, created = services.record_completion(module, member, 100)
    assert (second.pk, created) == (first.pk, False)
    assert real_filter(member=member).count() == 1


@pytest.mark.parametrize(("pass_mark", "passed"), [(67, False), (66, True), (100, False)])
def test_the_pass_mark_is_compared_without_rounding(pass_mark, passed, role_user):
    module = make_module(pass_mark=pass_mark)
    first, second, third = module.questions.all()
    answers = {first.pk: 2, second.pk: 1, third.pk: 2}  # two of three right: 66.6%
    assert services.submit_quiz(module, role_user("member"), answers).passed is passed


def test_a_module_without_questions_cannot_be_completed(client_for, role_user):
    module = make_module(quiz=())
    client = client_for(role_user("member"))
    assert "no quiz yet" in client.get(f"/trainings/modules/{module.pk}/").content.decode()
    with pytest.raises(ServiceError, match="no quiz"):
        services.submit_quiz(module, role_user("coordinator"), {})
    assert _post(client, module, {}).status_code == 400
    assert not ModuleCompletion.objects.exists()


def test_many_attempts_are_rate_limited(client_for, role_user, monkeypatch):
    monkeypatch.setattr(views, "QUIZ_LIMIT", 2)
    module = make_module()
    client = client_for(role_user("member"))
    wrong = {f"q-{q.pk}": "1" for q in module.questions.all()}
    assert _post(client, module, wrong).status_code == 200
    assert _post(client, module, wrong).status_code == 200
    response = _post(client, module, _right(module))
    assert response.status_code == 400
    assert "many times" in response.content.decode()
    assert not ModuleCompletion.objects.exists()


# --- Validation of what staff upload -----------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b"WEBVTT\n\n00:00.000 --> 00:01.000\nHi\n",
     b"\xef\xbb\xbfWEBVTT\r\n\r\n00:00.000 --> 00:01.000\r\nHi\r\n",
     b"WEBVTT - Roll call\n\n00:00.000 --> 00:01.000\nHi\n"],
)  # fmt: skip
def test_webvtt_captions_are_accepted(content):
    validate_webvtt(SimpleUploadedFile("c.vtt", content))


@pytest.mark.parametrize(
    "content",
    [b"", b"WEBVT\n\n00:00.000 --> 00:01.000\nHi\n", b"1\n00:00:01,000 --> 00:00:02,000\nAn SRT file\n",
     b"WEBVTTX\n\n00:00.000 --> 00:01.000\n", b"WEBVTT\n\nno cues at all\n", b"\xff\xfe\x00W\x00E",
     b"<script>alert(1)</script>", b"WEBVTT\n" + b"x" * (600 * 1024)],
)  # fmt: skip
def test_anything_else_is_refused_as_captions(content):
    with pytest.raises(ValidationError):
        validate_webvtt(SimpleUploadedFile("c.vtt", content))


def test_videos_are_recognised_by_their_content_not_their_name():
    validate_video(SimpleUploadedFile("clip.webm", WEBM))
    validate_video(SimpleUploadedFile("clip.MP4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 20))
    for name, content in (
        ("clip.webm", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20),
        ("clip.mp4", WEBM),
        ("clip.html", WEBM),
        ("clip.webm", b"<html><script>alert(1)</script>"),
    ):
        with pytest.raises(ValidationError):
            validate_video(SimpleUploadedFile(name, content))


def test_quiz_questions_need_two_to_six_options_and_a_right_one_among_them():
    module = make_module(quiz=())
    for options, correct in ((["Only one"], 1), (["A", "B"], 3), ([str(n) for n in range(7)], 1)):
        with pytest.raises(ValidationError):
            QuizQuestion(
                module=module, prompt="Q", options="\n".join(options), correct_option=correct
            ).full_clean()
    QuizQuestion(module=module, prompt="Q", options="A\n\n B \n", correct_option=2).full_clean()


def test_a_completed_module_cannot_be_deleted(role_user):
    from django.db.models import ProtectedError

    module = make_module()
    services.record_completion(module, role_user("member"), 100)
    with pytest.raises(ProtectedError):
        module.delete()


# --- The admin snippet -------------------------------------------------------------------


def test_tta_staff_manage_modules_in_the_admin_and_nobody_deletes_them(client_for, role_user):
    module = make_module()
    staff = client_for(role_user("tta_staff"))
    assert staff.get("/admin/snippets/trainings/module/").status_code == 200
    assert staff.get("/admin/snippets/trainings/module/add/").status_code == 200
    assert staff.get(f"/admin/snippets/trainings/module/edit/{module.pk}/").status_code == 200
    assert staff.get(f"/admin/snippets/trainings/module/delete/{module.pk}/").status_code == 302
    for role in ("editor", "moderator"):
        assert client_for(role_user(role)).get("/admin/snippets/trainings/module/add/").status_code == 302
    assert client_for(role_user("member")).get("/admin/snippets/trainings/module/add/").status_code == 403
    assert Module.objects.filter(pk=module.pk).exists()


def _admin_form(video, captions, **extra):
    return {
        "title": "Uploaded in the admin",
        "summary": "",
        "video": video,
        "captions": captions,
        "discussion_questions": "Why?",
        "hours": "0.25",
        "pass_mark": "80",
        "questions-TOTAL_FORMS": "1",
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "1",
        "questions-MAX_NUM_FORMS": "1000",
        "questions-0-prompt": "Who?",
        "questions-0-options": "Me\nYou",
        "questions-0-correct_option": "2",
        "questions-0-ORDER": "1",
        "questions-0-id": "",
        "questions-0-DELETE": "",
        **extra,
    }


def test_the_admin_refuses_captions_that_are_not_webvtt_and_accepts_real_ones(client_for, role_user):
    staff = client_for(role_user("tta_staff"))
    srt = SimpleUploadedFile("c.srt", b"1\n00:00:01,000 --> 00:00:02,000\nHi\n")
    response = staff.post(
        "/admin/snippets/trainings/module/add/", _admin_form(SimpleUploadedFile("v.webm", WEBM), srt)
    )
    assert response.status_code == 200
    assert "WEBVTT" in response.content.decode()
    assert not Module.objects.exists()
    good = SimpleUploadedFile("c.vtt", VTT.encode())
    response = staff.post(
        "/admin/snippets/trainings/module/add/", _admin_form(SimpleUploadedFile("v.webm", WEBM), good)
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    module = Module.objects.get()
    assert module.questions.get().option_list == ["Me", "You"]
    assert not module.is_published


# --- Demo --------------------------------------------------------------------------------


def test_the_demo_adds_two_small_captioned_modules_once():
    out = OutputWrapper(io.StringIO())
    modules_demo.seed(out)
    modules_demo.seed(out)
    modules = list(Module.objects.published())
    assert len(modules) == 2
    for module in modules:
        assert module.video.size < 200 * 1024
        with module.video.open("rb") as video:
            validate_video(SimpleUploadedFile(module.video.name, video.read()))
        with module.captions.open("rb") as captions:
            validate_webvtt(SimpleUploadedFile("c.vtt", captions.read()))
        assert module.questions.count() >= 2 and len(module.discussion_list) >= 2
        for question in module.questions.all():
            question.full_clean()


# --- Query counts --------------------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 12])
def test_the_list_runs_in_constant_queries(count, client_for, role_user, django_assert_num_queries):
    member = role_user("member")
    for number in range(count):
        module = make_module(f"Module {number}", quiz=QUIZ_ONE)
        if number % 2:
            services.record_completion(module, member, 100)
    client = client_for(member)
    client.get("/trainings/modules/")
    # (session), user, groups, count, modules, my completions
    with django_assert_num_queries(SESSION + 5):
        assert client.get("/trainings/modules/").status_code == 200


QUIZ_ONE = (("One?", ["A", "B"], 1),)


@pytest.mark.parametrize("questions", [1, 6])
def test_the_module_page_runs_in_constant_queries(
    questions, client_for, role_user, django_assert_num_queries
):
    module = make_module(quiz=[(f"Q{n}?", ["A", "B", "C"], 1) for n in range(questions)])
    client = client_for(role_user("member"))
    url = f"/trainings/modules/{module.pk}/"
    client.get(url)
    # (session), user, groups, module, questions, my completion
    with django_assert_num_queries(SESSION + 5):
        assert client.get(url).status_code == 200
    # A graded attempt: the same, plus the service's own read of the questions.
    wrong = {f"q-{q.pk}": "2" for q in module.questions.all()}
    with django_assert_num_queries(SESSION + 6):
        assert _post(client, module, wrong).status_code == 200


@pytest.mark.parametrize("questions", [1, 6])
def test_the_facilitator_view_runs_in_constant_queries(
    questions, client_for, role_user, django_assert_num_queries
):
    module = make_module(quiz=[(f"Q{n}?", ["A", "B"], 1) for n in range(questions)])
    client = client_for(role_user("member"))
    url = f"/trainings/modules/{module.pk}/facilitator/"
    client.get(url)
    # (session), user, groups, module, questions
    with django_assert_num_queries(SESSION + 4):
        assert client.get(url).status_code == 200


# --- Byte ranges (phones' video players ask for them) ---------------------------------------


@pytest.mark.parametrize(
    ("header", "status", "body", "content_range"),
    [
        ("bytes=0-1", 206, WEBM[:2], f"bytes 0-1/{len(WEBM)}"),
        ("bytes=4-", 206, WEBM[4:], f"bytes 4-{len(WEBM) - 1}/{len(WEBM)}"),
        ("bytes=-3", 206, WEBM[-3:], f"bytes {len(WEBM) - 3}-{len(WEBM) - 1}/{len(WEBM)}"),
        ("bytes=0-999999999", 206, WEBM, f"bytes 0-{len(WEBM) - 1}/{len(WEBM)}"),
        (f"bytes={len(WEBM)}-", 416, b"", f"bytes */{len(WEBM)}"),
        ("bytes=5-2", 416, b"", f"bytes */{len(WEBM)}"),
        ("bytes=0-1,4-5", 200, WEBM, None),
        ("bytes=abc", 200, WEBM, None),
        ("bytes=" + "9" * 40 + "-", 200, WEBM, None),
        ("lines=1-2", 200, WEBM, None),
    ],
)
def test_the_video_is_sent_in_byte_ranges(header, status, body, content_range, client_for, role_user):
    module = make_module()
    response = client_for(role_user("member")).get(f"/trainings/modules/{module.pk}/video", HTTP_RANGE=header)
    assert response.status_code == status
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content == body
    assert response.get("Content-Range") == content_range
    assert response["Accept-Ranges"] == "bytes"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_a_range_is_no_way_around_the_access_check(client_for, role_user):
    draft = make_module(published=False)
    for user in (None, role_user("pending"), role_user("member")):
        response = client_for(user).get(f"/trainings/modules/{draft.pk}/video", HTTP_RANGE="bytes=0-")
        assert response.status_code in (302, 404)


def test_editing_a_module_in_the_admin_without_new_files_keeps_them(client_for, role_user):
    module = make_module()
    question = module.questions.get(sort_order=0)
    video, captions = module.video.name, module.captions.name
    data = {
        **_admin_form("", ""),
        "title": "Renamed module",
        "questions-INITIAL_FORMS": "1",
        "questions-0-id": str(question.pk),
        "questions-0-prompt": "A <b>changed</b> prompt",
    }
    data.pop("video"), data.pop("captions")
    response = client_for(role_user("tta_staff")).post(
        f"/admin/snippets/trainings/module/edit/{module.pk}/", data
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    module.refresh_from_db()
    assert (module.title, module.video.name, module.captions.name) == ("Renamed module", video, captions)
    assert module.questions.get(pk=question.pk).prompt == "A <b>changed</b> prompt"
