"""The seed vocabulary from the program's domain notes (domain.md), facet by facet."""

PHASES = [
    "Understanding trafficking",
    "Forming a task force",
    "Operating a task force",
    "Supporting victims",
    "Building strong cases",
]
TRAFFICKING_TYPES = {
    "Sex trafficking of adults": [],
    "Sex trafficking of minors": [],
    "Labor trafficking": [
        "Labor trafficking: agriculture",
        "Labor trafficking: construction",
        "Labor trafficking: domestic work",
        "Labor trafficking: hospitality",
        "Labor trafficking: other",
    ],
}
PRACTICE_AREAS = [
    "Coordination",
    "Proactive investigations",
    "Information sharing",
    "Victim-centered and trauma-informed response",
    "Training",
    "Data collection and analysis",
    "Prosecution and case review",
    "Financial investigation",
    "Labor trafficking investigation",
]
AUDIENCES = [
    "Patrol",
    "Investigators",
    "Leadership",
    "Prosecutors",
    "Victim-service providers",
    "Task force coordinators",
    "Researchers",
]
RESOURCE_TYPES = [
    "Guidebook",
    "Video series",
    "Discussion guide",
    "Tool or checklist",
    "Course",
    "Webinar",
    "Template",
    "Report",
    "External website",
]
CALLOUT_KINDS = ["Smart tip", "Example or case study", "Tool", "Key term"]
