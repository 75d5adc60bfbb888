"""The forum demo content loads once, through the real services, and respects category permissions."""

import io

import pytest

from forum import access, demo
from forum.models import Category, Topic
from members import demo as members_demo
from members.models import User

pytestmark = pytest.mark.django_db


def test_demo_forum_is_idempotent_and_keeps_the_prosecutors_category_private():
    out = io.StringIO()
    members_demo.seed(out)
    demo.seed(out)
    topics = Topic.objects.count()
    assert topics >= 30 and Category.objects.count() == len(demo.CATEGORIES)
    assert Topic.objects.filter(accepted_post__isnull=False).exists()
    assert Topic.objects.filter(reply_count__gt=0).exists()
    demo.seed(out)
    assert Topic.objects.count() == topics
    prosecutors = Category.objects.get(slug="prosecutors")
    member = User.objects.get(email=members_demo.email_for("member"))
    prosecutor = User.objects.get(email=members_demo.email_for("prosecutor"))
    assert not Topic.objects.visible_to(member).filter(category=prosecutors).exists()
    assert Topic.objects.visible_to(prosecutor).filter(category=prosecutors).count() == 2
    assert access.can_read_category(prosecutor, prosecutors)
