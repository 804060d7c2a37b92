from django.apps import AppConfig

from organisations import roles


class RaRequestsConfig(AppConfig):
    name = "ra_requests"
    verbose_name = "RA support requests"

    role_permissions = {
        roles.RA_TEAM_MEMBERS: [
            "ra_requests.view_rarequest",
            "ra_requests.change_rarequest",
            "ra_requests.view_rarequestevent",
        ],
        roles.NATIONAL_ADMINISTRATORS: [
            "ra_requests.view_rarequest",
            "ra_requests.change_rarequest",
            "ra_requests.view_rarequestevent",
        ],
    }
