"""The daily overdue list: one email per assignee listing their requests past a service target."""

from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone

from tta.analysis import overdue_flags
from tta.models import RequestStatus, ServiceTarget, TTARequest


def overdue_by_assignee(now=None) -> dict:
    targets = dict(ServiceTarget.objects.values_list("status", "days"))
    if not targets:
        return {}
    open_requests = list(
        TTARequest.objects.filter(assignee__isnull=False, assignee__is_active=True, status__in=list(targets))
        .exclude(status__in=[RequestStatus.CLOSED, RequestStatus.DECLINED])
        .select_related("assignee", "topic", "task_force")
        .order_by("status_changed_at", "pk")
    )
    flags = overdue_flags(open_requests, targets, now or timezone.now())
    grouped = defaultdict(list)
    for r in open_requests:
        if flags[r.pk]:
            grouped[r.assignee].append(r)
    return grouped


def email_overdue_requests(now=None) -> int:
    sent = 0
    for assignee, requests in overdue_by_assignee(now).items():
        lines = [
            f"- #{r.pk} {r.topic.name} ({r.task_force.name}): {r.get_status_display()} since "
            f"{r.status_changed_at:%b %d, %Y} {settings.SITE_URL}{reverse('tta:staff_request', args=[r.pk])}"
            for r in requests
        ]
        body = "These TTA requests are past their service target:\n\n" + "\n".join(lines) + "\n"
        send_mail(f"{len(requests)} overdue TTA request(s)", body, None, [assignee.email])
        sent += 1
    return sent
