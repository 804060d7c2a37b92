import re

import pytest
from django.urls import NoReverseMatch, reverse

from organisations import services
from organisations.models import Role

pytestmark = pytest.mark.django_db


def url_or_none(name, *args):
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def test_home_signed_out_explains_portal_and_offers_sign_in_and_sign_up(client):
    content = client.get("/").content.decode()

    assert "<h1>Get ready for the Care Identity Service</h1>" in content
    assert "Find Registration Authority (RA) support" in content
    assert "Choose authenticators" in content
    assert "Train your technical support staff" in content
    assert 'href="/account/sign-up/"' in content
    assert 'href="/account/sign-in/"' in content
    chooser = url_or_none("authenticators:chooser")
    if chooser:
        assert f'href="{chooser}"' in content


def card_links(content: str) -> list[str]:
    """The card links on the home page, in the order shown."""
    return re.findall(r'<a class="nhsuk-card__link" href="([^"]+)">', content)


def test_home_org_admin_sees_every_part_in_the_guidances_order(
    client, organisation, org_admin, other_organisation
):
    client.force_login(org_admin)

    content = client.get("/").content.decode()

    assert "Riverside Surgery" in content
    assert card_links(content) == [
        "/readiness/A81001/",
        "/readiness/A81001/summary/",
        "/ra-requests/A81001/",
        "/authenticators/A81001/",
        "/training/A81001/",
        "/training/A81001/staff/",
        "/readiness/A81001/timeline/",
        "/account/A81001/team/",
    ]
    assert "Hillside Surgery" not in content
    assert "B82002" not in content
    assert 'href="/admin/"' not in content


def test_home_it_lead_sees_plan_summary_training_and_timeline_but_not_the_admins_parts(
    client, organisation, it_lead
):
    client.force_login(it_lead)

    content = client.get("/").content.decode()

    assert "Riverside Surgery" in content
    assert card_links(content) == [
        "/readiness/A81001/summary/",
        "/authenticators/A81001/",
        "/training/A81001/",
        "/training/A81001/staff/",
        "/readiness/A81001/timeline/",
    ]


def test_home_admin_who_is_also_it_lead_sees_each_part_once(client, organisation, org_admin):
    services.add_membership(organisation, user=org_admin, role=Role.IT_LEAD)
    client.force_login(org_admin)

    links = card_links(client.get("/").content.decode())

    assert len(links) == len(set(links)) == 8


def test_home_ra_team_member_sees_triage_and_overview(client, icb, ra_team_member):
    client.force_login(ra_team_member)

    content = client.get("/").content.decode()

    assert f"RA team: {icb.name}" in content
    assert 'href="/admin/ra_requests/rarequest/?status=open"' in content
    overview = url_or_none("onboarding:icb_overview")
    if overview:
        assert f'href="{overview}"' in content
    assert "National administration" not in content
    assert "You are not a member of any organisation yet" not in content


def test_home_national_admin_sees_admin_site(client, national_admin):
    client.force_login(national_admin)

    content = client.get("/").content.decode()

    assert "National administration" in content
    assert 'href="/admin/"' in content
    assert "RA team:" not in content


def test_home_user_without_roles_is_told_how_to_join(client):
    from tests.factories import UserFactory

    client.force_login(UserFactory())

    content = client.get("/").content.decode()

    assert "You are not a member of any organisation yet" in content
    assert 'href="/admin/"' not in content


def test_home_card_descriptions_escape_the_organisation_name(client, organisation, org_admin):
    organisation.name = "Smith & Jones <Surgery>"
    organisation.save()
    client.force_login(org_admin)

    content = client.get("/").content.decode()

    assert (
        '<p class="nhsuk-card__description">See who can use the portal for Smith &amp; Jones &lt;Surgery&gt; '
        "and invite colleagues.</p>"
    ) in content
    assert "<Surgery>" not in content
