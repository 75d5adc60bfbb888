"""A fingerprint of the site's data, to compare before a backup and after its restore.

For every table its row count and, for the tables of models, a SHA-256 over a sample of rows
(the first and last ``sample`` by primary key); for every file store its file count, size, a hash
over every name and size, and a SHA-256 over the content of a sample of files (evenly spaced by
name). The audit rows of backups and restores are left out: taking and restoring a backup adds
them, and they are not the site's content. The drill and tests/operations use it.
"""

import hashlib
import json

from django.apps import apps
from django.db import connections

from members.models import AuditEvent
from operations import database
from operations.stores import file_stores

# Audit rows a backup or a restore writes after the dump was taken.
OPERATIONS_ACTIONS = [AuditEvent.Action.BACKUP, AuditEvent.Action.BACKUP_FAILED, AuditEvent.Action.RESTORED]


def fingerprint(sample: int = 100) -> dict:
    return {"tables": table_fingerprint(sample), "files": file_fingerprint(sample)}


def table_fingerprint(sample: int = 100) -> dict[str, dict]:
    connection = connections["default"]
    models = {model._meta.db_table: model for model in apps.get_models(include_auto_created=True)}
    result = {}
    for table in database.table_names():
        model = models.get(table)
        if model is None:
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
                result[table] = {"rows": cursor.fetchone()[0]}
            continue
        rows = model._base_manager.all()
        if model is AuditEvent:
            rows = rows.exclude(action__in=OPERATIONS_ACTIONS)
        concrete = model._meta.concrete_fields
        fields = [field.attname for field in concrete]
        first = list(rows.order_by("pk").values_list(*fields)[:sample])
        last = list(rows.order_by("-pk").values_list(*fields)[:sample])
        result[table] = {"rows": rows.count(), "sample_sha256": _rows_sha256(concrete, first + last)}
    return result


def _rows_sha256(fields, rows) -> str:
    """A hash of rows as the database stores them: each value through its field's get_prep_value.

    Not their Python repr: a StreamField's value is an object whose repr names where it lives in
    memory, so two reads of the same rows hashed differently.
    """
    stored = [[field.get_prep_value(value) for field, value in zip(fields, row, strict=True)] for row in rows]
    return hashlib.sha256(json.dumps(stored, default=str, sort_keys=True).encode()).hexdigest()


def file_fingerprint(sample: int = 100) -> dict[str, dict]:
    result = {}
    for store in file_stores():
        names = list(store.names())
        listing = hashlib.sha256()
        total = 0
        for name in names:
            size = store.storage.size(name)
            total += size
            listing.update(f"{size} {name}\n".encode())
        step = max(1, len(names) // sample) if sample else len(names) + 1
        content = hashlib.sha256()
        for name in names[::step][:sample]:
            content.update(f"{name}\n".encode())
            with store.storage.open(name, "rb") as stored:
                for chunk in iter(lambda: stored.read(1024 * 1024), b""):
                    content.update(chunk)
        result[store.part] = {
            "files": len(names),
            "bytes": total,
            "listing_sha256": listing.hexdigest(),
            "sample_sha256": content.hexdigest(),
        }
    return result
