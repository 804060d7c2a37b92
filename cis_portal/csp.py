"""The Content-Security-Policy middleware: the site-wide policy, plus exactly what admin pages need."""

from dataclasses import replace

from csp.middleware import CSPMiddleware
from django.urls import NoReverseMatch, reverse

# Admin pages only, and only these: django-simple-history's history list carries the style attribute
# style="border-top: 0", which 'style-src' blocks. 'unsafe-hashes' with its hash allows that one
# attribute; no other inline style or script runs anywhere.
ADMIN_POLICY_ADDITIONS = {
    "style-src": ["'unsafe-hashes'", "'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"],
}


class PortalCSPMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if parts.update is None and _is_admin_page(request):
            parts = replace(parts, update=ADMIN_POLICY_ADDITIONS)
        return parts


def _is_admin_page(request) -> bool:
    try:
        return request.path.startswith(reverse("admin:index"))
    except NoReverseMatch:  # a URLconf without the admin site (some tests use one)
        return False
