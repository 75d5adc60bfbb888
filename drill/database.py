"""What the drill reads back from its own PostgreSQL, with plain SQL (psycopg, Django's driver):
a run's state while the load runs, and at the end the stored replies by marker, the topics'
and categories' counters with their rows, and the killed run. Each call opens its own short
connection, so a PostgreSQL restart in between costs nothing but a retry."""

import re
import time
from collections import Counter

import psycopg
from psycopg.rows import dict_row

MARKER = re.compile(r"drillmark[a-z]{14}")


class Database:
    def __init__(self, port: int, name: str = "drill"):
        self.conninfo = f"host=127.0.0.1 port={port} user=postgres dbname={name} connect_timeout=3"

    def rows(self, sql, params=()):
        with psycopg.connect(self.conninfo, row_factory=dict_row) as conn:
            return conn.execute(sql, params).fetchall()

    def run_state(self, run_id: int) -> dict | None:
        try:
            found = self.rows(
                "SELECT id, status, process_group, worker_pid, error_class, host "
                "FROM research_run WHERE id = %s",
                (run_id,),
            )
        except psycopg.Error:
            return None  # the database is restarting: ask again
        return found[0] if found else None

    def wait_for_run(self, run_id, statuses, timeout) -> dict | None:
        deadline = time.monotonic() + timeout
        state = None
        while time.monotonic() < deadline:
            state = self.run_state(run_id)
            if state and state["status"] in statuses:
                return state
            time.sleep(1)
        return state

    def retried(self, run_id: int) -> int | None:
        """A later run of the same notebook and parameters (a retry), if any."""
        found = self.rows(
            "SELECT b.id FROM research_run a JOIN research_run b ON b.notebook_path = a.notebook_path "
            "AND b.parameters_json = a.parameters_json AND b.id > a.id WHERE a.id = %s ORDER BY b.id LIMIT 1",
            (run_id,),
        )
        return found[0]["id"] if found else None

    def stored_markers(self) -> Counter:
        stored = Counter()
        for row in self.rows("SELECT body_markdown FROM forum_post WHERE body_markdown LIKE '%%drillmark%%'"):
            stored.update(MARKER.findall(row["body_markdown"]))
        return stored

    def forum(self) -> tuple[list[dict], list[dict]]:
        """Every topic with its posts, every category with its topics (the checks' input)."""
        posts = self.rows(
            "SELECT id, topic_id, number, created_at, is_hidden, is_deleted, awaiting_approval "
            "FROM forum_post"
        )
        topics = self.rows(
            "SELECT id, category_id, reply_count, last_post_number, last_post_id, last_post_at, is_deleted, "
            "awaiting_approval FROM forum_topic"
        )
        categories = self.rows("SELECT id, slug, topic_count, post_count, last_post_at FROM forum_category")
        by_topic = {t["id"]: {**t, "posts": []} for t in topics}
        for post in posts:
            by_topic[post["topic_id"]]["posts"].append(post)
        by_category = {c["id"]: {**c, "topics": []} for c in categories}
        for topic in by_topic.values():
            by_category[topic["category_id"]]["topics"].append(topic)
        return list(by_topic.values()), list(by_category.values())
