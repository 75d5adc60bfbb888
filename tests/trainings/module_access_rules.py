"""Expected responses for roll-call module URLs in the access matrix (tests/test_access_matrix.py).

Module pages and files are for members only: anonymous people log in, pending applicants see
their notice. A draft module, or a guessed id, is a 404 for members; TTA staff preview drafts.
In the Wagtail admin, TTA staff manage modules; nobody, not even a superuser, deletes one.
"""

from tests import access_rules as rules
from tests.factories import ROLES

MEMBERS_404 = {**dict.fromkeys(ROLES, 404), "anonymous": rules.LOGIN, "pending": rules.PENDING}
DRAFT = {**MEMBERS_404, "tta_staff": 200, "superuser": 200}
ADMIN = rules.wagtail_admin_view("tta_staff")
ADMIN_DELETE = {**rules.wagtail_admin_view(), "superuser": 302}
POST_ONLY = dict.fromkeys(ROLES, 405)

PAGES = (
    ("page", ""),
    ("video", "video"),
    ("captions", "captions.vtt"),
    ("transcript", "transcript/"),
    ("facilitator's view", "facilitator/"),
)


def module_url(path, *, published=True):
    """A callable(users) giving ``path`` formatted with the pk of a (draft) module."""

    def build(users):
        from tests.trainings.module_factories import make_module
        from trainings.modules.models import Module

        title = f"Matrix module {'published' if published else 'draft'}"
        module = Module.objects.filter(title=title).first() or make_module(title, published=published)
        return path.format(module=module.pk)

    return build


ROUTES = [
    ("trainings modules", "/trainings/modules/", rules.MEMBERS),
    *(
        (f"trainings module {name}", module_url(f"/trainings/modules/{{module}}/{path}"), rules.MEMBERS)
        for name, path in PAGES
    ),
    *(
        (
            f"trainings draft module {name}",
            module_url(f"/trainings/modules/{{module}}/{path}", published=False),
            DRAFT,
        )
        for name, path in PAGES
    ),
    *(
        (f"trainings nobody's module {name}", f"/trainings/modules/999999/{path}", MEMBERS_404)
        for name, path in PAGES
    ),
    ("trainings module quiz (POST only)", module_url("/trainings/modules/{module}/quiz/"), POST_ONLY),
    ("trainings modules in the admin", "/admin/snippets/trainings/module/", ADMIN),
    ("trainings new module in the admin", "/admin/snippets/trainings/module/add/", ADMIN),
    (
        "trainings edit a module in the admin",
        module_url("/admin/snippets/trainings/module/edit/{module}/"),
        ADMIN,
    ),
    (
        "trainings delete a module in the admin (nobody)",
        module_url("/admin/snippets/trainings/module/delete/{module}/"),
        ADMIN_DELETE,
    ),
]
