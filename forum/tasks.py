"""Background work for the forum: read positions recorded after the page that moved them was served.

Reading a topic must not write in the request (under load on SQLite that is
what made Spirit fail with "database is locked"). The topic view only enqueues
record_read, on commit, and only when the page moves the member's position
forward; re-reading writes nothing. With the rq backend the enqueue touches
Redis, not the database.
"""

from django.db import transaction
from django_tasks import task

from forum import services


@task()
def record_read(user_id: int, topic_id: int, number: int) -> None:
    services.record_read(user_id, topic_id, number)


def defer_read(user_id: int, topic_id: int, number: int) -> None:
    transaction.on_commit(lambda: record_read.enqueue(user_id, topic_id, number))
