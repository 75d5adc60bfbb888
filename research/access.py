"""Who may use the research pages: researchers and TTA staff who are approved members."""

from members import access
from members.roles import RESEARCHER, TTA_STAFF


def can_use_research(user):
    return access.is_member(user) and (access.in_group(user, RESEARCHER) or access.in_group(user, TTA_STAFF))


researchers_only = access.requires(can_use_research, "The research pages are for researchers and TTA staff.")
