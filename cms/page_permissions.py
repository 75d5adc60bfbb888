"""Wagtail's page permission tester, without a query for "may this page be deleted or moved" on a leaf page.

Editors may change pages but not publish them, so for each row of a page
listing Wagtail asks the database twice (the "Delete" and "Move" buttons)
whether the page or any page under it is live: with 50 rows, 100 queries, a
``LIKE`` on the tree path that SQLite cannot serve from the path index, most of
a listing's SQL (see bench/README.md, "Readings behind the code", cms). For a page
with no children the pages in question are the page itself, whose ``live`` and
``owner`` are already loaded: the answer is the same, without the query.
tests/cms/test_admin_listing.py holds it to Wagtail's own answers.
"""

from wagtail.models import PagePermissionTester


class LeafPagePermissionTester(PagePermissionTester):
    def can_delete(self, ignore_bulk=False):
        user, page = self.user, self.page
        if page.numchild or self.page_is_root or not user.is_active or user.is_superuser:
            return super().can_delete(ignore_bulk)
        # Wagtail's branches for a leaf: the "bulk_delete" rule only concerns pages with children.
        if "change" in self.permissions:
            return "publish" in self.permissions or not page.live
        if "add" in self.permissions:
            owned = page.owner_id is not None and page.owner_id == user.pk
            return owned if "publish" in self.permissions else owned and not page.live
        return False
