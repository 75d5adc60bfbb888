"""A task queued during a request logs with that request's id.

On enqueue the request id is kept in the shared cache under the task's id; when a
worker starts the task (django-tasks' task_started signal, sent by the RQ, the
database and the immediate backends) it is read back into the context the log
filter reads, and cleared when the task finishes.
"""

from django.core.cache import cache
from django_tasks.signals import task_enqueued, task_finished, task_started

from monitoring.context import request_id

KEY = "monitoring:task-request:{}"
# Long enough for a queue that is backed up for a day; the key is small.
TTL_SECONDS = 60 * 60 * 24
_tokens: dict = {}


def _enqueued(sender, task_result, **kwargs):
    rid = request_id.get()
    if rid != "-":
        cache.set(KEY.format(task_result.id), rid, TTL_SECONDS)


def _started(sender, task_result, **kwargs):
    rid = cache.get(KEY.format(task_result.id))
    if rid:
        _tokens[task_result.id] = request_id.set(rid)


def _finished(sender, task_result, **kwargs):
    token = _tokens.pop(task_result.id, None)
    if token is not None:
        try:
            request_id.reset(token)
        except ValueError:  # set in another context (a thread the backend used): just clear
            request_id.set("-")
    cache.delete(KEY.format(task_result.id))


def connect():
    task_enqueued.connect(_enqueued, dispatch_uid="monitoring-enqueued")
    task_started.connect(_started, dispatch_uid="monitoring-started")
    task_finished.connect(_finished, dispatch_uid="monitoring-finished")
