"""The data migration that gave expertise one home (forum 0015, 0016): every declaration made on the
forum's own table (forum.Expertise) or on the profile (User.expertise) is kept, once.

It runs the real migrations: back to before them, rows of both kinds written, then forward again.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from members.models import User
from taxonomy.models import Term
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [("forum", "0014_notification_accepted_kind")]
AFTER = [("forum", "0016_delete_expertise")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def _declared() -> set[tuple[int, int]]:
    return set(User.expertise.through.objects.values_list("user_id", "term_id"))


def test_forward_keeps_the_union_of_both_declarations_and_backward_restores_the_forum_rows():
    old_apps = _migrate(BEFORE)
    try:
        OldExpertise = old_apps.get_model("forum", "Expertise")
        both, forum_only, profile_only = (UserFactory() for _ in range(3))
        a, b, c = Term.objects.order_by("pk")[:3]
        # On the profile: both members share a term with the forum table, one term each besides.
        both.expertise.add(a, b)
        profile_only.expertise.add(c)
        for user, term in [(both, a), (both, c), (forum_only, b)]:
            OldExpertise.objects.create(user_id=user.pk, term_id=term.pk)

        new_apps = _migrate(AFTER)

        assert _declared() == {
            (both.pk, a.pk),
            (both.pk, b.pk),
            (both.pk, c.pk),
            (forum_only.pk, b.pk),
            (profile_only.pk, c.pk),
        }
        assert User.expertise.through.objects.filter(user=both, term=a).count() == 1
        with pytest.raises(LookupError):
            new_apps.get_model("forum", "Expertise")
        assert "forum_expertise" not in connection.introspection.table_names()

        # Backwards, the forum's table is rebuilt from the one declaration.
        old_apps = _migrate(BEFORE)
        OldExpertise = old_apps.get_model("forum", "Expertise")
        assert set(OldExpertise.objects.values_list("user_id", "term_id")) == _declared()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
