from django.urls import path

from . import report_views, views

app_name = "onboarding"

urlpatterns = [
    path("icb-overview/", report_views.ICBOverviewView.as_view(), name="icb_overview"),
    path("icb-overview/export.csv", report_views.ICBOverviewCSVView.as_view(), name="icb_overview_csv"),
    path(
        "icb-overview/organisations/<str:ods_code>/",
        report_views.RAOrganisationView.as_view(),
        name="ra_organisation",
    ),
    path("<str:ods_code>/", views.TaskListView.as_view(), name="task_list"),
    path("<str:ods_code>/questions/<slug:slug>/", views.StepView.as_view(), name="step"),
    path("<str:ods_code>/check-your-answers/", views.CheckAnswersView.as_view(), name="check_answers"),
    path("<str:ods_code>/confirmation/", views.ConfirmationView.as_view(), name="confirmation"),
    path(
        "<str:ods_code>/questions/organisation-details/correction/",
        views.DetailsCorrectionView.as_view(),
        name="details_correction",
    ),
    path("<str:ods_code>/summary/", report_views.SummaryView.as_view(), name="summary"),
    path("<str:ods_code>/timeline/", report_views.TimelineView.as_view(), name="timeline"),
]
