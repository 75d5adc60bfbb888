"""The pages the foundation builds, each with a role that may see it.

The CSP tests (tests/test_config.py) and the layout tests (tests/test_layout.py)
walk the same list, so a page added here is checked for both.
"""

FOUNDATION_PAGES = [
    ("/", "anonymous"),
    ("/report/", "anonymous"),
    ("/accounts/login/", "anonymous"),
    ("/accounts/signup/", "anonymous"),
    ("/search/?q=task+force", "anonymous"),
    ("/members/", "member"),
    ("/search/?q=task+force", "member"),
    ("/accounts/password/reset/", "anonymous"),
    ("/accounts/inactive/", "anonymous"),
    ("/members/pending/", "pending"),
    ("/members/me/edit/", "member"),
    ("/accounts/2fa/", "member"),
    ("/accounts/2fa/webauthn/", "member"),
    ("/accounts/email/", "member"),
    ("/accounts/password/change/", "member"),
    ("/accounts/sessions/", "member"),
    ("/accounts/reauthenticate/", "member"),
]
