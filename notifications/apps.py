from django.apps import AppConfig

from organisations import roles


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = "Outgoing email"

    # National administrators watch the outbox and retry emails that failed permanently.
    role_permissions = {
        roles.NATIONAL_ADMINISTRATORS: [
            "notifications.view_outboundemail",
            "notifications.change_outboundemail",
        ],
    }
