from django.urls import path

from . import views

app_name = "ra_requests"

urlpatterns = [
    path("<str:ods_code>/", views.request_list, name="list"),
    path("<str:ods_code>/new/", views.create, name="create"),
    path("<str:ods_code>/choose-icb/", views.choose_icb, name="choose_icb"),
    path("<str:ods_code>/<int:pk>/", views.detail, name="detail"),
    path("<str:ods_code>/<int:pk>/reply/", views.reply, name="reply"),
    path("<str:ods_code>/<int:pk>/reopen/", views.reopen, name="reopen"),
    path("<str:ods_code>/<int:pk>/send-to-national/", views.reroute, name="reroute"),
]
