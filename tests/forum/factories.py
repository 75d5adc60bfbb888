"""Forum test data: categories built directly, topics and replies written through forum.services."""

import factory
from django.contrib.auth.models import Group

from forum import services
from forum.access import PROSECUTORS
from forum.models import Category, CategoryPermission, Topic, forum_vocabulary


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    description = "Where task forces compare notes."


def prosecutors_category(**kwargs):
    """A category only the Prosecutors group may see."""
    category = CategoryFactory(name="Prosecutors", slug="prosecutors", **kwargs)
    CategoryPermission.objects.create(category=category, group=Group.objects.get(name=PROSECUTORS))
    return category


DEFAULT_BODY = "We are starting **joint interviews** with victim services. What worked for you?"


def a_tag(slug=None):
    """A current term of the forum's vocabulary (subjects, not CMS resource types)."""
    terms = forum_vocabulary()
    return terms.get(slug=slug) if slug else terms.order_by("pk").first()


def start_topic(
    author,
    category,
    *,
    kind=Topic.Kind.QUESTION,
    title="How do you run a joint interview?",
    body=None,
    tags=None,
):
    return services.start_topic(
        by=author,
        category=category,
        kind=kind,
        title=title,
        body=DEFAULT_BODY if body is None else body,
        tags=[a_tag()] if tags is None else tags,
    )


def reply(topic, author, body="We schedule them with the advocate present from the start."):
    return services.reply(topic, by=author, body=body)


def matrix_topic(users, *, prosecutors_only=False):
    """A topic for the access matrix: the "member" role's, in an open or a prosecutors-only category."""
    slug = "matrix-prosecutors" if prosecutors_only else "matrix-open"
    category, created = Category.objects.get_or_create(slug=slug, defaults={"name": slug.replace("-", " ")})
    if created and prosecutors_only:
        CategoryPermission.objects.create(category=category, group=Group.objects.get(name=PROSECUTORS))
    existing = Topic.objects.filter(category=category).first()
    if existing:
        return existing
    author = users["moderator"] if prosecutors_only else users["member"]
    # The matrix reuses one user object for the whole module while each test
    # rolls its category back; on PostgreSQL the next category gets a new key,
    # so forget the per-request access worked out for the previous one.
    author.__dict__.pop("_forum_access_cache", None)
    return start_topic(author, category)


def matrix_url(pattern, *, prosecutors_only=False):
    """A callable the access matrix resolves per role: pattern is formatted with topic, post and tag."""

    def url(users):
        topic = matrix_topic(users, prosecutors_only=prosecutors_only)
        post = topic.posts.get(number=1)
        return pattern.format(
            topic=topic.pk, post=post.pk, tag=topic.tags.first().slug, category=topic.category.slug
        )

    return url
