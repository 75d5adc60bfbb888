"""Completed roll-call modules in a member's training record (trainings.record_entries).

Imported by ``TrainingsConfig.ready`` so the source is registered once. Only a completion,
written when the member passed the quiz, makes an entry; its hours are those of the module
when it was completed.
"""

from trainings.modules.models import ModuleCompletion
from trainings.record_entries import RecordEntry, record_source


@record_source
def completed_modules(member) -> list[RecordEntry]:
    if not getattr(member, "pk", None):
        return []
    completions = (
        ModuleCompletion.objects.filter(member=member).select_related("module").order_by("-completed_at")
    )
    return [
        RecordEntry(
            kind="module",
            key=f"module:{completion.module_id}",
            title=completion.module.title,
            hours=completion.hours,
            completed_at=completion.completed_at,
        )
        for completion in completions
    ]
