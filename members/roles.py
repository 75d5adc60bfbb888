"""The roles people hold, as Django groups, and the role an applicant claims.

Permissions follow the group, never a username. A claimed role is only a hint
for the membership admin, who confirms groups when approving.
"""

from django.db import models

MEMBER = "Member"
MODERATOR = "Moderator"
EDITOR = "Editor"
REVIEWER = "Reviewer"
RESEARCHER = "Researcher"
TTA_STAFF = "TTA staff"
MEMBERSHIP_ADMIN = "Membership admin"

ALL_GROUPS = [MEMBER, MODERATOR, EDITOR, REVIEWER, RESEARCHER, TTA_STAFF, MEMBERSHIP_ADMIN]

# Groups whose holders work in the Wagtail admin.
ADMIN_GROUPS = [MODERATOR, EDITOR, REVIEWER, TTA_STAFF, MEMBERSHIP_ADMIN]


class ClaimedRole(models.TextChoices):
    LAW_ENFORCEMENT = "law_enforcement", "Law enforcement"
    PROSECUTOR = "prosecutor", "Prosecutor"
    VICTIM_SERVICES = "victim_services", "Victim services"
    COORDINATOR = "coordinator", "Task force coordinator"
    RESEARCHER = "researcher", "Researcher"
    OTHER = "other", "Other"


# What the approval screen proposes for each claimed role; the admin decides.
SUGGESTED_GROUPS = {
    ClaimedRole.LAW_ENFORCEMENT: [MEMBER],
    ClaimedRole.PROSECUTOR: [MEMBER],
    ClaimedRole.VICTIM_SERVICES: [MEMBER],
    ClaimedRole.COORDINATOR: [MEMBER],
    ClaimedRole.RESEARCHER: [MEMBER, RESEARCHER],
    ClaimedRole.OTHER: [MEMBER],
}
