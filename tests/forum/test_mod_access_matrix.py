"""The access matrix for the moderation, attachment and private-message URLs: every URL × every role.

Kept beside tests/test_access_matrix.py (same fixtures, same expected-status
classes) so the two engineers working on the forum do not edit one file.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from forum.attachments import services as attachments
from forum.conversations import services as conversations
from forum.models import Attachment, Conversation, MessageReport
from tests import access_rules as rules
from tests.factories import ROLES
from tests.forum import access_rules as forum_rules
from tests.forum.factories import matrix_topic

# Only the two members in the conversation read it: not moderators, not superusers.
PARTICIPANTS = {
    **dict.fromkeys(ROLES, 404),
    "anonymous": rules.LOGIN,
    "pending": rules.PENDING,
    "member": 200,
    "other_task_force_member": 200,
}

# The attach page is the author's ("member"); everyone else is sent back to the post.
AUTHOR_ONLY = {**dict.fromkeys(ROLES, 302), "member": 200}

# Wagtail admin screens for forum moderators: other staff get a plain 403.
ADMIN_MODERATORS = {
    **dict.fromkeys(ROLES, 403),
    "anonymous": 302,
    "pending": 302,
    "moderator": 200,
    "superuser": 200,
}


def _png():
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG")
    return SimpleUploadedFile("matrix.png", out.getvalue())


def _attachment(users, prosecutors_only=False):
    topic = matrix_topic(users, prosecutors_only=prosecutors_only)
    post = topic.posts.get(number=1)
    found = Attachment.objects.filter(post=post).first()
    if found is None:
        author = users["moderator"] if prosecutors_only else users["member"]
        found = attachments.attach(post, by=author, upload=_png(), alt_text="Matrix image")
    return found


def _conversation(users):
    found = Conversation.objects.filter(title="Matrix conversation").first()
    if found is None:
        found = conversations.start_conversation(
            by=users["member"],
            recipients=[users["other_task_force_member"]],
            title="Matrix conversation",
            body="Between two members only.",
        )
    return found


def _message_attachment(users):
    message = _conversation(users).messages.get(number=1)
    found = Attachment.objects.filter(message=message).first()
    if found is None:
        [found] = attachments.attach_to_message(
            message, attachments.check_all([_png()], "Matrix image"), by=users["member"]
        )
    return found


def _message_report(users):
    conversation = _conversation(users)
    message = conversation.messages.get(number=1)
    return MessageReport.objects.filter(message=message).first() or conversations.report_message(
        message, by=users["other_task_force_member"], reason="spam"
    )


def url(pattern, *, prosecutors_only=False):
    def build(users):
        topic = matrix_topic(users, prosecutors_only=prosecutors_only)
        return pattern.format(
            topic=topic.pk,
            post=topic.posts.get(number=1).pk,
            member=users["member"].pk,
            attachment=_attachment(users, prosecutors_only).pk if "{attachment}" in pattern else "",
            conversation=_conversation(users).pk if "{conversation}" in pattern else "",
            message=_conversation(users).messages.get(number=1).pk if "{message}" in pattern else "",
            report=_message_report(users).pk if "{report}" in pattern else "",
            message_file=_message_attachment(users).pk if "{message_file}" in pattern else "",
        )

    return build


ROUTES = [
    ("approval queue", "/forum/moderation/approvals/", forum_rules.MODERATORS),
    ("approve or reject (POST only)", url("/forum/moderation/approvals/{post}/"), forum_rules.POST_ONLY),
    ("redact", url("/forum/moderation/posts/{post}/redact/"), forum_rules.MODERATORS),
    ("topic tools", url("/forum/moderation/topics/{topic}/"), forum_rules.MODERATORS),
    (
        "prosecutors' topic tools",
        url("/forum/moderation/topics/{topic}/", prosecutors_only=True),
        forum_rules.MODERATORS,
    ),
    ("warn a member", url("/forum/moderation/members/{member}/warn/"), forum_rules.MODERATORS),
    ("moderation log", "/forum/moderation/log/", forum_rules.MODERATORS),
    ("my warnings", "/forum/warnings/", rules.MEMBERS),
    (
        "attach files",
        url("/forum/posts/{post}/attachments/"),
        {**AUTHOR_ONLY, "anonymous": rules.LOGIN, "pending": rules.PENDING},
    ),
    ("attachment", url("/forum/attachments/{attachment}/"), rules.MEMBERS),
    (
        "prosecutors' attachment",
        url("/forum/attachments/{attachment}/", prosecutors_only=True),
        forum_rules.PROSECUTORS_ONLY,
    ),
    ("remove attachment (POST only)", url("/forum/attachments/{attachment}/remove/"), forum_rules.POST_ONLY),
    ("private message's file", url("/forum/attachments/{message_file}/"), PARTICIPANTS),
    (
        "remove a private message's file (POST only)",
        url("/forum/attachments/{message_file}/remove/"),
        forum_rules.POST_ONLY,
    ),
    ("inbox", "/forum/messages/", rules.MEMBERS),
    ("new conversation", "/forum/messages/new/", rules.MEMBERS),
    ("conversation", url("/forum/messages/{conversation}/"), PARTICIPANTS),
    ("leave conversation (POST only)", url("/forum/messages/{conversation}/leave/"), forum_rules.POST_ONLY),
    ("report a message", url("/forum/messages/m/{message}/report/"), PARTICIPANTS),
    ("reported messages", "/forum/moderation/messages/", forum_rules.MODERATORS),
    (
        "resolve message report (POST only)",
        url("/forum/moderation/messages/{report}/resolve/"),
        forum_rules.POST_ONLY,
    ),
    ("admin approval queue", "/admin/forum/approvals/", ADMIN_MODERATORS),
    ("admin open reports", "/admin/forum/reports/", ADMIN_MODERATORS),
    ("admin privacy confirmations", "/admin/forum/privacy/", ADMIN_MODERATORS),
    ("admin moderation log", "/admin/forum/log/", ADMIN_MODERATORS),
]


def _cases():
    for name, target, expected in ROUTES:
        for role in ROLES:
            yield pytest.param(name, target, role, expected[role], id=f"{name}-{role}")


@pytest.mark.django_db
@pytest.mark.parametrize("name,target,role,status", list(_cases()))
def test_access(name, target, role, status, role_users, db, client_for):
    client = client_for(role_users[role])
    for user in role_users.values():
        if hasattr(user, "__dict__"):
            user.__dict__.pop("_forum_access_cache", None)
    address = target(role_users) if callable(target) else target
    response = client.get(address)
    assert response.status_code == status, f"{role} GET {address}: {response.status_code}, expected {status}"
    if status == 302 and role == "anonymous" and not address.startswith("/admin/"):
        assert response["Location"].startswith("/accounts/login/")
    if status == 302 and role == "pending" and not address.startswith("/admin/"):
        assert response["Location"] == "/members/pending/"
