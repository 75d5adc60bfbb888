"""Content-Security-Policy: the strict site policy, and a looser one for /admin/."""

from csp.middleware import CSPMiddleware
from django.conf import settings


class SiteCSPMiddleware(CSPMiddleware):
    """Serve ADMIN_CONTENT_SECURITY_POLICY under /admin/, the strict policy elsewhere.

    Wagtail's admin ships inline styles and small inline scripts that are its
    own code, never user input; the public and member pages allow no inline
    script at all.
    """

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if not report_only and request.path_info.startswith("/admin/") and parts.config is None:
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts
