"""The default measure set, modelled on the public BJA and OVC task force measures.

Sub-measures break their parent down: the parts of one breakdown (type, age, nationality, court)
add up to at most the parent; a part with no breakdown is at most the parent on its own. Only
aggregate counts: nothing about a case.
"""

from django.db import transaction

DEFAULT_SET_TITLE = "Task force performance measures"

MEASURES = [
    # code, name, definition, parent code, breakdown (parts in one breakdown add up to at most the parent)
    (
        "investigations",
        "Investigations opened",
        "Human trafficking investigations the task force opened this quarter.",
        None,
        "",
    ),
    (
        "investigations-sex",
        "Sex trafficking investigations",
        "Investigations opened for sex trafficking.",
        "investigations",
        "type",
    ),
    (
        "investigations-labor",
        "Labor trafficking investigations",
        "Investigations opened for labor trafficking.",
        "investigations",
        "type",
    ),
    (
        "victims",
        "Victims identified",
        "Victims of human trafficking the task force identified this quarter.",
        None,
        "",
    ),
    (
        "victims-sex",
        "Victims of sex trafficking",
        "Identified victims of sex trafficking.",
        "victims",
        "type",
    ),
    (
        "victims-labor",
        "Victims of labor trafficking",
        "Identified victims of labor trafficking.",
        "victims",
        "type",
    ),
    ("victims-minor", "Minor victims", "Identified victims under 18 when identified.", "victims", "age"),
    ("victims-adult", "Adult victims", "Identified victims 18 or older when identified.", "victims", "age"),
    (
        "victims-us",
        "U.S. citizens and residents",
        "Identified victims who are U.S. citizens or lawful permanent residents.",
        "victims",
        "nationality",
    ),
    (
        "victims-foreign",
        "Foreign nationals",
        "Identified victims who are foreign nationals.",
        "victims",
        "nationality",
    ),
    ("referrals", "Referrals to services", "Referrals of identified victims to victim services.", None, ""),
    ("arrests", "Arrests", "Arrests for human trafficking or related offenses.", None, ""),
    ("charges", "Cases charged", "Cases charged this quarter.", None, ""),
    ("charges-state", "Charged in state court", "Cases charged in state court.", "charges", "court"),
    ("charges-federal", "Charged in federal court", "Cases charged in federal court.", "charges", "court"),
    (
        "charges-trafficking",
        "With trafficking charges",
        "Cases whose charges include a human trafficking offense.",
        "charges",
        "offense",
    ),
    ("convictions", "Convictions", "Convictions this quarter, on any charge, in task force cases.", None, ""),
    ("trainings", "Trainings delivered", "Trainings the task force delivered this quarter.", None, ""),
    ("people-trained", "People trained", "People who attended those trainings.", None, ""),
    ("victims-served", "Victims served", "Victims who received at least one service this quarter.", None, ""),
    # One victim may get several kinds of service: no breakdown, so each alone is at most the total.
    (
        "served-case-management",
        "Case management",
        "Victims served with case management.",
        "victims-served",
        "",
    ),
    (
        "served-housing",
        "Housing",
        "Victims served with emergency or longer-term housing.",
        "victims-served",
        "",
    ),
    ("served-legal", "Legal services", "Victims served with legal services.", "victims-served", ""),
    ("served-medical", "Medical care", "Victims served with medical care.", "victims-served", ""),
    (
        "served-mental-health",
        "Mental health",
        "Victims served with mental health care.",
        "victims-served",
        "",
    ),
    ("served-interpretation", "Interpretation", "Victims served with interpretation.", "victims-served", ""),
]


def create_default_set(MeasureSet, Measure, version=1):
    """Create the default set (model classes passed in, so a data migration can use it)."""
    with transaction.atomic():
        measure_set = MeasureSet.objects.create(version=version, title=DEFAULT_SET_TITLE)
        by_code = {}
        for position, (code, name, definition, parent, breakdown) in enumerate(MEASURES):
            by_code[code] = Measure.objects.create(
                measure_set=measure_set,
                code=code,
                name=name,
                definition=definition,
                parent=by_code.get(parent),
                breakdown=breakdown,
                position=position,
            )
    return measure_set
