"""Demo resource library: every IACP and external resource domain.md names, with type, audience, topics, link.

Links are the organisations' public home pages (no tracking parameters), except
where the resource has a stable page of its own. Discussion questions marked as
ours were written for Task Force Commons; the series' own come with the series.
"""

ROLL_CALL_QUESTIONS = [
    "What did you see in this segment that you could meet on your own beat?",
    "Which indicators of control did the officers notice, and which did they miss?",
    "Who would you call first on our task force, day or night?",
    "How would you keep a possible victim safe while you wait for the task force?",
    "What would you say differently to someone who does not see themselves as a victim?",
]

FACES_EPISODES = [
    (
        "An introduction to human trafficking",
        [
            "How does the video's definition of trafficking compare with the one your agency uses?",
            "Where in our area could trafficking be hidden in plain sight?",
        ],
    ),
    (
        "Sex trafficking",
        [
            "What made the victims in the video reluctant to ask for help?",
            "How do we make sure a person arrested for prostitution is screened as a possible victim?",
        ],
    ),
    (
        "Labor trafficking",
        [
            "Which industries in our region rely on workers who could be exploited in this way?",
            "Which partner outside law enforcement is most likely to hear of these cases first?",
        ],
    ),
    (
        "The role of law enforcement",
        [
            "What does a victim-centered investigation change about the first hours of a case?",
            "How do our officers connect a victim to services before the first interview?",
        ],
    ),
    (
        "The role of prosecutors",
        [
            "What evidence would corroborate a victim's account so the case does not rest on testimony "
            "alone?",
            "When should prosecutors join the case?",
        ],
    ),
    (
        "Victim services",
        [
            "Which needs come first for a victim in the first 72 hours?",
            "What does our task force do when a victim does not want to take part in the case?",
        ],
    ),
]


def _episode(title, questions, summary="", url=""):
    return {
        "type": "episode",
        "value": {"title": title, "summary": summary, "url": url, "questions": questions},
    }


RESOURCES = [
    # --- IACP -------------------------------------------------------------------------------
    {
        "slug": "iacp-law-enforcement-training-guidebook",
        "title": "Human Trafficking Law Enforcement Training Guidebook",
        "publisher": "International Association of Chiefs of Police (IACP)",
        "type": "guidebook",
        "link_url": "https://www.theiacp.org/",
        "summary": (
            "IACP's guidebook for training officers to recognise and respond to human trafficking, from "
            "indicators at first contact to working with victim-service partners."
        ),
        "description": (
            "<p>Use it to build roll-call and in-service training, and as the reference for the task force's "
            "shared definitions. Search for the guidebook's title on the IACP site.</p>"
        ),
        "topics": ["understanding-trafficking", "training"],
        "audiences": ["patrol", "investigators", "leadership"],
    },
    {
        "slug": "iacp-roll-call-training-videos",
        "title": "Roll Call Training Video Series with Discussion Questions",
        "publisher": "International Association of Chiefs of Police (IACP)",
        "type": "video-series",
        "link_url": "https://www.theiacp.org/",
        "summary": (
            "Short IACP videos made to be shown at roll call, each followed by discussion questions, so a "
            "sergeant can run a ten-minute training on trafficking."
        ),
        "description": (
            "<p>The series comes with its own discussion questions from IACP. Below are further questions, "
            "written by Task Force Commons staff, that work after any video in the series.</p>"
        ),
        "episodes": [
            _episode(
                "After any video in the series",
                ROLL_CALL_QUESTIONS,
                summary="Questions written by Task Force Commons staff for roll-call discussion.",
            )
        ],
        "topics": ["understanding-trafficking", "training", "proactive-investigations"],
        "audiences": ["patrol", "leadership"],
    },
    {
        "slug": "iacp-child-sex-trafficking-tools",
        "title": "Child Sex Trafficking Tools for Law Enforcement",
        "publisher": "International Association of Chiefs of Police (IACP)",
        "type": "tool-or-checklist",
        "link_url": "https://www.theiacp.org/",
        "summary": (
            "IACP tools to help officers identify and respond to the commercial sexual exploitation of "
            "children, including what to do when a minor is found in commercial sex."
        ),
        "topics": ["sex-trafficking-of-minors", "proactive-investigations", "supporting-victims"],
        "audiences": ["patrol", "investigators"],
    },
    {
        "slug": "iacp-training-key-human-trafficking-update",
        "title": "Training Key: Human Trafficking Update",
        "publisher": "International Association of Chiefs of Police (IACP)",
        "type": "discussion-guide",
        "link_url": "https://www.theiacp.org/",
        "access_note": "Available to IACP members only.",
        "summary": (
            "An IACP Training Key, the association's short training publication with review questions, on "
            "recent developments in human trafficking law and practice."
        ),
        "topics": ["understanding-trafficking", "training"],
        "audiences": ["patrol", "investigators", "leadership"],
    },
    # --- External ---------------------------------------------------------------------------
    {
        "slug": "faces-of-human-trafficking",
        "title": "Faces of Human Trafficking video series",
        "publisher": "Office for Victims of Crime (OVC)",
        "type": "video-series",
        "link_url": "https://ovc.ojp.gov/",
        "summary": (
            "OVC's video series on human trafficking for law enforcement, prosecutors, service providers and "
            "the public, in which survivors and practitioners describe sex and labor trafficking."
        ),
        "description": (
            "<p>The series and its discussion guide are published by OVC. The episodes below follow the "
            "series' subjects; the questions were written by Task Force Commons staff for task force "
            "meetings.</p>"
        ),
        "episodes": [_episode(title, questions) for title, questions in FACES_EPISODES],
        "topics": [
            "understanding-trafficking",
            "supporting-victims",
            "sex-trafficking-of-adults",
            "labor-trafficking",
        ],
        "audiences": ["patrol", "investigators", "prosecutors", "victim-service-providers"],
    },
    {
        "slug": "ovc-ttac-task-force-e-guide",
        "title": "Human Trafficking Task Force e-Guide",
        "publisher": "OVC Training and Technical Assistance Center (OVC TTAC)",
        "type": "guidebook",
        "link_url": "https://www.ovcttac.gov/taskforceguide/eguide/",
        "summary": (
            "The online guide to forming and running an anti-trafficking task force, in five parts: "
            "understanding human trafficking, forming a task force, operating a task force, supporting "
            "victims and building strong cases."
        ),
        "description": (
            "<p>Its smart tips, examples, tools and key terms are the call-out kinds our practice pages "
            "use.</p>"
        ),
        "topics": [
            "understanding-trafficking",
            "forming-a-task-force",
            "operating-a-task-force",
            "supporting-victims",
            "building-strong-cases",
        ],
        "audiences": ["task-force-coordinators", "leadership", "investigators", "victim-service-providers"],
    },
    {
        "slug": "ncmec",
        "title": "National Center for Missing & Exploited Children (NCMEC)",
        "publisher": "National Center for Missing & Exploited Children",
        "type": "external-website",
        "link_url": "https://www.missingkids.org/",
        "summary": (
            "The national clearinghouse on missing and exploited children. Its CyberTipline takes reports of "
            "child sexual exploitation; it supports law enforcement on cases of child sex trafficking."
        ),
        "topics": ["sex-trafficking-of-minors", "supporting-victims"],
        "audiences": ["patrol", "investigators", "victim-service-providers"],
    },
    {
        "slug": "national-human-trafficking-resource-center",
        "title": "National Human Trafficking Resource Center (NHTRC)",
        "publisher": "National Human Trafficking Hotline",
        "type": "external-website",
        "link_url": "https://humantraffickinghotline.org/",
        "summary": (
            "The national hotline, open 24 hours a day: 1-888-373-7888, or text “BeFree” to 233733. It "
            "connects "
            "victims to services and passes tips on; it is not a law enforcement or immigration authority."
        ),
        "topics": ["supporting-victims", "information-sharing"],
        "audiences": ["victim-service-providers", "patrol", "task-force-coordinators"],
    },
    {
        "slug": "ovc-ttac",
        "title": "OVC Training and Technical Assistance Center",
        "publisher": "Office for Victims of Crime",
        "type": "external-website",
        "link_url": "https://www.ovcttac.gov/",
        "summary": (
            "OVC's training and technical assistance center: courses, webinars and consultants for victim "
            "service providers and allied professionals, including on human trafficking."
        ),
        "topics": ["training", "supporting-victims"],
        "audiences": ["victim-service-providers", "task-force-coordinators"],
    },
    {
        "slug": "state-human-smuggling-and-trafficking-center",
        "title": "Human Smuggling and Trafficking Center",
        "publisher": "U.S. Department of State",
        "type": "external-website",
        "link_url": "https://www.state.gov/",
        "summary": (
            "An interagency center that brings together federal agencies' intelligence and law enforcement "
            "information on human smuggling, human trafficking and criminal support for terrorist travel."
        ),
        "topics": ["information-sharing", "understanding-trafficking"],
        "audiences": ["investigators", "leadership"],
    },
    {
        "slug": "state-office-to-monitor-and-combat-trafficking",
        "title": "Office to Monitor and Combat Trafficking in Persons",
        "publisher": "U.S. Department of State",
        "type": "external-website",
        "link_url": "https://www.state.gov/",
        "summary": (
            "The State Department office that leads U.S. global engagement against trafficking in persons "
            "and publishes the annual Trafficking in Persons Report."
        ),
        "topics": ["understanding-trafficking", "data-collection-and-analysis"],
        "audiences": ["leadership", "researchers"],
    },
    {
        "slug": "dhs-blue-campaign",
        "title": "Blue Campaign",
        "publisher": "U.S. Department of Homeland Security",
        "type": "external-website",
        "link_url": "https://www.dhs.gov/blue-campaign",
        "summary": (
            "DHS's national public awareness campaign on human trafficking, with free training and awareness "
            "materials for law enforcement and the public."
        ),
        "topics": ["understanding-trafficking", "training"],
        "audiences": ["patrol", "leadership", "task-force-coordinators"],
    },
    {
        "slug": "ice-human-trafficking",
        "title": "ICE: human trafficking investigations and the HSI Tip Line",
        "publisher": "U.S. Immigration and Customs Enforcement",
        "type": "external-website",
        "link_url": "https://www.ice.gov/",
        "summary": (
            "Homeland Security Investigations investigates trafficking and supports victims. Its tip line "
            "takes reports 24 hours a day in more than 300 languages: 1-866-347-2423."
        ),
        "topics": ["proactive-investigations", "labor-trafficking", "information-sharing"],
        "audiences": ["investigators", "patrol"],
    },
    {
        "slug": "hhs-rescue-and-restore",
        "title": "Campaign to Rescue and Restore Victims of Human Trafficking",
        "publisher": "U.S. Department of Health and Human Services",
        "type": "external-website",
        "link_url": "https://www.acf.hhs.gov/otip",
        "summary": (
            "HHS's campaign to help health, social service and community workers identify and assist victims "
            "of trafficking. HHS's anti-trafficking work is now led by its Office on Trafficking in Persons."
        ),
        "topics": ["supporting-victims", "victim-centered-and-trauma-informed-response"],
        "audiences": ["victim-service-providers"],
    },
    {
        "slug": "upper-midwest-community-policing-institute",
        "title": "Upper Midwest Community Policing Institute (UMCPI)",
        "publisher": "Upper Midwest Community Policing Institute",
        "type": "course",
        "link_url": "",
        "access_note": "Ask the program team (humantrafficking@theiacp.org) about UMCPI course offerings.",
        "summary": (
            "A regional training institute that has delivered human trafficking courses for law enforcement "
            "and community partners."
        ),
        "topics": ["training"],
        "audiences": ["patrol", "investigators", "leadership"],
    },
]
