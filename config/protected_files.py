"""Responses that send a protected file: streamed by Django, or handed to nginx.

Every view that sends a file from the protected storage (config.storage) has
checked access first; it then asks file_response() for the response. By default
that is a FileResponse, so a Python worker streams the file. With
PROTECTED_MEDIA_ACCEL_PREFIX set (e.g. "/_protected/", an nginx ``internal``
location aliased to PROTECTED_MEDIA_ROOT; see deploy/nginx/commons.conf), the
response is empty and carries ``X-Accel-Redirect``: nginx sends the file, ranges
included, and a large download no longer holds a worker. Files the storage
cannot name on local disk (an object store) are always streamed.

``sendfile`` is the same choice for Wagtail's document view (SENDFILE_BACKEND).
"""

import os
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header


def accel_enabled() -> bool:
    return bool(getattr(settings, "PROTECTED_MEDIA_ACCEL_PREFIX", ""))


def _accel_uri(local_path: str) -> str | None:
    """The internal URI nginx serves ``local_path`` at, or None if it is outside PROTECTED_MEDIA_ROOT."""
    if not accel_enabled():
        return None
    root = os.path.realpath(settings.PROTECTED_MEDIA_ROOT)
    real = os.path.realpath(local_path)
    # Only files under the protected root: nginx's location aliases that folder and no other.
    if os.path.commonpath([root, real]) != root or real == root:
        return None
    relative = os.path.relpath(real, root).replace(os.sep, "/")
    return settings.PROTECTED_MEDIA_ACCEL_PREFIX.rstrip("/") + "/" + quote(relative)


def _local_path(storage, name: str) -> str | None:
    try:
        return storage.path(name)
    except NotImplementedError:  # no local file (an object store): stream it
        return None


def _accel_response(uri: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content_type=content_type)
    response["X-Accel-Redirect"] = uri
    return response


def file_response(storage, name: str, *, content_type: str, as_attachment: bool = False, filename: str = ""):
    """The response sending ``name`` from ``storage``; FileNotFoundError if there is no such file."""
    if not name:  # an empty FileField: the storage would resolve it to its own folder
        raise FileNotFoundError("no file")
    local = _local_path(storage, name) if accel_enabled() else None
    uri = _accel_uri(local) if local else None
    if uri is None:
        handle = storage.open(name, "rb")
        return FileResponse(handle, content_type=content_type, as_attachment=as_attachment, filename=filename)
    if not os.path.isfile(local):
        raise FileNotFoundError(name)
    response = _accel_response(uri, content_type)
    # As FileResponse would say it: nginx keeps the upstream's Content-Disposition.
    disposition = content_disposition_header(as_attachment, filename) if (as_attachment or filename) else None
    if disposition:
        response["Content-Disposition"] = disposition
    return response


def sendfile(request, filename, **kwargs):
    """SENDFILE_BACKEND for Wagtail's document view: X-Accel-Redirect when enabled, else streamed."""
    uri = _accel_uri(filename)
    if uri is None:
        from wagtail.utils import sendfile_streaming_backend

        return sendfile_streaming_backend.sendfile(request, filename, **kwargs)
    return _accel_response(uri, kwargs.get("mimetype") or "application/octet-stream")
