"""Evidence briefs get their own workflow, "Evidence brief review", instead of the "Best-practice review".

Same single step as the practices' workflow ("Reviewer approval", the Reviewer
group); only its name, which reviewers see in the editor, their emails and the
dashboard, now says what is being reviewed. Assigned to every existing brief
index page; a brief index created later gets it on creation (cms.review).
"""

from django.db import migrations

BRIEF_WORKFLOW = "Evidence brief review"
TASK = "Reviewer approval"


def set_up(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Page = apps.get_model("wagtailcore", "Page")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")

    workflow, created = Workflow.objects.get_or_create(name=BRIEF_WORKFLOW, defaults={"active": True})
    task = GroupApprovalTask.objects.filter(name=TASK).first()
    if created and task is not None:
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    brief_index = ContentType.objects.filter(app_label="cms", model="briefindexpage").first()
    if brief_index is None:
        return
    for page in Page.objects.filter(content_type=brief_index):
        WorkflowPage.objects.update_or_create(page=page, defaults={"workflow": workflow})


def tear_down(apps, schema_editor):
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")
    WorkflowPage.objects.filter(workflow__name=BRIEF_WORKFLOW).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0007_rdata_brief_suppression_confirmed"),
    ]
    operations = [migrations.RunPython(set_up, tear_down)]
