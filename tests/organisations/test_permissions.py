import pytest

from organisations import roles

pytestmark = pytest.mark.django_db


def perms(group) -> set[str]:
    return {
        f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.select_related("content_type")
    }


def test_role_groups_exist_with_declared_permissions(role_groups):
    declared = roles.declared_role_permissions()

    assert set(role_groups) == set(roles.ROLE_GROUP_NAMES)
    for name, group in role_groups.items():
        assert perms(group) == declared[name], name


def test_role_groups_national_admins_can_manage_ra_teams_and_ra_members_only_view(role_groups):
    national = perms(role_groups[roles.NATIONAL_ADMINISTRATORS])
    ra_team = perms(role_groups[roles.RA_TEAM_MEMBERS])

    assert {
        "organisations.add_rateammembership",
        "organisations.add_user",
        "organisations.change_raprovider",
    } <= national
    assert {"organisations.view_organisation", "organisations.view_raprovider"} <= ra_team
    # RA teams change nothing in the directory; they only decide the organisation claims sent to them.
    assert {
        p for p in ra_team if p.startswith("organisations.") and not p.split(".")[1].startswith("view_")
    } == {"organisations.change_organisationclaim"}
