"""Authentication backend that refuses locked, deactivated and rejected accounts."""

from allauth.account.auth_backends import AuthenticationBackend

from members import lockout


class LockAwareAuthenticationBackend(AuthenticationBackend):
    def authenticate(self, request, **credentials):
        email = credentials.get("email") or credentials.get("username")
        if email and lockout.is_locked(email):
            return None
        return super().authenticate(request, **credentials)

    def user_can_authenticate(self, user):
        return super().user_can_authenticate(user) and user.status != "rejected"
