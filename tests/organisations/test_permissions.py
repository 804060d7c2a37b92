"""Each role group's exact permissions, written out by hand.

The table is the reviewed statement of what each role may do in the admin; it is deliberately not
derived from the apps' ``role_permissions`` declarations, so a permission added or dropped in the
code fails here until someone updates this table on purpose.
"""

import pytest

from organisations import roles

pytestmark = pytest.mark.django_db

EXPECTED_ROLE_PERMISSIONS = {
    # Organisation admins and IT leads work in the portal's own pages, never in the admin.
    roles.ORG_ADMINS: set(),
    roles.IT_LEADS: set(),
    # RA team members triage their provider's requests and look up organisations and the catalogue.
    roles.RA_TEAM_MEMBERS: {
        "organisations.view_organisation",
        "organisations.view_raprovider",
        "authenticators.view_authenticator",
        "authenticators.view_application",
        "ra_requests.view_rarequest",
        "ra_requests.change_rarequest",
        "ra_requests.view_rarequestevent",
        # ...and decide the organisation claims sent to them (approve or refuse; never add or delete).
        "organisations.view_organisationclaim",
        "organisations.change_organisationclaim",
    },
    # National administrators keep the directory, people, catalogue and training modules, watch the
    # outbox, and see every organisation's journey. Nobody but a superuser deletes users or organisations.
    roles.NATIONAL_ADMINISTRATORS: {
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
        "notifications.view_outboundemail",
        "notifications.change_outboundemail",
        "ra_requests.view_rarequest",
        "ra_requests.change_rarequest",
        "ra_requests.view_rarequestevent",
        "authenticators.view_authenticator",
        "authenticators.change_authenticator",
        "authenticators.add_authenticator",
        "authenticators.view_application",
        "authenticators.change_application",
        "authenticators.add_application",
        "training.view_trainingmodule",
        "training.change_trainingmodule",
        "training.add_trainingmodule",
        "training.view_moduleversion",
        "training.add_moduleversion",
        "onboarding.view_readinessjourney",
        "onboarding.view_readinessevent",
    },
}


def perms(group) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def test_role_groups_are_exactly_the_four_roles(role_groups):
    assert set(role_groups) == set(EXPECTED_ROLE_PERMISSIONS)


@pytest.mark.parametrize("role", EXPECTED_ROLE_PERMISSIONS)
def test_role_group_has_exactly_its_permissions(role_groups, role):
    granted = perms(role_groups[role])

    assert granted - EXPECTED_ROLE_PERMISSIONS[role] == set(), "granted but not in the table"
    assert EXPECTED_ROLE_PERMISSIONS[role] - granted == set(), "in the table but not granted"


def test_role_groups_every_permission_in_the_table_exists(role_groups):
    """A misspelt codename would be silently skipped by the sync; the table must name real ones."""
    from django.contrib.auth.models import Permission

    existing = {
        f"{app_label}.{codename}"
        for app_label, codename in Permission.objects.values_list("content_type__app_label", "codename")
    }

    assert set().union(*EXPECTED_ROLE_PERMISSIONS.values()) - existing == set()
