"""The emails trainings sends: confirmation (with the .ics attached), promotion from the waitlist, reminders.

Links are absolute through SITE_URL, like every email of the site. The join link is
written only into emails to a registered attendee (never a waitlisted one).
"""

from django.core.mail import EmailMessage
from django.template.loader import render_to_string

from trainings import calendars
from trainings.models import Registration, RegistrationStatus
from trainings.preferences import viewer_zone


def _send(registration: Registration, subject: str, template: str, *, attach_ics: bool, **extra) -> None:
    event = registration.event
    with_join_link = registration.status == RegistrationStatus.REGISTERED
    body = render_to_string(
        template,
        {
            "registration": registration,
            "event": event,
            "member": registration.member,
            "event_url": calendars.event_url(event),
            "join_url": event.join_url if with_join_link else "",
            "member_zone": viewer_zone(registration.member),
            **extra,
        },
    )
    message = EmailMessage(subject, body, None, [registration.member.email])
    if attach_ics:
        message.attach(
            "event.ics", calendars.event_ics(event, with_join_link=with_join_link), "text/calendar"
        )
    message.send()


def send_confirmation(registration: Registration) -> None:
    if registration.status == RegistrationStatus.REGISTERED:
        subject = f"You are registered: {registration.event.title}"
    else:
        subject = f"You are on the waitlist: {registration.event.title}"
    _send(registration, subject, "trainings/email/confirmation.txt", attach_ics=True)


def send_promotion(registration: Registration) -> None:
    _send(
        registration,
        f"A seat opened up, you are registered: {registration.event.title}",
        "trainings/email/promotion.txt",
        attach_ics=True,
    )


def send_reminder(registration: Registration, when: str) -> None:
    _send(
        registration,
        f"Reminder ({when}): {registration.event.title}",
        "trainings/email/reminder.txt",
        attach_ics=False,
        when=when,
    )
