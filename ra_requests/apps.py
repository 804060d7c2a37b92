from django.apps import AppConfig


class RaRequestsConfig(AppConfig):
    name = "ra_requests"
