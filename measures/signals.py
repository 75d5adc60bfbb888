"""Suggestions of TTA drawn from a task force's accepted figures: a few plain rules, never a score.

Each rule looks at the task force's most recent accepted quarters (within the last
``LOOKBACK`` reporting periods, so an old report never raises a signal today) and, when it
holds, says in plain words what it saw and which quarters it is based on, and names the TTA
topic to ask for. Measures may not import the TTA app: the suggestion links to its request
form by URL only (the form has no way to preselect a topic, so the topic is named in words).
"""

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from measures.trends import accepted_figures, recent_periods

LOOKBACK = 8
TTA_REQUEST_URL = "/tta/requests/new/"


@dataclass(frozen=True)
class Rule:
    slug: str
    title: str
    topic: str  # a TTA request topic, as the request form lists it
    quarters: int  # how many of the latest accepted quarters the rule needs
    codes: tuple[str, ...]
    holds: Callable[[dict[str, int]], bool]  # one quarter's figures -> does the rule hold there
    reason: str  # "{who}" and "{quarters}" (the quarters it is based on) are filled in


RULES = (
    Rule(
        "labor-trafficking",
        "Consider TTA on labor trafficking investigations",
        "Labor trafficking investigation",
        4,
        ("investigations-labor",),
        lambda f: f["investigations-labor"] == 0,
        "{who} reported no labor trafficking investigations in each of its last four "
        "accepted quarters ({quarters}). Labor trafficking is often missed rather than absent: "
        "TTA can help recognize it and open cases.",
    ),
    Rule(
        "victim-services",
        "Consider TTA on coordinating with victim services",
        "Victim-centered and trauma-informed response",
        2,
        ("victims", "referrals"),
        lambda f: f["victims"] > 0 and f["referrals"] == 0,
        "{who} identified victims but reported no referrals to services in each of its "
        "last two accepted quarters ({quarters}). TTA can help set up referral paths with "
        "victim-service providers.",
    ),
    Rule(
        "training",
        "Consider TTA on delivering training",
        "Training",
        4,
        ("trainings",),
        lambda f: f["trainings"] == 0,
        "{who} reported no trainings delivered in each of its last four accepted "
        "quarters ({quarters}). TTA can help plan training for partners and the community.",
    ),
)
CODES = sorted({code for rule in RULES for code in rule.codes})


@dataclass(frozen=True)
class Signal:
    rule: Rule
    quarters: tuple[str, ...]  # oldest first

    @property
    def title(self) -> str:
        return self.rule.title

    @property
    def reason(self) -> str:
        """In the task force's own words ("Your task force ...")."""
        return self.rule.reason.format(who="Your task force", quarters=_and(self.quarters))

    @property
    def staff_reason(self) -> str:
        """As staff read it, about the task force named above it."""
        return self.rule.reason.format(who="The task force", quarters=_and(self.quarters))

    @property
    def topic(self) -> str:
        return self.rule.topic

    @property
    def request_url(self) -> str:
        return TTA_REQUEST_URL


def _and(items) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def evaluate(quarters: list[tuple[str, dict[str, int]]]) -> list[Signal]:
    """The signals raised by one task force's accepted quarters, given oldest first as (label, figures)."""
    found = []
    for rule in RULES:
        usable = [(label, f) for label, f in quarters if all(code in f for code in rule.codes)]
        latest = usable[-rule.quarters :]
        if len(latest) == rule.quarters and all(rule.holds(f) for _, f in latest):
            found.append(Signal(rule, tuple(label for label, _ in latest)))
    return found


def _by_task_force(periods, task_force_id=None) -> dict[int, list[tuple[str, dict[str, int]]]]:
    figures: dict[int, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(dict))
    for task_force, period_id, code, value in accepted_figures(
        periods, task_force_id=task_force_id, codes=CODES
    ):
        figures[task_force][period_id][code] = value
    return {
        task_force: [(p.label, by_period[p.pk]) for p in periods if p.pk in by_period]
        for task_force, by_period in figures.items()
    }


def for_task_force(task_force_id, periods=None) -> list[Signal]:
    """One task force's signals (two queries, or one given the periods)."""
    periods = recent_periods(LOOKBACK) if periods is None else periods
    return evaluate(_by_task_force(periods, task_force_id).get(task_force_id, []))


def for_all(periods=None) -> dict[int, list[Signal]]:
    """Task force id -> its signals, for every task force with at least one (two queries)."""
    periods = recent_periods(LOOKBACK) if periods is None else periods
    found = {tf: evaluate(quarters) for tf, quarters in _by_task_force(periods).items()}
    return {tf: signals for tf, signals in found.items() if signals}
