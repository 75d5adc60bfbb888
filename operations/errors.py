"""The refusals of backup and restore, as service errors (config.errors) the commands turn into messages."""

from config.errors import Conflict, ServiceError


class BackupError(ServiceError):
    """A backup could not be written (a dump tool failed, a store could not be read)."""


class DamagedArchive(ServiceError):
    """The archive is missing, unreadable, or a part does not match its checksum; nothing was changed."""


class NotEmpty(Conflict):
    """The database or a file store to restore into already holds data; nothing was changed."""
