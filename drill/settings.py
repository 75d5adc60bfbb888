"""What the drill runs with: ports on loopback (away from the development 8000-8200 and the
machine's 5432/6379), the scale (full, or `DRILL_SCALE=small` for CI) and its folders."""

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DRILL_VAR = PROJECT_DIR / "var" / "drill"


@dataclass(frozen=True)
class DrillSettings:
    scale: str
    seconds: int
    clients: int
    load_members: int
    pg_port: int = 15432
    redis_port: int = 16379
    app_ports: tuple = (18001, 18002)
    lb_port: int = 18080
    gunicorn_workers: int = 3
    notebook_workers: int = 2

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.lb_port}"


def from_environment() -> DrillSettings:
    scale = os.environ.get("DRILL_SCALE", "full").strip().lower() or "full"
    if scale not in {"full", "small"}:
        raise SystemExit(f"DRILL_SCALE must be full or small, not {scale!r}")
    small = scale == "small"
    seconds = int(os.environ.get("DRILL_SECONDS", "15" if small else "60"))
    clients = int(os.environ.get("DRILL_CLIENTS", "10" if small else "50"))
    return DrillSettings(
        scale=scale,
        seconds=max(seconds, 10),
        clients=max(clients, 1),
        # Each client posts as several members in turn, so none reaches the forum's posting limit
        # (forum.limits: 20 replies in 10 minutes).
        load_members=max(clients, 1) * 3,
        gunicorn_workers=2 if small else 3,
    )
