from django.contrib import admin
from django.urls import include, path

from organisations.views import HomeView

from .views import healthz

admin.site.site_header = "CIS onboarding portal administration"
admin.site.site_title = "CIS onboarding portal"
admin.site.index_title = "Registration Authority triage and reference data"

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("account/", include("organisations.urls")),
    path("ra-requests/", include("ra_requests.urls")),
    path("directory/", include("ra_requests.finder_urls")),
    path("authenticators/", include("authenticators.urls")),
    path("training/", include("training.urls")),
    path("readiness/", include("onboarding.urls")),
    path("pages/", include("cis_portal.pages_urls")),
]
