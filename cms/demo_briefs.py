"""Two hand-written demo evidence briefs, and the standard pages (About, Partners, Privacy, Contact).

The first brief uses the real HTRS figures from the BJS report; the second is
an illustration of how a task force reads its quarterly performance measures,
and every figure in it is marked illustrative. Its numbers are those of a large task force: a
demo showing counts under 5 would teach the opposite of the suppression rule the site keeps.
``{chart}`` placeholders are replaced by the id of a chart image drawn at seeding time (cms.demo).
"""

from cms.demo_practices import HTRS_REPORT, heading, p, para


def table(rows, caption=""):
    return {
        "data": rows,
        "first_row_is_table_header": True,
        "first_col_is_header": True,
        "table_header_choice": "both",
        "table_caption": caption,
    }


HTRS_ROWS = [
    ["Type of suspected incident", "Share of incidents (%)"],
    ["Sex trafficking", "82"],
    ["Labor trafficking", "11"],
    ["Other or unknown (remainder)", "7"],
]

PERFORMANCE_ROWS = [
    ["Quarter", "Victims identified", "Investigations opened", "Arrests", "People trained"],
    ["Q1", "31", "22", "9", "85"],
    ["Q2", "38", "27", "12", "140"],
    ["Q3", "36", "24", "11", "60"],
    ["Q4", "50", "31", "15", "210"],
]


def htrs_brief(chart_id):
    return {
        "slug": "htrs-suspected-incidents-2008-2010",
        "title": "What task forces reported: suspected trafficking incidents, 2008–2010",
        "summary": (
            "Between January 2008 and June 2010, federally funded task forces opened 2,515 suspected human "
            "trafficking incidents in the Human Trafficking Reporting System. Most, 82%, were sex "
            "trafficking; "
            "11% were labor trafficking."
        ),
        "topics": [
            "data-collection-and-analysis",
            "understanding-trafficking",
            "sex-trafficking-of-adults",
            "labor-trafficking",
        ],
        "audiences": ["researchers", "leadership", "task-force-coordinators"],
        "key_figures": [
            {
                "type": "figure",
                "value": {
                    "value": "2,515",
                    "unit": "incidents",
                    "sentence": "Suspected incidents opened by task forces from January 2008 to June 2010.",
                    "source": HTRS_REPORT[0],
                    "illustrative": False,
                },
            },
            {
                "type": "figure",
                "value": {
                    "value": "82",
                    "unit": "%",
                    "sentence": "Of suspected incidents were classified as sex trafficking.",
                    "source": HTRS_REPORT[0],
                    "illustrative": False,
                },
            },
            {
                "type": "figure",
                "value": {
                    "value": "11",
                    "unit": "%",
                    "sentence": "Of suspected incidents were classified as labor trafficking.",
                    "source": HTRS_REPORT[0],
                    "illustrative": False,
                },
            },
        ],
        "charts": [
            {
                "type": "chart",
                "value": {
                    "title": "Suspected incidents by type, January 2008 to June 2010",
                    "image": chart_id,
                    "alt_text": (
                        "Bar chart: sex trafficking 82% of suspected incidents, labor trafficking 11%, other"
                        " or "
                        "unknown 7%."
                    ),
                    "table": table(HTRS_ROWS),
                    "source": HTRS_REPORT[0] + " The 7% remainder is computed from the two published shares.",
                    "illustrative": False,
                },
            }
        ],
        "narrative": [
            para(
                "The Human Trafficking Reporting System (HTRS) was built by the Bureau of Justice Statistics"
                " for "
                "the task forces funded by the Department of Justice. Each task force recorded the incidents"
                " it "
                "investigated: the suspects, the victims, the agencies involved, whether trafficking was "
                "confirmed, and the type of lead agency."
            ),
            para(
                "Sex trafficking dominated what task forces investigated. That reflects where investigations "
                "began as much as where trafficking happens: labor trafficking is harder to find without "
                "partners such as labor inspectors, and it is under-identified."
            ),
            heading("What this means for task forces", "h3"),
            para(
                "Task forces that want to find labor trafficking need partners and proactive strategies "
                "aimed "
                "at it. Recording how each case began makes that effort measurable."
            ),
        ],
        "method": p(
            "Figures are those published by BJS from HTRS data for incidents opened between January 1, 2008 "
            "and "
            "June 30, 2010. No new analysis was done for this brief; the remainder share is 100% minus the "
            "two "
            "published shares."
        ),
        "data_sources": [
            {
                "type": "source",
                "value": {
                    "name": "Human Trafficking Reporting System (HTRS), as published by BJS",
                    "version": "Incidents opened January 2008 to June 2010; report published April 2011",
                    "url": "https://bjs.ojp.gov/",
                    "description": HTRS_REPORT[0],
                },
            }
        ],
        "limitations": p(
            "HTRS counts suspected incidents that task forces chose to investigate, not all trafficking. "
            "Many "
            "incidents were not confirmed as trafficking. Reporting practices varied between task forces, "
            "and "
            "the data describe 2008 to 2010, not today."
        ),
    }


def performance_brief(chart_id):
    return {
        "slug": "reading-quarterly-performance-measures",
        "title": "Reading your quarterly performance measures: an illustration",
        "summary": (
            "Task forces report victims identified and served, investigations, arrests, prosecutions, "
            "convictions and training every quarter. This brief shows, with illustrative numbers for a "
            "fictional "
            "task force, how to read them together rather than one at a time."
        ),
        "topics": ["data-collection-and-analysis", "operating-a-task-force", "training"],
        "audiences": ["task-force-coordinators", "leadership", "researchers"],
        "key_figures": [
            {
                "type": "figure",
                "value": {
                    "value": "155",
                    "unit": "victims",
                    "sentence": "Identified in a year by the fictional task force in this illustration.",
                    "source": "",
                    "illustrative": True,
                },
            },
            {
                "type": "figure",
                "value": {
                    "value": "1.5",
                    "unit": "victims per investigation",
                    "sentence": "A ratio worth watching: a falling ratio can mean screening has weakened.",
                    "source": "",
                    "illustrative": True,
                },
            },
        ],
        "charts": [
            {
                "type": "chart",
                "value": {
                    "title": "Victims identified and investigations opened, by quarter (illustrative)",
                    "image": chart_id,
                    "alt_text": (
                        "Bar chart of illustrative figures: victims identified rise from 31 in the first "
                        "quarter to "
                        "50 in the fourth; investigations opened rise from 22 to 31."
                    ),
                    "table": table(PERFORMANCE_ROWS),
                    "source": "Illustrative numbers for a fictional task force.",
                    "illustrative": True,
                },
            }
        ],
        "tables": [],
        "narrative": [
            para(
                "Each measure alone says little. Victims identified can rise because a task force trained "
                "patrol "
                "to screen, or because one large case opened. Reading the measures side by side, quarter by "
                "quarter, shows which."
            ),
            heading("Three questions to ask every quarter", "h3"),
            {
                "type": "paragraph",
                "value": (
                    "<ol><li>Did training precede a rise in victims identified one or two quarters "
                    "later?</li>"
                    "<li>How many victims identified were connected to services?</li>"
                    "<li>How many investigations began from proactive leads?</li></ol>"
                ),
            },
        ],
        "method": p(
            "The numbers are invented to show the reasoning; they describe no real task force. A real "
            "analysis "
            "would use the task force's own quarterly reports."
        ),
        "data_sources": [],
        "limitations": p(
            "Illustrative only. Quarterly counts of small numbers move a lot by chance; look at a year or "
            "more "
            "before drawing conclusions, and never publish counts small enough to identify a victim."
        ),
    }


ABOUT_BODY = [
    para(
        "Task Force Commons is the peer-learning and information-sharing platform for the human-trafficking "
        "task forces funded by the Bureau of Justice Assistance (BJA) and the Office for Victims of Crime "
        "(OVC) under the Enhanced Collaborative Model: law enforcement, prosecutors and victim-service "
        "providers working as one team."
    ),
    heading("Training and technical assistance"),
    para(
        "The International Association of Chiefs of Police (IACP) provides the task forces' training and "
        "technical assistance (TTA), funded by BJA under grant 2015-VT-BX-K001. The plan: analyse every task "
        "force's TTA needs, match them with available resources, coordinate targeted TTA, enhance existing "
        "trainings, provide peer-to-peer learning, emphasise evidence-based practices, and stress "
        "collaboration "
        "among partners, data collection and analysis."
    ),
    heading("Why"),
    para(
        "Research on task forces found gaps in coordination, proactive investigative strategies, information "
        "sharing, victim-centered approaches and training. The International Labour Organization has "
        "estimated that up to 21 million people are victims of forced labor worldwide. The practices, "
        "resources and evidence briefs here, and the members' forum, are meant to close those gaps."
    ),
]

PARTNERS_BODY = [
    para("The program works with three partners."),
    heading("Bureau of Justice Assistance (BJA)"),
    para(
        "BJA, part of the Office of Justice Programs, U.S. Department of Justice, funds the task forces and "
        'this program. <a href="https://bja.ojp.gov/">bja.ojp.gov</a>'
    ),
    heading("AEquitas"),
    para(
        "AEquitas is the prosecutors' resource on violence against women, including human trafficking: "
        'training, case consultation and research for prosecutors. <a href="https://aequitasresource.org/">'
        "aequitasresource.org</a>"
    ),
    heading("John Jay College of Criminal Justice"),
    para(
        "The program's research partner, which analyses task force data and writes the evidence briefs. "
        '<a href="https://www.jjay.cuny.edu/">www.jjay.cuny.edu</a>'
    ),
]

PRIVACY_BODY = [
    para(
        "This notice says what Task Force Commons keeps about you and why. It holds no criminal justice "
        "information and nothing that identifies a victim of crime; please never post either."
    ),
    heading("What we keep"),
    {
        "type": "paragraph",
        "value": (
            "<ul><li>For members: your name, agency, task force, role, work phone and email, the reason you "
            "gave "
            "for needing access, your second-factor devices, and what you post.</li>"
            "<li>For everyone: what you send through the contact form, and server logs kept for "
            "security.</li>"
            "<li>A record of sign-ins and account changes, kept at least a year, as federal security policy "
            "requires.</li></ul>"
        ),
    },
    heading("Cookies"),
    para(
        "We set only the cookies the site needs to work: your session when signed in, and a protection "
        "against "
        "cross-site request forgery. No advertising or analytics cookies, and nothing is loaded from other "
        "sites."
    ),
    heading("Questions"),
    para('Write to <a href="mailto:humantrafficking@theiacp.org">humantrafficking@theiacp.org</a>.'),
]

CONTACT_FIELDS = [
    ("Your name", "singleline", True, "", ""),
    ("Email address", "email", True, "", "We reply to this address."),
    ("Agency or organisation", "singleline", False, "", ""),
    (
        "What is it about",
        "dropdown",
        True,
        "Membership\nTraining and technical assistance\nThe website\nSomething else",
        "",
    ),
    (
        "Message",
        "multiline",
        True,
        "",
        "Please do not include case details or anything that identifies a victim.",
    ),
]
