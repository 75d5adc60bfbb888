"""Temporary: proves the role fixtures load (replaced by tests/test_access_matrix.py)."""

import pytest

from tests.factories import ROLES


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_members_directory(role, role_users, db, client_for):
    response = client_for(role_users[role]).get("/members/")
    expected = {"anonymous": 302, "pending": 302}.get(role, 200)
    assert response.status_code == expected
