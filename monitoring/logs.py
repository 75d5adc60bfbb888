"""Log records as one JSON object a line, each with the request id of the request or task."""

from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

from monitoring.context import request_id


class RequestIdFilter:
    """Adds ``request_id`` to every record (``-`` outside a request or a request's task)."""

    def filter(self, record):
        if not hasattr(record, "request_id"):
            record.request_id = request_id.get()
        return True


class JsonFormatter(_JsonFormatter):
    """python-json-logger's formatter with the fields operators search by."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        # ISO 8601 in UTC, whatever TIME_ZONE says: log lines from every node sort together.
        kwargs.setdefault("timestamp", "time")
        super().__init__(*args, **kwargs)
