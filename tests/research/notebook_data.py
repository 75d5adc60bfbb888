"""Small CSV files with known answers, for running the real notebooks in tests.

Each maker writes a file in the exact layout of its schema and returns the path; the
docstrings give the answers the notebook must record.
"""

import csv
from pathlib import Path

from research.schemas import SCHEMAS


def _write(path: Path, columns, rows) -> Path:
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[row.get(c, "") for c in columns] for row in rows])
    return Path(path)


def ctdc(path) -> Path:
    """40 victims, 20 registered in 2019 and 20 in 2020, in a partial CTDC file.

    - sexual exploitation 24, forced labour 13, forced marriage 2 (under 5); the last record
      has every exploitation flag unknown (-99);
    - threats recorded for 30, debt bondage for 10;
    - ages: 9--17 for 12 (minors), 30--38 for 28; gender Female 26, Male 14;
    - not usable: `favouriteColour` (not a CTDC column) and `isAbduction` (text where a yes/no is
      expected, on row 5); every other CTDC column is simply absent.
    """
    rows = []
    for n in range(40):
        kind = "sexual" if n < 24 else ("labour" if n < 37 else ("marriage" if n < 40 else ""))
        row = {
            "yearOfRegistration": 2019 if n < 20 else 2020,
            "gender": "Female" if n < 26 else "Male",
            "ageBroad": "9--17" if n % 10 < 3 else "30--38",
            "majorityStatus": "Minor" if n % 10 < 3 else "Adult",
            "isSexualExploit": int(kind == "sexual"),
            "isForcedLabour": int(kind == "labour"),
            "isForcedMarriage": int(kind == "marriage"),
            "meansOfControlThreats": int(n < 30),
            "meansOfControlDebtBondage": int(n >= 30),
            "recruiterRelationFamily": int(n % 10 < 3),
            "favouriteColour": "blue",
            "isAbduction": "sometimes" if n == 4 else "0",
        }
        rows.append(row)
    # The last record has its exploitation unknown, as CTDC files mark with -99.
    rows[39].update({"isSexualExploit": -99, "isForcedLabour": -99, "isForcedMarriage": -99})
    columns = list(rows[0])
    return _write(path, columns, rows)


CTDC_EXPLOITATION = {"sexual exploitation": 24, "forced labour": 13, "forced marriage": 2}


def tta(needs_path, requests_path) -> tuple[Path, Path]:
    """Six task forces rate coordination and training.

    - coordination: priority 5 for all; capacity 1, 2, 3, 2, 1 and 5: five needs (gap >= 2);
    - training: one need (task force 1: priority 4, capacity 1); the others rate it 3 and 3;
    - delivered requests meet two coordination needs (task forces 1 and 2); a request of task
      force 3 on coordination is open, so its need is unmet.
    So: 6 task forces, 6 needs, 2 met (33 %), 4 unmet (under 5).
    """
    needs = []
    capacities = [1, 2, 3, 2, 1, 5]
    for n, capacity in enumerate(capacities, start=1):
        base = {"cycle": "2025", "task_force": f"Task force {n}", "state": "OH", "region": 5 if n < 4 else 9,
                "facet": "practice area"}  # fmt: skip
        needs.append({**base, "area": "coordination", "area_label": "Coordination", "capacity": capacity,
                      "priority": 5})  # fmt: skip
        training = (1, 4) if n == 1 else (3, 3)
        needs.append({**base, "area": "training", "area_label": "Training", "capacity": training[0],
                      "priority": training[1]})  # fmt: skip
    requests = [
        {"request_id": 1, "task_force": "Task force 1", "region": 5, "topic": "coordination",
         "topic_label": "Coordination", "status": "delivered",
         "created": "2025-01-10", "closed": "2025-02-09",
         "delivered": "True"},
        {"request_id": 2, "task_force": "Task force 2", "region": 5, "topic": "coordination",
         "topic_label": "Coordination", "status": "delivered",
         "created": "2025-01-10", "closed": "2025-03-11",
         "delivered": "True"},
        {"request_id": 3, "task_force": "Task force 3", "region": 5, "topic": "coordination",
         "topic_label": "Coordination", "status": "matched", "created": "2025-02-01", "closed": "",
         "delivered": "False"},
    ]  # fmt: skip
    return (
        _write(needs_path, [c.name for c in SCHEMAS["tta_needs"].columns], needs),
        _write(requests_path, [c.name for c in SCHEMAS["tta_requests"].columns], requests),
    )


def forum(topics_path, posts_path) -> tuple[Path, Path]:
    """Six topics: four questions (three answered) and two discussions.

    First replies after 1, 2, 3, 10 and 30 hours; one discussion has no reply. So: 3 of 4
    questions answered (75 %), 5 of 6 topics replied (83 %), 4 of 6 within 24 hours (67 %),
    median time to first reply 3.0 hours. Members started 5 topics, a coordinator 1; replies:
    members 3, coordinators 2, TTA staff 2.
    """
    waits = [1, 2, 3, 10, 30, None]
    kinds = ["question"] * 4 + ["discussion"] * 2
    answered = [True, True, True, False, False, False]
    tags = ["coordination;training", "training", "coordination", "", "training", "training"]
    authors = ["member"] * 5 + ["task force coordinator"]
    reply_roles = [["member", "tta staff"], ["task force coordinator"], ["member"], ["tta staff"],
                   ["member", "task force coordinator"], []]  # fmt: skip
    topics, posts = [], []
    for n in range(6):
        day = f"2025-03-{n + 1:02d}"
        created = f"{day}T08:00:00+00:00"
        first = None if waits[n] is None else f"{day}T{8 + waits[n]:02d}:00:00+00:00" if waits[n] < 16 else (
            f"2025-03-{n + 2:02d}T{8 + waits[n] - 24:02d}:00:00+00:00"
        )  # fmt: skip
        topics.append({"topic_id": n + 1, "category": "General", "kind": kinds[n], "created": created,
                       "first_reply_at": first or "", "answered": answered[n], "replies": len(reply_roles[n]),
                       "tags": tags[n], "author_role": authors[n]})  # fmt: skip
        posts.append(
            {"post_id": len(posts) + 1, "topic_id": n + 1, "created": created, "author_role": authors[n]}
        )
        for k, role in enumerate(reply_roles[n]):
            when = first if k == 0 else f"2025-03-{n + 3:02d}T09:00:00+00:00"
            posts.append({"post_id": len(posts) + 1, "topic_id": n + 1, "created": when, "author_role": role})
    return (
        _write(topics_path, [c.name for c in SCHEMAS["forum_topics"].columns], topics),
        _write(posts_path, [c.name for c in SCHEMAS["forum_posts"].columns], posts),
    )


def training_evaluations(path) -> Path:
    """Eleven registrations: six evaluations of virtual events, three of in-person ones, two absent (hybrid).

    Virtual: two questions each; three people had none right before and three had one; all had
    both right after. In person: one right before, two after. So 9 of 11 attended (82 %), 9 of 9
    evaluated (100 %), 6 of 18 answers right before (33 %) and 18 of 18 after (100 %); by format,
    virtual 25 % before and 100 % after (+75 points), in person 50 % and 100 %.
    """
    rows = []
    for n in range(6):
        rows.append({"member": f"P-v{n}", "month": "2025-03", "format": "virtual", "kind": "webinar",
                     "topics": "coordination", "hours": 1.5, "attended": "true", "evaluated": "true",
                     "reaction": 5 if n < 3 else 3, "questions": 2, "correct_before": 0 if n < 3 else 1,
                     "correct_after": 2})  # fmt: skip
    for n in range(3):
        rows.append({"member": f"P-p{n}", "month": "2025-04", "format": "in_person",
                     "kind": "in_person_training", "topics": "coordination;training", "hours": 6,
                     "attended": "true", "evaluated": "true", "reaction": 4, "questions": 2,
                     "correct_before": 1, "correct_after": 2})  # fmt: skip
    for n in range(2):
        rows.append({"member": f"P-h{n}", "month": "2025-04", "format": "hybrid",
                     "kind": "peer_exchange", "topics": "training", "hours": 2, "attended": "false",
                     "evaluated": "false"})  # fmt: skip
    return _write(path, [c.name for c in SCHEMAS["training_evaluations"].columns], rows)
