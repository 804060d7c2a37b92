from django.urls import path

from . import finder_views, health_views

app_name = "finder"

urlpatterns = [
    path("", finder_views.search, name="search"),
    path("organisations/<str:ods_code>/", finder_views.organisation, name="organisation"),
    path("icbs/<str:ods_code>/", finder_views.icb, name="icb"),
    path("api/organisations/<str:ods_code>", finder_views.api_organisation, name="api_organisation"),
    path("health/", health_views.health, name="health"),
    path("health.csv", health_views.health_csv, name="health_csv"),
]
