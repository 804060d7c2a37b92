from django.urls import path

from . import views

app_name = "training"

urlpatterns = [
    path("<str:ods_code>/", views.DashboardView.as_view(), name="dashboard"),
    path("<str:ods_code>/modules/", views.ModuleListView.as_view(), name="modules"),
    path("<str:ods_code>/staff/", views.StaffListView.as_view(), name="staff_list"),
    path("<str:ods_code>/staff/add/", views.StaffCreateView.as_view(), name="staff_add"),
    path("<str:ods_code>/staff/import/", views.StaffImportView.as_view(), name="staff_import"),
    path(
        "<str:ods_code>/staff/import/confirm/",
        views.StaffImportConfirmView.as_view(),
        name="staff_import_confirm",
    ),
    path(
        "<str:ods_code>/staff/import/template.csv",
        views.StaffImportTemplateView.as_view(),
        name="staff_import_template",
    ),
    path("<str:ods_code>/staff/export.csv", views.StaffExportView.as_view(), name="staff_export"),
    path("<str:ods_code>/staff/<int:pk>/", views.StaffDetailView.as_view(), name="staff_detail"),
    path("<str:ods_code>/staff/<int:pk>/edit/", views.StaffUpdateView.as_view(), name="staff_edit"),
    path("<str:ods_code>/staff/<int:pk>/leave/", views.StaffLeaveView.as_view(), name="staff_leave"),
    path(
        "<str:ods_code>/staff/<int:pk>/reinstate/", views.StaffReinstateView.as_view(), name="staff_reinstate"
    ),
    path("<str:ods_code>/completions/add/", views.CompletionCreateView.as_view(), name="completion_add"),
    path(
        "<str:ods_code>/completions/<int:pk>/evidence/",
        views.EvidenceDownloadView.as_view(),
        name="completion_evidence",
    ),
]
