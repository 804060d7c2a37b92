from django.urls import path

from . import views

app_name = "authenticators"

urlpatterns = [
    path("", views.ChooserView.as_view(), name="chooser"),
    path("api/recommendation", views.recommendation_api, name="api_recommendation"),
    path("<str:ods_code>/", views.PlanView.as_view(), name="plan"),
    path("<str:ods_code>/print/", views.PrintView.as_view(), name="print"),
    path("<str:ods_code>/plan.csv", views.CsvExportView.as_view(), name="csv"),
    path("<str:ods_code>/matrix/", views.MatrixView.as_view(), name="matrix"),
    path("<str:ods_code>/applications/", views.InventoryView.as_view(), name="inventory"),
    path("<str:ods_code>/applications/local/", views.LocalApplicationCreateView.as_view(), name="local_add"),
    path(
        "<str:ods_code>/applications/local/<int:pk>/remove/",
        views.LocalApplicationDeleteView.as_view(),
        name="local_remove",
    ),
    path("<str:ods_code>/estate/", views.EstateView.as_view(), name="estate"),
    path("<str:ods_code>/groups/new/", views.UserGroupFormView.as_view(), name="group_add"),
    path("<str:ods_code>/groups/<int:pk>/", views.UserGroupFormView.as_view(), name="group_edit"),
    path("<str:ods_code>/groups/<int:pk>/remove/", views.UserGroupDeleteView.as_view(), name="group_remove"),
    path("<str:ods_code>/groups/<int:pk>/choose/", views.ChooseAuthenticatorsView.as_view(), name="choose"),
]
