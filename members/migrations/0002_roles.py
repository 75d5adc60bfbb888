"""Create the role groups and give each its permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN_ACCESS = ("wagtailadmin", "access_admin")

GROUP_PERMISSIONS = {
    "Member": [],
    "Moderator": [ADMIN_ACCESS],
    "Editor": [ADMIN_ACCESS],
    "Reviewer": [ADMIN_ACCESS],
    "Researcher": [],
    "TTA staff": [
        ADMIN_ACCESS,
        ("taxonomy", "add_term"),
        ("taxonomy", "change_term"),
    ],
    "Membership admin": [
        ADMIN_ACCESS,
        ("members", "review_applications"),
        ("members", "view_auditevent"),
        ("members", "view_accountlock"),
        ("members", "add_taskforce"),
        ("members", "change_taskforce"),
        ("members", "view_taskforce"),
    ],
}


def create_groups(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, perms in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        for app_label, codename in perms:
            perm = Permission.objects.get(content_type__app_label=app_label, codename=codename)
            group.permissions.add(perm)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("taxonomy", "0002_seed_vocabulary"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]
    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
