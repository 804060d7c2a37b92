from django.apps import AppConfig

from organisations import roles


class AuthenticatorsConfig(AppConfig):
    name = "authenticators"
    verbose_name = "Authenticator chooser and plans"

    role_permissions = {
        roles.NATIONAL_ADMINISTRATORS: [
            "authenticators.view_authenticator",
            "authenticators.change_authenticator",
            "authenticators.add_authenticator",
            "authenticators.view_application",
            "authenticators.change_application",
            "authenticators.add_application",
        ],
        roles.RA_TEAM_MEMBERS: [
            "authenticators.view_authenticator",
            "authenticators.view_application",
        ],
    }
