"""Places where other apps add to CMS pages without the CMS importing them.

The forum (or any app) registers Wagtail hooks in its ``wagtail_hooks.py``;
each returns a list of dicts with at least ``title`` and ``url`` (optionally
``summary``, ``when``, ``kind_label``). The CMS calls them only for people who
may see members-only content, and renders a section only if a hook returned
something. Hooks:

- ``cms_recent_activity(user)``: the home page's "Recent forum activity" for members.
- ``cms_related_threads(page, user)``: threads related to a practice.
- ``cms_topic_items(term, user)``: what else is tagged with a topic, on /topics/<slug>/.

For example, in forum/wagtail_hooks.py::

    @hooks.register("cms_recent_activity")
    def recent_threads(user):
        return [{"title": t.title, "url": t.get_absolute_url(), "when": t.last_posted_at}
                for t in Thread.objects.visible_to(user).recent()[:5]]
"""

from wagtail import hooks

from cms import access

RECENT_ACTIVITY_LIMIT = 5


def _collect(hook_name, *args, user, limit=None):
    if not access.can_view_members_only(user):
        return []
    items = []
    for fn in hooks.get_hooks(hook_name):
        items.extend(item for item in fn(*args, user) or () if item.get("title") and item.get("url"))
    return items[:limit] if limit else items


def recent_activity(user):
    return _collect("cms_recent_activity", user=user, limit=RECENT_ACTIVITY_LIMIT)


def related_threads(page, user):
    return _collect("cms_related_threads", page, user=user)


def topic_items(term, user):
    return _collect("cms_topic_items", term, user=user)
