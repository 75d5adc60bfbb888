"""``manage.py purge_public_cache [PAGE_ID ...]``: drop the stored copies of public pages.

Publishing, unpublishing, moving, deleting and privacy changes purge by
themselves (cms.public_cache); run this after a deploy that changed templates
or static files, so no visitor gets a copy rendered by the old code. Page ids
are accepted for the record: a page that no longer exists is reported, not an
error, and every copy is dropped either way (see cms.public_cache on why).
"""

from django.core.management.base import BaseCommand
from wagtail.models import Page

from cms import public_cache


class Command(BaseCommand):
    help = "Drop every stored copy of the public pages (anonymous visitors' cache)."

    def add_arguments(self, parser):
        parser.add_argument("page_ids", nargs="*", type=int, help="pages that changed (optional)")

    def handle(self, *args, page_ids=(), **options):
        found = set(Page.objects.filter(pk__in=page_ids).values_list("pk", flat=True))
        for missing in sorted(set(page_ids) - found):
            self.stdout.write(f"No page {missing}: it was deleted or never existed.")
        public_cache.purge()
        self.stdout.write("Purged the public page cache.")
