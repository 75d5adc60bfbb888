"""Demo best-practice articles, written for the program (see domain.md), one of them members-only.

Each entry gives the page fields, taxonomy slugs and body blocks in their raw
StreamField form. ``review_in_days`` sets "next review due" relative to the day
of seeding (a negative number is overdue), so the "Due for review" report has
something to show.
"""

EGUIDE = (
    "Office for Victims of Crime Training and Technical Assistance Center. Human Trafficking Task Force "
    "e-Guide.",
    "https://www.ovcttac.gov/taskforceguide/eguide/",
)
IACP_GUIDEBOOK = (
    "International Association of Chiefs of Police. Human Trafficking Law Enforcement Training Guidebook.",
    "https://www.theiacp.org/",
)
HTRS_REPORT = (
    "Banks, D., and Kyckelhahn, T. (2011). Characteristics of Suspected Human Trafficking Incidents, "
    "2008–2010. Bureau of Justice Statistics Special Report, NCJ 233732.",
    "https://bjs.ojp.gov/",
)
HOTLINE = ("National Human Trafficking Hotline (formerly NHTRC).", "https://humantraffickinghotline.org/")


def p(*paragraphs):
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def para(*paragraphs):
    return {"type": "paragraph", "value": p(*paragraphs)}


def heading(text, level="h2"):
    return {"type": "heading", "value": {"text": text, "level": level}}


def callout(kind, title, *paragraphs):
    return {"type": kind, "value": {"title": title, "body": p(*paragraphs)}}


def key_term(term, definition):
    return {"type": "key_term", "value": {"term": term, "definition": p(definition)}}


def bullets(*items):
    return {"type": "paragraph", "value": "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"}


def cite(*refs):
    return [{"type": "citation", "value": {"text": text, "url": url}} for text, url in refs]


PRACTICES = [
    {
        "slug": "one-page-legal-definitions",
        "title": "Start from a shared definition: federal and state law on one page",
        "summary": (
            "Partners who use different definitions of trafficking miss cases. Put the federal definition, "
            "your "
            "state statute and the elements each requires on one page, and train every partner on it."
        ),
        "evidence_level": "expert_consensus",
        "topics": ["understanding-trafficking", "training", "sex-trafficking-of-adults", "labor-trafficking"],
        "audiences": ["patrol", "investigators", "leadership"],
        "review_in_days": 240,
        "body": [
            para(
                "Patrol officers, detectives, prosecutors and advocates often carry different ideas of what "
                "trafficking is. One thinks of border crossings, another of prostitution, a third of wage "
                "theft. "
                "The result is that cases are screened out before anyone who knows the law sees them."
            ),
            heading("What to put on the page"),
            bullets(
                "The federal definition: force, fraud or coercion to obtain labor, services or a commercial "
                "sex "
                "act, and for anyone under 18, any commercial sex act, with no need to prove force, fraud or"
                " coercion.",
                "Your state's trafficking statute and its elements, side by side with the federal ones.",
                "The related state offenses prosecutors use when trafficking cannot be charged.",
                "Who to call, day and night, when an officer suspects trafficking.",
            ),
            callout(
                "smart_tip",
                "Keep it to one page",
                "Officers read what fits on a clipboard. Put the detail in the task force manual and link to"
                " it.",
            ),
            key_term(
                "Trafficking and smuggling",
                "Smuggling is a crime against a border: moving someone across it illegally, usually with "
                "their "
                "consent. Trafficking is a crime against a person: exploiting them for labor or sex. It "
                "needs no "
                "border crossing, and a smuggled person can become a trafficking victim.",
            ),
        ],
        "citations": cite(EGUIDE, IACP_GUIDEBOOK),
    },
    {
        "slug": "memorandum-of-understanding",
        "title": "Build the task force on a written memorandum of understanding",
        "summary": (
            "A memorandum of understanding (MOU) signed by each partner's leadership says who does what, who "
            "shares what and how disagreements are settled, and it outlasts changes of staff."
        ),
        "evidence_level": "expert_consensus",
        "topics": ["forming-a-task-force", "coordination"],
        "audiences": ["leadership", "task-force-coordinators"],
        "review_in_days": -12,
        "body": [
            para(
                "Task forces are built on relationships, and relationships leave when people do. An MOU "
                "turns "
                "the working agreement into something the next chief, sheriff or executive director inherits."
            ),
            heading("What a useful MOU covers"),
            bullets(
                "The task force's purpose and the kinds of trafficking it works on.",
                "Each partner's role, and the staff time it commits.",
                "How cases are referred, deconflicted and assigned a lead agency.",
                "How victims are connected to services, and who pays for what.",
                "What information is shared, with whom, and under which confidentiality rules.",
                "How the MOU is reviewed, and how a partner leaves.",
            ),
            callout(
                "tool",
                "MOU checklist",
                "The OVC TTAC e-Guide's section on forming a task force lists the elements partners most "
                "often "
                "agree on. Walk through it at a leadership meeting before drafting.",
            ),
            callout(
                "case_study",
                "When a co-lead changes (a composite example)",
                "When one demo task force's police co-lead retired, the MOU named the unit, not the person, "
                "so "
                "the new commander took the seat at the next meeting and referrals did not stop.",
            ),
        ],
        "citations": cite(EGUIDE),
    },
    {
        "slug": "co-leadership-law-enforcement-victim-services",
        "title": "Co-lead the task force: law enforcement and victim services side by side",
        "summary": (
            "The Enhanced Collaborative Model pairs a law enforcement lead with a victim-service lead. Give "
            "both "
            "real authority over the agenda, the case list and the budget."
        ),
        "evidence_level": "promising",
        "topics": ["forming-a-task-force", "coordination", "victim-centered-and-trauma-informed-response"],
        "audiences": ["leadership", "victim-service-providers", "task-force-coordinators"],
        "review_in_days": 300,
        "body": [
            para(
                "BJA and OVC fund task forces as one team: law enforcement, prosecutors and victim-service "
                "providers. Where the victim-service lead only receives referrals, victims drop out of cases"
                " and "
                "investigators lose the witnesses they need."
            ),
            heading("Signs the partnership is working"),
            bullets(
                "Advocates are called before the first interview, not after the arrest.",
                "Both leads set the agenda of the regular task force meeting.",
                "Service needs are reviewed in the same meeting as investigative progress.",
            ),
            callout(
                "smart_tip",
                "Meet where the work happens",
                "Alternate the meeting between the police station and the service provider's office.",
            ),
        ],
        "citations": cite(EGUIDE),
    },
    {
        "slug": "proactive-investigations",
        "title": "Proactive investigations: from tips to planned operations",
        "summary": (
            "Waiting for victims to come forward finds few cases. Proactive work, such as reviewing online "
            "advertisements, following up hotline tips and working related offenses, finds more, provided "
            "victim services are ready before the operation."
        ),
        "evidence_level": "promising",
        "topics": [
            "operating-a-task-force",
            "proactive-investigations",
            "sex-trafficking-of-adults",
            "sex-trafficking-of-minors",
        ],
        "audiences": ["investigators", "leadership"],
        "review_in_days": 180,
        "body": [
            para(
                "Research on task forces found that a lack of proactive investigative strategies was one of "
                "the "
                "most common gaps. Most cases still begin with a reactive report."
            ),
            heading("Sources of proactive leads"),
            bullets(
                "Online commercial sex advertisements, reviewed for indicators of control or of minors.",
                "Tips from the National Human Trafficking Hotline and NCMEC's CyberTipline.",
                "Related investigations: drugs, gangs, labor and wage complaints, code enforcement.",
                "Patrol contacts where screening questions raised concern.",
            ),
            heading("Before any operation", "h3"),
            bullets(
                "Victim-service partners know the date and have shelter, interpreters and medical care "
                "ready.",
                "The plan says how people encountered will be screened as possible victims, not only as "
                "suspects.",
                "Prosecutors have reviewed the plan for the evidence they will need.",
            ),
            callout(
                "smart_tip",
                "Count what you find",
                "Record how each case began. After a year you will know which sources of leads pay off.",
            ),
        ],
        "citations": cite(EGUIDE, IACP_GUIDEBOOK),
    },
    {
        "slug": "screen-for-trafficking-on-patrol",
        "title": "Screen for trafficking at every commercial sex and labor complaint",
        "summary": (
            "A few standard screening questions asked at every commercial sex arrest and labor complaint "
            "turn "
            "routine calls into identified victims. Train patrol to ask them and to call the task force."
        ),
        "evidence_level": "expert_consensus",
        "topics": [
            "understanding-trafficking",
            "proactive-investigations",
            "sex-trafficking-of-minors",
            "labor-trafficking",
        ],
        "audiences": ["patrol", "investigators"],
        "review_in_days": 150,
        "body": [
            para(
                "Patrol officers meet trafficking victims long before detectives do, but often as suspects "
                "in "
                "prostitution, as runaways or as workers in a dispute with an employer."
            ),
            heading("Questions that open the door"),
            bullets(
                "Can you leave your job or this place if you want to?",
                "Who holds your identification documents?",
                "Do you owe money to the person you work for?",
                "Has anyone threatened you or your family?",
                "Where do you sleep, and who decides?",
            ),
            callout(
                "smart_tip",
                "Any minor in commercial sex is a victim",
                "Under federal law no force, fraud or coercion needs to be shown for a person under 18. "
                "Treat "
                "them as a victim and call NCMEC and the task force.",
            ),
            key_term(
                "Indicator",
                "A sign that trafficking may be present, such as someone else holding a worker's documents. "
                "One "
                "indicator is not proof; several together are a reason to call the task force.",
            ),
        ],
        "citations": cite(IACP_GUIDEBOOK, HOTLINE),
    },
    {
        "slug": "deconfliction-and-shared-case-list",
        "title": "Share information safely: deconfliction and a common case list",
        "summary": (
            "Partners working the same suspects without knowing it waste effort and put victims at risk. A "
            "deconfliction routine and a shared list of open cases prevent it."
        ),
        "evidence_level": "expert_consensus",
        "topics": ["operating-a-task-force", "information-sharing", "coordination"],
        "audiences": ["investigators", "task-force-coordinators", "leadership"],
        "review_in_days": 20,
        "body": [
            para(
                "Information sharing was among the gaps research found most often in task forces. The fix is "
                "rarely technology; it is a routine every partner follows."
            ),
            heading("A routine that works"),
            bullets(
                "Every new target is checked with the regional deconfliction system before operations.",
                "The coordinator keeps one list of open cases: lead agency, status, victim services engaged.",
                "The list is reviewed at every task force meeting, in a closed session if needed.",
                "The MOU says what may be shared with non-law-enforcement partners, and how.",
            ),
            key_term(
                "Deconfliction",
                "Checking, before acting, whether another agency is already investigating the same person, "
                "place or phone number, so operations do not collide.",
            ),
            callout(
                "smart_tip",
                "Never put victim details on this site",
                "Task Force Commons holds no criminal justice information and nothing that identifies a "
                "victim. "
                "Use your agencies' own systems for case data.",
            ),
        ],
        "citations": cite(EGUIDE),
    },
    {
        "slug": "trauma-informed-victim-interviews",
        "title": "Trauma-informed victim interviews",
        "summary": (
            "Trauma changes how people remember and tell what happened. Interviews planned with advocates, "
            "held "
            "somewhere safe and paced by the victim produce better accounts and keep victims engaged."
        ),
        "evidence_level": "promising",
        "topics": [
            "supporting-victims",
            "victim-centered-and-trauma-informed-response",
            "building-strong-cases",
        ],
        "audiences": ["investigators", "victim-service-providers", "prosecutors"],
        "review_in_days": 330,
        "body": [
            para(
                "A victim who seems inconsistent, flat or hostile in a first interview is often reacting to "
                "trauma, fear of the trafficker or fear of the authorities. None of that means they are "
                "lying."
            ),
            heading("Plan the interview together"),
            bullets(
                "An advocate meets the victim first and explains their role and rights.",
                "Basic needs come first: food, rest, medical care, an interpreter who is not connected to "
                "the suspect.",
                "Expect several shorter interviews rather than one long one.",
                "Record consistently, and tell the prosecutor early about inconsistencies and why they "
                "arise.",
            ),
            callout(
                "case_study",
                "A second interview (a composite example)",
                "A worker who said little on the night of a raid gave a detailed account two weeks later, "
                "after "
                "housing was arranged and she had met the prosecutor with her advocate present.",
            ),
        ],
        "citations": cite(EGUIDE, IACP_GUIDEBOOK),
    },
    {
        "slug": "follow-the-money",
        "title": "Follow the money: financial investigation in trafficking cases",
        "summary": (
            "Trafficking is done for profit. Financial records corroborate victims' accounts, identify other "
            "victims and support forfeiture, so cases rely less on a victim's testimony alone."
        ),
        "evidence_level": "expert_consensus",
        "topics": [
            "building-strong-cases",
            "financial-investigation",
            "sex-trafficking-of-adults",
            "labor-trafficking",
        ],
        "audiences": ["investigators", "prosecutors"],
        "review_in_days": 270,
        "body": [
            para(
                "Prosecutions that rest on one victim's testimony are fragile. Money leaves a trail: "
                "payments "
                "for advertisements, hotel rooms, transfers, payroll records that do not match hours worked."
            ),
            heading("Where to look"),
            bullets(
                "Payment records for online advertisements and hotel rooms.",
                "Money transfer services and prepaid cards.",
                "Payroll, recruitment fees and deductions in labor cases.",
                "Assets bought with proceeds, for forfeiture and restitution.",
            ),
            callout(
                "tool",
                "Ask for a financial investigator at the start",
                "Bring a financial investigator or analyst into the case at the first planning meeting, not "
                "after arrest.",
            ),
        ],
        "citations": cite(IACP_GUIDEBOOK),
    },
    {
        "slug": "labor-trafficking-in-agriculture",
        "title": "Labor trafficking in agriculture: work with labor inspectors and worker organizations",
        "summary": (
            "Labor trafficking cases in farm work rarely start with a police report. Partnerships with labor "
            "inspectors, worker organizations and health outreach workers bring them to light."
        ),
        "evidence_level": "emerging",
        "topics": [
            "operating-a-task-force",
            "labor-trafficking-investigation",
            "labor-trafficking",
            "labor-trafficking-agriculture",
        ],
        "audiences": ["investigators", "leadership", "victim-service-providers"],
        "review_in_days": 200,
        "body": [
            para(
                "Most task force cases are sex trafficking cases; labor trafficking is under-identified. "
                "Farm "
                "workers may be isolated, in debt to a recruiter, housed by the employer and unsure of their "
                "immigration status."
            ),
            heading("Partners to bring in"),
            bullets(
                "State and federal labor inspectors, who can enter workplaces and review payroll.",
                "Worker centers and farmworker organizations, whom workers already trust.",
                "Migrant health outreach programs.",
                "Consular offices, when workers are foreign nationals.",
            ),
            callout(
                "smart_tip",
                "Screen wage complaints",
                "Agree with labor inspectors that complaints involving debts, confiscated documents or "
                "threats "
                "are referred to the task force.",
            ),
        ],
        "citations": cite(EGUIDE),
    },
    {
        "slug": "quarterly-case-review",
        "title": "Quarterly case review with prosecutors and service providers",
        "summary": (
            "A structured quarterly review of every open case, with prosecutors and victim services at the "
            "table, catches stalled cases and unmet victim needs early. Includes our meeting template."
        ),
        "evidence_level": "expert_consensus",
        "topics": ["building-strong-cases", "prosecution-and-case-review", "coordination"],
        "audiences": ["prosecutors", "investigators", "victim-service-providers", "task-force-coordinators"],
        "review_in_days": 365,
        "members_only": True,
        "body": [
            para(
                "This practice is for members only because it describes how task forces review open cases. "
                "Keep case details in your agencies' systems; the review itself uses case numbers only."
            ),
            heading("The agenda"),
            bullets(
                "Each open case: status, next investigative step, charging decision expected.",
                "Each victim connected to the case: services in place, needs unmet, safety concerns.",
                "Cases to close, and what was learned from them.",
            ),
            callout(
                "tool",
                "Meeting template",
                "Download the case review meeting template below and adapt it to your MOU's confidentiality "
                "rules.",
            ),
        ],
        "citations": cite(EGUIDE),
    },
    {
        "slug": "collect-incident-data",
        "title": "Collect the data you will need: consistent incident records",
        "summary": (
            "Task forces report performance quarterly and many once reported incidents to the BJS Human "
            "Trafficking Reporting System. Recording the same fields for every incident from day one makes "
            "both easy."
        ),
        "evidence_level": "expert_consensus",
        "topics": ["operating-a-task-force", "data-collection-and-analysis"],
        "audiences": ["task-force-coordinators", "researchers", "leadership"],
        "review_in_days": 220,
        "body": [
            para(
                "The Human Trafficking Reporting System (HTRS) was built for DOJ-funded task forces. Between "
                "January 2008 and June 2010 they recorded 2,515 suspected incidents: 82% were classified as "
                "sex "
                "trafficking and 11% as labor trafficking."
            ),
            heading("Fields to record for every incident"),
            bullets(
                "How the case began (reactive report or proactive lead) and the lead agency type.",
                "Whether trafficking was confirmed, and by what stage.",
                "Victims: age band, sex, citizenship, services provided (never names).",
                "Suspects: arrest, charge, adjudication, sentence.",
            ),
            callout(
                "smart_tip",
                "Aggregate before you share",
                "Share counts, not records, outside your agencies, and suppress small counts that could "
                "identify someone.",
            ),
        ],
        "citations": cite(HTRS_REPORT),
    },
]
