"""The four roles, each backed by a Django auth group created by a migration.

Feature apps say which of their permissions each role gets through a ``role_permissions``
attribute on their AppConfig ({group name: ["app_label.codename", ...]}); after every migrate
``sync_role_group_permissions`` gives the groups exactly those permissions.
"""

from django.apps import apps as global_apps

ORG_ADMINS = "Organisation admins"
IT_LEADS = "IT leads"
RA_TEAM_MEMBERS = "RA team members"
NATIONAL_ADMINISTRATORS = "National administrators"

ROLE_GROUP_NAMES = (ORG_ADMINS, IT_LEADS, RA_TEAM_MEMBERS, NATIONAL_ADMINISTRATORS)


def declared_role_permissions(app_registry=global_apps) -> dict[str, set[str]]:
    declared: dict[str, set[str]] = {name: set() for name in ROLE_GROUP_NAMES}
    for app_config in app_registry.get_app_configs():
        for group_name, perms in getattr(app_config, "role_permissions", {}).items():
            declared[group_name].update(perms)
    return declared


def sync_role_group_permissions(**kwargs) -> None:
    """Give each role group exactly the permissions the apps declare. Safe to run repeatedly."""
    from django.contrib.auth.models import Group, Permission

    for group_name, perms in declared_role_permissions().items():
        group, _ = Group.objects.get_or_create(name=group_name)
        wanted = []
        for dotted in sorted(perms):
            app_label, codename = dotted.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is not None:
                wanted.append(permission)
        group.permissions.set(wanted)
