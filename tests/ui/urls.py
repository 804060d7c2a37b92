"""A small URLconf for the UI tests, so they exercise our templates even while another part's
URLs are mid-change. It names the routes base.html links to."""

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpResponse
from django.urls import include, path


def _home(request):
    return HttpResponse("home")


def _forbidden(request):
    raise PermissionDenied


def _bad_request(request):
    raise BadRequest("unreadable")


def _broken(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("", _home, name="home"),
    path("account/", include("organisations.urls")),
    path("forbidden/", _forbidden),
    path("bad-request/", _bad_request),
    path("broken/", _broken),
    path("pages/", include("cis_portal.pages_urls")),
]
