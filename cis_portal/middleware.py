"""Middleware of our own: refusing oversized request bodies before anything reads them."""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string


class RequestBodyLimitMiddleware:
    """Answer 413 to a request whose declared body is larger than ``REQUEST_BODY_MAX_BYTES``.

    Runs first, so neither the CSRF check nor the multipart parser reads a byte of it. Django's own
    DATA_UPLOAD_MAX_MEMORY_SIZE limits form fields but not uploaded files, which it streams to disk
    in full; this is the limit for both. The proxy in front should refuse the same size (README).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > settings.REQUEST_BODY_MAX_BYTES:
            limit_mb = settings.REQUEST_BODY_MAX_BYTES / (1024 * 1024)
            body = render_to_string("413.html", {"limit_mb": f"{limit_mb:g}"})
            response = HttpResponse(body, status=413)
            # The unread body stays on the connection: close it rather than read 50 MB to reuse it.
            response["Connection"] = "close"
            return response
        return self.get_response(request)
