"""manage.py rebuild_search_index [--kind KIND]: reindex every kind (or one) from its registered provider."""

import time

from django.core.management.base import BaseCommand, CommandError

from search.index import optimize_index, replace_kind
from search.registry import providers


class Command(BaseCommand):
    help = "Rebuild the site search index from the registered providers."

    def add_arguments(self, parser):
        parser.add_argument("--kind", action="append", help="Only this kind (repeatable), e.g. profile.")

    def handle(self, *args, kind=None, **options):
        registered = providers()
        chosen = kind or list(registered)
        unknown = sorted(set(chosen) - set(registered))
        if unknown:
            raise CommandError(
                f"Unknown kind {', '.join(unknown)}; registered kinds: {', '.join(registered) or 'none'}."
            )
        for name in chosen:
            started = time.monotonic()
            count = replace_kind(name, registered[name].documents())
            self.stdout.write(
                f"{registered[name].label} ({name}): {count} indexed in {time.monotonic() - started:.1f} s"
            )
        optimize_index()
