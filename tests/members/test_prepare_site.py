"""`make run`'s preparation: migrate and seed only when something changed, and serve on SITE_URL's port."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Site

from members.demo import DEMO_PASSWORD, email_for
from members.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def dev_settings(settings, tmp_path):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    return settings


def prepare():
    out = StringIO()
    call_command("prepare_site", stdout=out)
    return out.getvalue()


def test_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("prepare_site", stdout=StringIO())
    assert not User.objects.filter(email__endswith="@demo.taskforcecommons.test").exists()


def test_seeds_only_what_changed_and_serves_on_site_url(dev_settings, monkeypatch):
    # One test, so the demo content is loaded from scratch only once.
    dev_settings.SITE_URL = "http://127.0.0.1:8101"
    first = prepare()
    assert "Migrations: nothing to apply." in first
    assert "demo accounts are ready" in first
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == ("127.0.0.1", 8101, "http://127.0.0.1:8101")
    users = User.objects.count()

    second = prepare()
    assert "Demo content: unchanged since it was last loaded." in second
    assert "demo accounts are ready" not in second
    assert DEMO_PASSWORD in second and email_for("member") in second
    assert User.objects.count() == users

    # A database that lost its demo accounts (recreated, or edited by hand) is seeded again.
    User.objects.filter(email=email_for("member")).delete()
    assert "demo accounts are ready" in prepare()
    assert User.objects.filter(email=email_for("member")).exists()

    # Edited demo code (or a new migration) changes the fingerprint: seeded again, once.
    from members.management.commands import prepare_site

    monkeypatch.setattr(prepare_site.Command, "fingerprint", staticmethod(lambda: "demo code edited"))
    assert "demo accounts are ready" in prepare()
    assert "unchanged" in prepare()
