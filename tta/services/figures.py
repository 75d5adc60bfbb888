"""Which dashboard figures are public: shown to anyone, aggregated and with small counts suppressed."""

from django.utils import timezone

from config.errors import ServiceError
from tta import access
from tta.analysis import FIGURES
from tta.models import PublicFigure
from tta.services.checks import require


class NoSuchFigure(ServiceError):
    """The slug names no figure of the dashboard."""


def set_figure_public(user, slug: str, public: bool) -> PublicFigure:
    """Staff mark a dashboard figure public (shown aggregated and suppressed to anyone) or staff-only."""
    require(access.can_mark_figures_public(user), "Only TTA staff choose which figures are public.")
    if slug not in dict(FIGURES):
        raise NoSuchFigure("There is no such figure.")
    figure, _ = PublicFigure.objects.update_or_create(
        slug=slug, defaults={"is_public": bool(public), "changed_by": user, "changed_at": timezone.now()}
    )
    return figure
