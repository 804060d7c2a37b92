from django.apps import AppConfig
from django.db.models.signals import post_migrate

from . import roles


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "Organisations, people and the RA directory"

    role_permissions = {
        roles.NATIONAL_ADMINISTRATORS: [
            "organisations.view_organisation",
            "organisations.change_organisation",
            "organisations.view_raprovider",
            "organisations.change_raprovider",
            "organisations.add_raprovider",
            "organisations.add_rateammembership",
            "organisations.change_rateammembership",
            "organisations.delete_rateammembership",
            "organisations.view_rateammembership",
            "organisations.view_user",
            "organisations.add_user",
            "organisations.change_user",
            "organisations.view_membership",
            "organisations.view_organisationclaim",
            "organisations.change_organisationclaim",
        ],
        roles.RA_TEAM_MEMBERS: [
            "organisations.view_organisation",
            "organisations.view_raprovider",
            "organisations.view_organisationclaim",
            "organisations.change_organisationclaim",
        ],
    }

    def ready(self):
        post_migrate.connect(roles.sync_role_group_permissions, dispatch_uid="organisations.sync_role_groups")
