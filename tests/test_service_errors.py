"""One convention for service errors (config.errors): each app's refusals are ServiceErrors.

Views catch ServiceError (or a narrower class) and show ``str(error)``, a message for the
person; a NotPermitted left uncaught is a 403. The apps' own names stay, so their callers
still catch them. (TTA's errors are tta's own move, in its services split.)
"""

import pytest
from django.core.exceptions import PermissionDenied

from config.errors import Conflict, NotPermitted, ServiceError
from forum.attachments.services import AttachmentRefused
from forum.moderation.services import ModerationError
from forum.services import ForumError, NotAllowed, PrivacyCheck
from research.datasets import UploadError
from research.publishing import PublishingError
from research.registry import ParameterError


@pytest.mark.parametrize(
    "error, kind",
    [
        (ForumError, ServiceError),
        (NotAllowed, NotPermitted),
        (PrivacyCheck, ForumError),
        (AttachmentRefused, ForumError),
        (ModerationError, ServiceError),
        (PublishingError, ServiceError),
        (UploadError, ServiceError),
        (ParameterError, ServiceError),
    ],
)
def test_each_apps_refusal_is_a_service_error(error, kind):
    assert issubclass(error, kind)
    assert issubclass(error, ServiceError)


def test_the_message_is_for_the_person_and_may_name_a_field():
    error = ForumError("Add a title.", field="title")
    assert str(error) == "Add a title." and error.field == "title"
    assert str(ModerationError("Pick another category.")) == "Pick another category."


def test_a_refusal_of_permission_is_also_a_403():
    assert issubclass(NotAllowed, PermissionDenied)
    assert not issubclass(Conflict, PermissionDenied)


def test_research_refusals_are_still_value_errors_for_their_older_callers():
    assert issubclass(UploadError, ValueError) and issubclass(ParameterError, ValueError)
    assert str(UploadError("The file is empty.")) == "The file is empty."
