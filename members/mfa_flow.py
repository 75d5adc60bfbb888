"""Setting up a second factor on the way somewhere: where the member goes next, and a secret that holds.

The membership gate (members.middleware) sends a member without a second
factor to ``mfa_index?next=<where they were going>``. allauth's set-up pages
know nothing of ``next``: activating an authenticator app always ends on the
recovery-codes page, and that page has no way on. So the activation form
remembers a safe ``next`` in the session, and the recovery-codes page's
"Continue" (``members:mfa_continue``) goes there, or to the member's home.

allauth (65.21) also makes a new authenticator secret on every GET of the
activation page, so a reload, or a second look after scanning the QR code,
shows a different code from the one the phone now has and every code typed
fails. ``ActivateAuthenticatorForm`` keeps the session's secret until it is
activated (allauth clears it then).

The forms are named in config/settings.py: ``MFA_FORMS["activate_totp"]`` and
``MFA_FORMS["add_webauthn"]`` (a security key leads on the same way).
"""

from allauth.account.adapter import get_adapter
from allauth.core import context
from allauth.mfa.totp.forms import ActivateTOTPForm
from allauth.mfa.webauthn.forms import AddWebAuthnForm
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET

from config.compat.allauth import SECRET_SESSION_KEY

NEXT_SESSION_KEY = "tfc_mfa_next"


def safe_next(url) -> str:
    """``url`` if it is a path on this site, else "" (never another host, scheme or ``//host``)."""
    if not url or not isinstance(url, str) or not url.startswith("/"):
        return ""
    # With no allowed hosts, Django accepts only URLs without a host: "/forum/new/"
    # passes; "//evil.example", "/\\evil.example" and "https://evil.example/" do not.
    return url if url_has_allowed_host_and_scheme(url, allowed_hosts=None) else ""


def remember_next(request) -> None:
    """Keep the ``next`` of this request for after the set-up; a foreign one is dropped, not kept."""
    raw = request.POST.get("next") or request.GET.get("next")
    if raw is None:
        return
    url = safe_next(raw)
    if url:
        request.session[NEXT_SESSION_KEY] = url
    else:
        request.session.pop(NEXT_SESSION_KEY, None)


def continue_url(request) -> str:
    """Where "Continue" after the set-up leads: the remembered page, or the member's home."""
    remembered = safe_next(request.session.get(NEXT_SESSION_KEY))
    if remembered:
        return remembered
    if not request.user.is_authenticated:
        return "/"
    return get_adapter(request).get_login_redirect_url(request)


class ActivateAuthenticatorForm(ActivateTOTPForm):
    """allauth's activation form, keeping one secret per session until it is activated."""

    def __init__(self, *args, **kwargs):
        request = context.request
        kept = request.session.get(SECRET_SESSION_KEY)
        super().__init__(*args, **kwargs)
        if kept and not self.is_bound:
            # allauth has just replaced it (it regenerates on every GET): put it back.
            request.session[SECRET_SESSION_KEY] = self.secret = kept
        remember_next(request)


class AddSecurityKeyForm(AddWebAuthnForm):
    """allauth's form for adding a security key, remembering where the member was going."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        remember_next(context.request)


@require_GET
def continue_after_setup(request):
    """The recovery-codes page's "Continue": on to the page the member wanted, once."""
    target = continue_url(request)
    request.session.pop(NEXT_SESSION_KEY, None)
    return redirect(target)
