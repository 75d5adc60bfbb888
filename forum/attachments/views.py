"""Attaching files to a post (a plain multipart form, no JavaScript) and sending them to readers.

A file is sent only to someone forum.access lets read the post (or, for a
file in a private message, to the conversation's participants), with a
Content-Disposition naming the cleaned file name, nosniff, a content type we
chose from the file's content, and a sandboxing CSP, so a file can never run as
a page of this site. Anyone else gets a 404, as for the post itself.
"""

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import filesizeformat
from django.views.decorators.http import require_POST

from config import protected_files
from forum import access
from forum.attachments import services as attachments
from forum.models import Attachment, Post
from forum.services import ForumError
from members.access import members_only


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="File",
        help_text="An image (PNG, JPEG, WebP or GIF) or a PDF, up to 10 MB. "
        "Photos lose their hidden details (location, camera) when attached.",
        max_length=1000,
        allow_empty_file=True,
    )
    alt_text = forms.CharField(
        label="Describe the image (for members who cannot see it)",
        help_text="Needed for images; leave empty for a PDF.",
        max_length=attachments.MAX_ALT,
        required=False,
    )


@members_only
def post_attachments(request, pk):
    post = get_object_or_404(Post.objects.select_related("topic"), pk=pk)
    topic = post.topic
    if not (access.can_read_topic(request.user, topic) and access.can_see_post(request.user, post)):
        raise Http404
    if not access.can_attach_to(request.user, post, topic):
        messages.error(request, "You can attach files only to your own posts.")
        return redirect("forum:post", pk=topic.pk, number=post.number)
    form = AttachmentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                added = attachments.attach(
                    post,
                    by=request.user,
                    upload=form.cleaned_data["file"],
                    alt_text=form.cleaned_data["alt_text"],
                )
            except ForumError as error:
                form.add_error("file", str(error))
            else:
                messages.success(request, f"Attached {added.display_name} ({filesizeformat(added.size)}).")
                return redirect("forum:attachments", pk=post.pk)
        elif "file" not in request.FILES:
            form.errors["file"] = form.error_class(["Choose a file to attach."])
    files = list(Attachment.objects.filter(post=post).order_by("id"))
    status = 400 if form.errors else 200
    context = {"post": post, "topic": topic, "form": form, "files": files}
    return render(request, "forum/attachments/post_attachments.html", context, status=status)


@members_only
@require_POST
def remove(request, pk):
    attachment = get_object_or_404(Attachment.objects.select_related("post", "post__topic"), pk=pk)
    if attachment.post is None or not access.can_download_attachment(request.user, attachment):
        # A private message's files are not removed (nor are its messages).
        raise Http404
    post = attachment.post
    try:
        attachments.remove(attachment, by=request.user)
    except ForumError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "Attachment removed.")
    return redirect("forum:attachments", pk=post.pk)


@members_only
def download(request, pk):
    """A post's or a private message's file, to whoever forum.access lets have it; a 404 for anyone else."""
    attachment = get_object_or_404(Attachment.objects.select_related("post", "post__topic", "message"), pk=pk)
    if not access.can_download_attachment(request.user, attachment):
        raise Http404
    # Images are shown in the page; PDFs are downloaded rather than opened in the browser's viewer.
    inline = attachment.kind == Attachment.Kind.IMAGE
    try:
        response = protected_files.file_response(
            attachments.attachment_storage(),
            attachment.stored_name,
            content_type=attachment.content_type,
            as_attachment=not inline,
            filename=attachment.display_name,
        )
    except FileNotFoundError:
        raise Http404
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
