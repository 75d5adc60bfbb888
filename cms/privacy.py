"""Keeping page privacy and asset privacy in step.

A members-only page may only use images and documents from a members-only
collection, and a public page only public ones: otherwise a members-only
picture would sit on a public page (a leak), or a public page would show
members a broken image. The admin page form asks :func:`asset_conflicts`
before saving, and :func:`apply_visibility` turns the editor's choice into the
page's Wagtail view restriction (GROUPS, the Member group).
"""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from modelcluster.models import ClusterableModel, get_all_child_relations
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import BaseViewRestriction, PageViewRestriction

from cms import access
from cms.media import is_draft_media
from members.roles import MEMBER

PUBLIC = "public"
MEMBERS = "members"
VISIBILITY_CHOICES = [
    (PUBLIC, "Everyone: anyone on the web can read it"),
    (MEMBERS, "Members only: approved task force members"),
]


def _references(obj):
    """(model, primary key) of everything ``obj`` refers to, from its fields and child objects.

    What Wagtail's reference index records for an object, read through public
    APIs only: foreign keys, each field's ``extract_references`` (StreamField,
    rich text: the method Wagtail documents for custom blocks), and the rows of
    its child relations (inline panels), recursively. The page is read as it is
    in memory, so an unsaved draft is checked before it is saved.
    """
    for field in obj._meta.get_fields():
        if field.is_relation and field.many_to_one and field.concrete:
            value = field.value_from_object(obj)
            if value is not None:
                yield field.related_model, value
        elif hasattr(field, "extract_references"):
            value = field.value_from_object(obj)
            if value is not None:
                for model, pk, _model_path, _content_path in field.extract_references(value):
                    yield model, pk
    if isinstance(obj, ClusterableModel):
        for relation in get_all_child_relations(obj):
            for child in getattr(obj, relation.get_accessor_name()).all():
                yield from _references(child)


def _ids_of(references, model):
    ids = set()
    for referenced, pk in references:
        if issubclass(model, referenced) or issubclass(referenced, model):
            try:
                ids.add(model._meta.pk.to_python(pk))
            except ValidationError:
                continue  # a stale or malformed reference names no asset
    return ids


def referenced_assets(page):
    """The images and documents a page uses, anywhere: fields, StreamField blocks, rich-text links."""
    image_model, document_model = get_image_model(), get_document_model()
    references = list(_references(page))
    image_ids, document_ids = _ids_of(references, image_model), _ids_of(references, document_model)
    images = (
        list(image_model.objects.filter(pk__in=image_ids).select_related("collection")) if image_ids else []
    )
    documents = (
        list(document_model.objects.filter(pk__in=document_ids).select_related("collection"))
        if document_ids
        else []
    )
    return images, documents


def asset_conflicts(page, members_only):
    """Messages naming each asset whose collection disagrees with the page's privacy; empty if none."""
    images, documents = referenced_assets(page)
    if not images and not documents:
        return []
    restricted = access.restricted_collection_paths()
    problems = []
    for kind, assets in (("image", images), ("document", documents)):
        for asset in assets:
            if is_draft_media(asset.collection):
                continue  # a draft's media follow the page's privacy when it is published
            asset_members_only = access.collection_is_members_only(asset.collection, restricted)
            if members_only and not asset_members_only:
                problems.append(
                    f"The {kind} “{asset.title}” is in the public collection “{asset.collection.name}”, "
                    f"but this page is members-only. Move it to the “{access.MEMBERS_ONLY_COLLECTION}” "
                    "collection or choose another."
                )
            elif not members_only and asset_members_only:
                problems.append(
                    f"The {kind} “{asset.title}” is members-only, but this page is public: "
                    "visitors would not be able to see it. Choose a public one."
                )
    return problems


def own_members_restriction(page):
    """The GROUPS restriction to the Member group set on this page itself, if any."""
    if not page.pk:
        return None
    return (
        PageViewRestriction.objects.filter(
            page=page, restriction_type=BaseViewRestriction.GROUPS, groups__name=MEMBER
        )
        .distinct()
        .first()
    )


def inherited_restriction_page(page, parent=None):
    """The nearest ancestor whose restriction covers this page, or None."""
    path = page.path or (parent.path + "0000" if parent else "")
    if not path:
        return None
    covering = (
        PageViewRestriction.objects.filter(page__depth__lt=len(path) // 4)
        .select_related("page")
        .order_by("-page__depth")
    )
    for restriction in covering:
        if path.startswith(restriction.page.path) and restriction.page.path != page.path:
            return restriction.page
    return None


@transaction.atomic
def apply_visibility(page, visibility):
    """Make the page's own restriction match the editor's choice. Inherited privacy is left alone."""
    existing = own_members_restriction(page)
    if visibility == MEMBERS and existing is None:
        restriction = PageViewRestriction.objects.create(
            page=page, restriction_type=BaseViewRestriction.GROUPS
        )
        restriction.groups.set([Group.objects.get(name=MEMBER)])
    elif visibility == PUBLIC and existing is not None:
        existing.delete()


def subtree_conflicts(root, restricted_here):
    """Asset conflicts across ``root`` and the pages under it if ``root``'s own restriction changed.

    ``restricted_here`` says whether ``root`` will carry a restriction of its own.
    A page under it is restricted afterwards if that holds, or if any other
    restriction (an ancestor's, its own, one in between) still covers it. Both
    the live page and its latest draft are checked, since publishing the draft
    later must not bring a conflict back.
    """
    from cms.models.content import ContentPage

    # Whatever restriction root has now is what the dialog replaces; every other one stays.
    restricted_paths = [r.path for r in access.page_restrictions() if r.path != root.path]
    problems = []
    for page in root.get_descendants(inclusive=True).specific().iterator(chunk_size=200):
        if not isinstance(page, ContentPage):
            continue
        restricted = restricted_here or any(page.path.startswith(path) for path in restricted_paths)
        versions = [page]
        if page.has_unpublished_changes and page.latest_revision_id:
            versions.append(page.get_latest_revision_as_object())
        found = {}  # the live page and its draft often share assets: name each problem once
        for version in versions:
            found.update(dict.fromkeys(asset_conflicts(version, restricted)))
        problems.extend(f"“{page.title}”: {problem}" for problem in found)
    return problems
