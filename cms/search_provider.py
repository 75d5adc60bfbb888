"""CMS pages in the site search: practices, resources, evidence briefs and standard pages.

Each live page is indexed with the scope its privacy gives it (cms.access):
"public", "members" (a GROUPS restriction to the Member group), or not at all
(any other restriction). The index follows the page tree as it changes, inside
the same transaction as the change:

- publishing a page (re)indexes it with the content it went live with;
  unpublishing or deleting removes it, and so does saving its row as not live
  by any other path (no draft, scheduled or withdrawn page stays findable);
- a page with an expiry date carries it into the index, and search leaves it
  out from that moment, before the scheduler gets round to unpublishing it;
- moving a page, or changing its slug, re-indexes it and everything under it
  (their URLs change, and a move can change inherited privacy);
- adding, changing or removing a view restriction re-indexes the subtree it covers,
  so a page made members-only leaves anonymous results at once.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_slug_changed, page_unpublished, post_page_move

from cms import access
from cms.models import EvidenceBriefPage, PracticePage, ResourcePage, StandardPage
from cms.models.content import ContentPage
from search.documents import IndexDocument
from search.index import index_documents, remove_document
from search.registry import register_provider

KINDS = {
    "practice": ("Practices", PracticePage),
    "resource": ("Resources", ResourcePage),
    "brief": ("Evidence briefs", EvidenceBriefPage),
    "page": ("Pages", StandardPage),
}
_PREFETCH = {
    PracticePage: ("topics", "audiences"),
    ResourcePage: ("topics", "audiences"),
    EvidenceBriefPage: ("topics", "audiences"),
    StandardPage: (),
}
_SELECT = {ResourcePage: ("resource_type",)}


def page_document(page, restrictions=None) -> IndexDocument | None:
    """The index entry for a live content page, or None if it must not be in search.

    ``page`` must hold the live content: a page row (Wagtail keeps a live page's
    row at its live revision) or the object a publish just saved, never a draft.
    """
    if not page.live or (page.expire_at and page.expire_at <= timezone.now()):
        return None
    scope = access.page_scope(page, restrictions)
    url = page.get_url()
    if scope is None or not url:
        return None
    topics = page.all_term_slugs() if hasattr(page, "all_term_slugs") else ()
    return IndexDocument(
        kind=page.search_kind,
        key=str(page.pk),
        title=page.title,
        text=page.searchable_text(),
        url=url,
        scope=scope,
        topics=tuple(topics),
        updated_at=page.last_published_at,
        expires_at=page.expire_at,
    )


def _documents_for(model):
    def documents():
        restrictions = access.page_restrictions()
        pages = (
            model.objects.live().select_related(*_SELECT.get(model, ())).prefetch_related(*_PREFETCH[model])
        )
        for page in pages.iterator(chunk_size=500):
            doc = page_document(page, restrictions)
            if doc is not None:
                yield doc

    return documents


def index_page(page, restrictions=None):
    doc = page_document(page, restrictions)
    if doc is None:
        remove_document(page.search_kind, page.pk)
    else:
        index_documents([doc])


def reindex_subtree(root):
    """Re-index every content page at or under ``root``: after a move or a privacy change."""
    restrictions = access.page_restrictions()
    for page in Page.objects.descendant_of(root, inclusive=True).specific().iterator(chunk_size=200):
        if isinstance(page, ContentPage):
            index_page(page, restrictions)


def _on_published(sender, instance, **kwargs):
    if isinstance(instance, ContentPage):
        index_page(instance)


def _on_unpublished_or_deleted(sender, instance, **kwargs):
    if isinstance(instance, ContentPage):
        remove_document(instance.search_kind, instance.pk)


def _on_saved(sender, instance, **kwargs):
    # Only ever removes: a saved object may be a draft (save_revision saves the draft object's
    # bookkeeping fields), so what goes in comes from page_published alone.
    if not instance.live:
        remove_document(instance.search_kind, instance.pk)


def _on_moved(sender, instance, **kwargs):
    reindex_subtree(instance)


def _on_restriction_changed(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        reindex_subtree(page)


def _on_restriction_groups_changed(sender, instance, action, **kwargs):
    if action in {"post_add", "post_remove", "post_clear"} and isinstance(instance, PageViewRestriction):
        _on_restriction_changed(sender, instance)


def register():
    for kind, (label, model) in KINDS.items():
        register_provider(kind, _documents_for(model), label=label)
    page_published.connect(_on_published, dispatch_uid="cms_search_published")
    page_unpublished.connect(_on_unpublished_or_deleted, dispatch_uid="cms_search_unpublished")
    for kind, (_label, model) in KINDS.items():
        post_save.connect(_on_saved, sender=model, dispatch_uid=f"cms_search_saved_{kind}")
    post_delete.connect(_on_unpublished_or_deleted, dispatch_uid="cms_search_deleted")
    post_page_move.connect(_on_moved, dispatch_uid="cms_search_moved")
    page_slug_changed.connect(_on_moved, dispatch_uid="cms_search_slug_changed")
    post_save.connect(
        _on_restriction_changed, sender=PageViewRestriction, dispatch_uid="cms_search_restriction"
    )
    post_delete.connect(
        _on_restriction_changed, sender=PageViewRestriction, dispatch_uid="cms_search_restriction_deleted"
    )
    m2m_changed.connect(
        _on_restriction_groups_changed,
        sender=PageViewRestriction.groups.through,
        dispatch_uid="cms_search_restriction_groups",
    )
