"""The vetting set-up: the "Best-practice review" workflow, role permissions on pages and media,
and the "Members only" collection restricted to the Member group.

- Editors may add and edit pages under the home page and upload images and
  documents; they have no publish permission anywhere, so every page they
  write reaches the public through a reviewer.
- Reviewers approve (or request changes) in the "Reviewer approval" task and
  may also publish, lock and unlock.
- The workflow is assigned to the home page, so practices, briefs, resources
  and standard pages are all reviewed.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

MP_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4

PAGE_PERMISSIONS = {
    "Editor": ["add_page", "change_page"],
    "Reviewer": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
MEDIA_PERMISSIONS = {
    "Editor": [
        ("wagtailimages", "add_image"),
        ("wagtailimages", "change_image"),
        ("wagtailimages", "choose_image"),
        ("wagtaildocs", "add_document"),
        ("wagtaildocs", "change_document"),
        ("wagtaildocs", "choose_document"),
    ],
}
MEDIA_PERMISSIONS["Reviewer"] = MEDIA_PERMISSIONS["Editor"]


def _next_child_path(parent, children):
    last = children.order_by("-path").values_list("path", flat=True).first()
    if last is None:
        return parent.path + "1".rjust(STEPLEN, "0")
    step = last[-STEPLEN:]
    number = 0
    for char in step:
        number = number * len(MP_ALPHABET) + MP_ALPHABET.index(char)
    number += 1
    digits = ""
    while number:
        number, rem = divmod(number, len(MP_ALPHABET))
        digits = MP_ALPHABET[rem] + digits
    return parent.path + digits.rjust(STEPLEN, "0")


def set_up(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Collection = apps.get_model("wagtailcore", "Collection")
    CollectionViewRestriction = apps.get_model("wagtailcore", "CollectionViewRestriction")
    GroupCollectionPermission = apps.get_model("wagtailcore", "GroupCollectionPermission")
    GroupPagePermission = apps.get_model("wagtailcore", "GroupPagePermission")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    Page = apps.get_model("wagtailcore", "Page")
    HomePage = apps.get_model("cms", "HomePage")

    member = Group.objects.get(name="Member")
    reviewer = Group.objects.get(name="Reviewer")

    # The members-only collection.
    root = Collection.objects.get(depth=1)
    members_only = Collection.objects.filter(depth=2, name="Members only").first()
    if members_only is None:
        children = Collection.objects.filter(depth=2, path__startswith=root.path)
        members_only = Collection.objects.create(
            name="Members only", path=_next_child_path(root, children), depth=2, numchild=0
        )
        root.numchild = Collection.objects.filter(depth=2).count()
        root.save(update_fields=["numchild"])
    if not CollectionViewRestriction.objects.filter(collection=members_only).exists():
        restriction = CollectionViewRestriction.objects.create(collection=members_only, restriction_type="groups")
        restriction.groups.add(member)

    for group_name, perms in MEDIA_PERMISSIONS.items():
        group = Group.objects.get(name=group_name)
        for app_label, codename in perms:
            permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            GroupCollectionPermission.objects.get_or_create(group=group, collection=root, permission=permission)

    home = Page.objects.get(pk=HomePage.objects.order_by("pk").values_list("pk", flat=True).first())
    for group_name, codenames in PAGE_PERMISSIONS.items():
        group = Group.objects.get(name=group_name)
        for codename in codenames:
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=group, page=home, permission=permission)

    task_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    task = GroupApprovalTask.objects.filter(name="Reviewer approval").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="Reviewer approval", content_type=task_type, active=True)
    task.groups.set([reviewer])
    workflow, created = Workflow.objects.get_or_create(name="Best-practice review", defaults={"active": True})
    if created:
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=home, defaults={"workflow": workflow})


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0003_pages_media"),
        ("members", "0002_roles"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtailimages", "0027_image_description"),
        ("wagtaildocs", "0014_alter_document_file_size"),
    ]
    operations = [migrations.RunPython(set_up, migrations.RunPython.noop)]
