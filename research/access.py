"""Who may use the research pages: researchers and TTA staff who are approved members.

Every research view, file download and action asks here. Datasets may hold
sensitive victim data, so nobody else sees them, their files, runs or results.
"""

from members import access
from members.roles import RESEARCHER, TTA_STAFF


def can_use_research(user):
    return access.is_member(user) and (access.in_group(user, RESEARCHER) or access.in_group(user, TTA_STAFF))


def can_run_notebooks(user):
    return can_use_research(user)


def can_view_run(user, run):
    return can_use_research(user)


def can_cancel_run(user, run):
    return can_use_research(user) and run.is_active


def can_view_dataset(user, dataset):
    return can_use_research(user)


def can_upload_dataset(user):
    return can_use_research(user)


def can_publish_brief(user, run):
    # Researchers draft briefs; the review workflow decides what is published.
    return can_use_research(user) and run.status == run.Status.SUCCEEDED


researchers_only = access.requires(can_use_research, "The research pages are for researchers and TTA staff.")
