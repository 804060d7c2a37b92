import datetime
import re

import pytest
from django.urls import NoReverseMatch, reverse

from organisations import services
from organisations.models import RAProvider, Role

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


def test_home_ra_team_member_without_staff_access_is_not_offered_the_teams_pages(client, icb, ra_team_member):
    type(ra_team_member).objects.filter(pk=ra_team_member.pk).update(is_staff=False)
    client.force_login(ra_team_member)

    content = client.get("/").content.decode()

    assert "RA team:" not in content
    assert "You are not a member of any organisation yet" in content
    # One rule for every page: the team's pages do not open for them either.
    assert client.get("/readiness/icb-overview/").status_code == 403
    assert client.get("/account/ra-team/directory-entry/").status_code == 404


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


# --- What the signed-in home page costs, and the RA support it shows --------------------------------

# Session, user, memberships with their ICBs, waiting claims (the RA team only for staff).
HOME_QUERIES = 4


def add_organisations(user, count, **icb_fields):
    from tests.factories import OrganisationFactory, RAProviderFactory

    for _ in range(count):
        organisation = OrganisationFactory(icb=RAProviderFactory(**icb_fields))
        services.add_membership(organisation, user=user, role=Role.ORG_ADMIN)


@pytest.fixture
def national_team(db):
    from tests.factories import NationalRATeamFactory

    return NationalRATeamFactory()


def test_home_queries_do_not_grow_with_the_users_organisations(
    client, org_admin, national_team, django_assert_num_queries
):
    client.force_login(org_admin)
    with django_assert_num_queries(HOME_QUERIES):
        one = client.get("/").content.decode()

    add_organisations(org_admin, 3)
    csu = RAProvider.objects.create(
        ods_code="0DE",
        name="NHS Arden and GEM CSU",
        kind=RAProvider.Kind.CSU,
        ra_contact_email="ra@csu.example.org",
    )
    add_organisations(org_admin, 2, ra_support_provider=csu)
    with django_assert_num_queries(HOME_QUERIES):
        six = client.get("/").content.decode()

    assert len(card_links(one)) == 8
    assert len(card_links(six)) == 6 * 8
    assert six.count("<strong>Your RA support:</strong> NHS Arden and GEM CSU, on behalf of") == 2


def test_home_looks_the_national_team_up_once_and_only_when_an_organisation_needs_it(
    client, org_admin, organisation, icb, national_team, django_assert_num_queries
):
    add_organisations(org_admin, 2, ra_contact_email="")
    client.force_login(org_admin)

    with django_assert_num_queries(HOME_QUERIES + 1):
        page = client.get("/").content.decode()

    assert page.count("requests you send here go to the national RA team") == 2
    assert f"<strong>Your RA support:</strong> {icb.name}. " in page


def test_home_follows_closed_icbs_to_their_successors_with_one_query(
    client, org_admin, organisation, icb, national_team, django_assert_num_queries
):
    from tests.factories import RAProviderFactory

    successor = RAProviderFactory(ods_code="QYG", name="NHS Cheshire and Merseyside Integrated Care Board")
    orphan = RAProviderFactory(ods_code="QZZ", name="NHS Closed Without Successor Integrated Care Board")
    for closed, successors in ((icb, [successor]), (orphan, [])):
        closed.status, closed.closed_on = RAProvider.Status.CLOSED, datetime.date(2026, 4, 1)
        closed.save()
        closed.successors.set(successors)
    add_organisations(org_admin, 1, ods_code="QZZ")
    client.force_login(org_admin)

    # The successors of both closed ICBs, and the national team for the one with none.
    with django_assert_num_queries(HOME_QUERIES + 2):
        page = client.get("/").content.decode()

    assert f"<strong>Your RA support:</strong> {successor.name}." in page
    assert f"<strong>Your RA support:</strong> {national_team.name}." in page


def test_home_lists_organisations_by_name_with_their_roles(client, org_admin, organisation):
    from tests.factories import OrganisationFactory

    services.add_membership(organisation, user=org_admin, role=Role.IT_LEAD)
    abbey = OrganisationFactory(ods_code="A00001", name="Abbey Practice")
    services.add_membership(abbey, user=org_admin, role=Role.IT_LEAD)
    client.force_login(org_admin)

    content = client.get("/").content.decode()

    headings = re.findall(r'<h2 class="nhsuk-heading-l nhsuk-u-margin-bottom-2">([^<]+)</h2>', content)
    assert headings == ["Abbey Practice", "Riverside Surgery"]
    assert "ODS code A00001. Your role: IT lead." in content
    assert "ODS code A81001. Your roles: IT lead, Organisation admin." in content


def test_home_lists_only_the_users_own_claims_still_waiting(client, icb, org_admin, other_org_admin):
    from organisations.models import OrganisationClaim

    def claim(user, ods_code, name):
        return services.submit_claim(
            user, ods_code=ods_code, organisation_name=name, organisation_type="gp_practice", icb=icb
        )

    waiting = claim(org_admin, "A81234", "Canal Street Surgery")
    refused = claim(org_admin, "A81235", "Mill Lane Surgery")
    OrganisationClaim.objects.filter(pk=refused.pk).update(
        status=OrganisationClaim.Status.REFUSED, refusal_reason="Not their practice"
    )
    claim(other_org_admin, "A81236", "Someone Else's Surgery")
    client.force_login(org_admin)

    content = client.get("/").content.decode()

    assert waiting.status == OrganisationClaim.Status.AWAITING_APPROVAL
    assert (
        f'<a href="/account/organisations/claims/{waiting.pk}/">Canal Street Surgery (A81234)</a>: '
        "an RA team is checking your request"
    ) in content
    assert "Mill Lane Surgery" not in content
    assert "Someone Else" not in content


def test_home_of_two_users_in_turn_shows_each_only_their_own_organisations_and_claims(
    client, icb, organisation, other_organisation, org_admin, other_org_admin
):
    services.submit_claim(
        other_org_admin, ods_code="A81236", organisation_name="Canal Street Surgery",
        organisation_type="gp_practice", icb=icb,
    )  # fmt: skip
    pages = []
    for user in (org_admin, other_org_admin, org_admin):
        client.force_login(user)
        pages.append(client.get("/").content.decode())

    ours, theirs, ours_again = (
        re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page) for page in pages
    )
    assert ours == ours_again
    assert "Riverside Surgery" in ours
    assert "Hillside Surgery" not in ours
    assert "Canal Street Surgery" not in ours
    assert "Hillside Surgery" in theirs
    assert "Canal Street Surgery (A81236)" in theirs
    assert "Riverside Surgery" not in theirs
