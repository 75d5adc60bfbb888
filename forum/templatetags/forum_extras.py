"""Tags for what moderation adds under a post: its attachments, loaded for the whole page in one query."""

from django import template

from forum.attachments import services as attachments

register = template.Library()


@register.simple_tag(takes_context=True)
def post_attachments(context, post):
    """The post's attachments. The first post asked loads them for every post on the page."""
    if not hasattr(post, "attachment_list"):
        page = [p for p in (context.get("posts") or []) if not hasattr(p, "attachment_list")]
        attachments.for_posts(page if post in page else [*page, post])
    return post.attachment_list
