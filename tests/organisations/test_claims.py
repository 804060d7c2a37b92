"""Organisation claims: nobody gets an organisation by its ODS code without a check."""

import datetime

import pytest
from django.utils import timezone

from organisations import services
from organisations.models import Membership, Organisation, OrganisationClaim, RAProvider, Role
from tests.factories import NationalRATeamFactory, RAProviderFactory, UserFactory

from .helpers import emails_to, link_path

pytestmark = pytest.mark.django_db

PASSWORD = "lighthouse-harbour-2026"
Status = OrganisationClaim.Status


def signup_data(icb, **overrides):
    data = {
        "email": "asha@example.org",
        "first_name": "Asha",
        "last_name": "Patel",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "ods_code": "A81234",
        "organisation_name": "Canal Street Surgery",
        "organisation_type": Organisation.OrganisationType.GP_PRACTICE,
        "icb": str(icb.pk),
    }
    data.update(overrides)
    return data


def register_data(icb, **overrides):
    data = signup_data(icb, **overrides)
    return {key: data[key] for key in ("ods_code", "organisation_name", "organisation_type", "icb")}


def claim_for(user, icb, ods_code="A81234", name="Canal Street Surgery"):
    return services.submit_claim(
        user, ods_code=ods_code, organisation_name=name, organisation_type="gp_practice", icb=icb
    )


def sign_up_and_confirm(client, icb, **overrides):
    client.post("/account/sign-up/", signup_data(icb, **overrides))
    email = overrides.get("email", "asha@example.org")
    [message] = emails_to(email)
    # The address's owner chooses the password on the confirmation page.
    return client.post(
        link_path(message, "/account/confirm-email/"), {"password1": PASSWORD, "password2": PASSWORD}
    )


# --- RA provider codes ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["QE1", "qe1", "QWO", "X24", "X26", "0DE", "Q99"])
def test_sign_up_with_an_ra_provider_code_is_refused(client, icb, code):
    response = client.post("/account/sign-up/", signup_data(icb, ods_code=code))

    content = response.content.decode()
    assert response.status_code == 200
    assert "not of an organisation that uses CIS" in content
    assert not OrganisationClaim.objects.exists()
    assert not Organisation.objects.filter(ods_code=code.upper()).exists()


def test_register_organisation_with_a_2026_icb_code_from_the_directory_is_refused(client, icb, org_admin):
    RAProviderFactory(ods_code="S1Y5D", name="NHS Central East Integrated Care Board")
    client.force_login(org_admin)

    response = client.post("/account/organisations/new/", register_data(icb, ods_code="S1Y5D"))

    assert "not of an organisation that uses CIS" in response.content.decode()
    assert not OrganisationClaim.objects.exists()


def test_create_organisation_refuses_an_ra_provider_code(icb):
    with pytest.raises(services.ValidationError):
        services.create_organisation(ods_code="X24", name="NHS England", organisation_type="other", icb=icb)

    assert not Organisation.objects.exists()


# --- Sign-up claims wait for confirmation, and never block ---------------------------------------


def test_unconfirmed_sign_up_creates_no_organisation_and_does_not_block_the_real_practice(client, icb):
    client.post("/account/sign-up/", signup_data(icb, email="squatter@example.org"))

    response = client.post("/account/sign-up/", signup_data(icb, email="manager@example.org"))

    assert response.status_code == 302
    assert not Organisation.objects.filter(ods_code="A81234").exists()
    assert sorted(OrganisationClaim.objects.values_list("claimant__email", "status")) == [
        ("manager@example.org", Status.UNCONFIRMED),
        ("squatter@example.org", Status.UNCONFIRMED),
    ]


def test_unconfirmed_claim_lapses_with_its_link(icb):
    user = UserFactory(email_confirmed_at=None, is_active=False)
    claim = claim_for(user, icb)
    OrganisationClaim.objects.filter(pk=claim.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    services.forward_confirmed_claims(user)

    claim.refresh_from_db()
    assert claim.status == Status.EXPIRED
    assert not Organisation.objects.exists()
    assert not OrganisationClaim.objects.open(timezone.now()).exists()


def test_confirmed_sign_up_for_a_new_code_waits_for_the_icbs_ra_team(client, icb, ra_team_member):
    response = sign_up_and_confirm(client, icb)

    claim = OrganisationClaim.objects.get()
    assert response["Location"] == f"/account/organisations/claims/{claim.pk}/"
    assert (claim.status, claim.reviewing_provider, claim.organisation) == (
        Status.AWAITING_APPROVAL,
        icb,
        None,
    )
    assert not Organisation.objects.filter(ods_code="A81234").exists()
    page = client.get(response["Location"]).content.decode()
    assert "<h1>Waiting for approval</h1>" in page
    assert icb.name in page
    assert "asha@example.org" in page
    assert "Canal Street Surgery (A81234)" in client.get("/").content.decode()


def test_claim_on_an_existing_organisation_without_members_waits_and_shows_no_data(client, icb, organisation):
    sign_up_and_confirm(client, icb, ods_code=organisation.ods_code, organisation_name="Mine now")

    claim = OrganisationClaim.objects.get()
    assert (claim.status, claim.organisation) == (Status.AWAITING_APPROVAL, organisation)
    assert not organisation.memberships.exists()
    organisation.refresh_from_db()
    assert organisation.name == "Riverside Surgery"
    for url in (
        f"/account/{organisation.ods_code}/team/",
        f"/ra-requests/{organisation.ods_code}/",
        f"/training/{organisation.ods_code}/staff/",
    ):
        assert client.get(url).status_code == 404, url


def test_register_organisation_signed_in_goes_to_the_waiting_page(client, icb, org_admin):
    client.force_login(org_admin)

    response = client.post("/account/organisations/new/", register_data(icb), follow=True)

    claim = OrganisationClaim.objects.get()
    assert response.redirect_chain == [(f"/account/organisations/claims/{claim.pk}/", 302)]
    assert "Waiting for approval" in response.content.decode()
    assert not Membership.objects.filter(user=org_admin, organisation__ods_code="A81234").exists()


def test_claim_page_of_someone_else_is_404(client, icb, org_admin, other_org_admin):
    claim = claim_for(org_admin, icb)
    client.force_login(other_org_admin)

    response = client.get(f"/account/organisations/claims/{claim.pk}/")

    assert response.status_code == 404
    assert "Canal Street Surgery" not in response.content.decode()


# --- Limits --------------------------------------------------------------------------------------


def test_open_claims_per_account_are_limited(client, icb, org_admin, settings):
    settings.ORGANISATION_CLAIMS_OPEN_LIMIT = 3
    for number in range(3):
        claim_for(org_admin, icb, ods_code=f"A8200{number}")
    client.force_login(org_admin)

    response = client.post("/account/organisations/new/", register_data(icb, ods_code="A82009"))

    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="nhsuk-error-summary"' in content
    assert "You already have 3 requests to join organisations waiting" in content
    assert OrganisationClaim.objects.filter(claimant=org_admin).count() == 3


def test_a_decided_claim_frees_a_place(icb, org_admin, national_admin, settings):
    settings.ORGANISATION_CLAIMS_OPEN_LIMIT = 1
    first = claim_for(org_admin, icb, ods_code="A82000")
    services.refuse_claim(first, acting_user=national_admin, reason="Not a partner at this practice")

    second = claim_for(org_admin, icb, ods_code="A82001")

    assert second.status == Status.AWAITING_APPROVAL


def test_a_second_open_claim_for_one_code_is_refused(icb, org_admin):
    claim_for(org_admin, icb)

    with pytest.raises(services.ValidationError) as error:
        claim_for(org_admin, icb)

    assert "You have already asked to become the organisation admin for A81234" in str(error.value)


# --- Who reviews ---------------------------------------------------------------------------------


def test_reviewing_team_is_the_icbs_support_provider_when_it_has_a_team(icb):
    csu = RAProviderFactory(ods_code="0DE", name="Test CSU", kind=RAProvider.Kind.CSU)
    icb.ra_support_provider = csu
    icb.save()
    NationalRATeamFactory()
    services.add_ra_team_member(csu, user=UserFactory())

    assert services.reviewing_team_for(icb) == csu


def test_reviewing_team_is_national_when_no_local_team_is_on_the_portal(icb):
    national = NationalRATeamFactory()

    assert services.reviewing_team_for(icb) == national


# --- Deciding in the admin -----------------------------------------------------------------------


def test_ra_team_approves_in_the_admin_and_the_claimant_is_emailed_and_gets_in(
    client, role_groups, icb, ra_team_member
):
    claimant = UserFactory(email="asha@example.org")
    claim = claim_for(claimant, icb)
    client.force_login(ra_team_member)

    listing = client.get("/admin/organisations/organisationclaim/")
    response = client.post(
        f"/admin/organisations/organisationclaim/{claim.pk}/change/", {"decision": "approve"}
    )

    assert list(listing.context["cl"].queryset) == [claim]
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by) == (Status.APPROVED, ra_team_member)
    organisation = Organisation.objects.get(ods_code="A81234")
    assert (organisation.name, organisation.icb) == ("Canal Street Surgery", icb)
    assert list(organisation.memberships.values_list("user", "role")) == [(claimant.pk, Role.ORG_ADMIN)]
    [email] = emails_to("asha@example.org")
    assert email.subject == "You are now the organisation admin for Canal Street Surgery"
    client.force_login(claimant)
    assert client.get("/account/A81234/team/").status_code == 200


def test_ra_team_refuses_with_a_reason_that_the_claimant_is_told(client, role_groups, icb, ra_team_member):
    claimant = UserFactory(email="asha@example.org")
    claim = claim_for(claimant, icb)
    client.force_login(ra_team_member)
    url = f"/admin/organisations/organisationclaim/{claim.pk}/change/"

    without_reason = client.post(url, {"decision": "refuse"})
    response = client.post(
        url, {"decision": "refuse", "refusal_reason_text": "We could not reach the practice."}
    )

    assert without_reason.status_code == 200
    assert "Say why the claim is refused" in without_reason.content.decode()
    assert response.status_code == 302
    claim.refresh_from_db()
    assert (claim.status, claim.refusal_reason) == (Status.REFUSED, "We could not reach the practice.")
    assert not Organisation.objects.exists()
    [email] = emails_to("asha@example.org")
    assert "> We could not reach the practice." in email.body
    client.force_login(claimant)
    assert "was not approved" in client.get(f"/account/organisations/claims/{claim.pk}/").content.decode()


def test_another_providers_ra_team_cannot_see_or_decide_the_claim(
    client, role_groups, icb, ra_team_member, other_ra_team_member
):
    claim = claim_for(UserFactory(), icb)
    client.force_login(other_ra_team_member)

    listing = client.get("/admin/organisations/organisationclaim/")
    change = client.post(
        f"/admin/organisations/organisationclaim/{claim.pk}/change/", {"decision": "approve"}
    )

    assert list(listing.context["cl"].queryset) == []
    assert change.status_code in (302, 404)
    claim.refresh_from_db()
    assert claim.status == Status.AWAITING_APPROVAL
    with pytest.raises(services.PermissionDenied):
        services.approve_claim(claim, acting_user=other_ra_team_member)
    assert not Organisation.objects.exists()


def test_approving_twice_grants_once_and_emails_once(icb, ra_team_member, national_admin):
    claimant = UserFactory(email="asha@example.org")
    claim = claim_for(claimant, icb)
    services.approve_claim(claim, acting_user=ra_team_member)

    with pytest.raises(services.ValidationError):
        services.approve_claim(claim, acting_user=national_admin)

    assert Membership.objects.filter(user=claimant).count() == 1
    assert len(emails_to("asha@example.org")) == 1


def test_national_admin_approves_a_claim_on_an_existing_organisation(icb, organisation, national_admin):
    claimant = UserFactory()
    claim = claim_for(claimant, icb, ods_code=organisation.ods_code, name="Different name")

    services.approve_claim(claim, acting_user=national_admin)

    assert Organisation.objects.count() == 1
    assert list(organisation.memberships.values_list("user", flat=True)) == [claimant.pk]
    organisation.refresh_from_db()
    assert organisation.name == "Riverside Surgery"


def test_unconfirmed_claims_are_not_in_the_admin(client, role_groups, icb, national_admin):
    claimant = UserFactory(email_confirmed_at=None, is_active=False)
    claim_for(claimant, icb)
    client.force_login(national_admin)

    listing = client.get("/admin/organisations/organisationclaim/")

    assert list(listing.context["cl"].queryset) == []


def test_the_reviewing_ra_team_is_emailed_a_link_to_the_claim(client, icb, ra_team_member):
    sign_up_and_confirm(client, icb)

    claim = OrganisationClaim.objects.get()
    [email] = emails_to(icb.ra_contact_email)
    assert email.subject == "Claim to approve: organisation admin for A81234"
    assert f"/admin/organisations/organisationclaim/{claim.pk}/change/" in email.body
    assert "Asha" not in email.body  # nothing the claimant typed goes to the RA team's inbox


def test_claimant_withdraws_a_waiting_claim_and_frees_a_place(client, icb, org_admin, settings):
    settings.ORGANISATION_CLAIMS_OPEN_LIMIT = 1
    claim = claim_for(org_admin, icb)
    client.force_login(org_admin)

    response = client.post(f"/account/organisations/claims/{claim.pk}/withdraw/")

    assert response["Location"] == "/"
    claim.refresh_from_db()
    assert claim.status == Status.WITHDRAWN
    assert claim_for(org_admin, icb, ods_code="A82000").status == Status.AWAITING_APPROVAL


def test_someone_else_cannot_withdraw_a_claim(client, icb, org_admin, other_org_admin):
    claim = claim_for(org_admin, icb)
    client.force_login(other_org_admin)

    response = client.post(f"/account/organisations/claims/{claim.pk}/withdraw/")

    assert response.status_code == 404
    claim.refresh_from_db()
    assert claim.status == Status.AWAITING_APPROVAL


def test_a_decided_claim_cannot_be_withdrawn(client, icb, org_admin, national_admin):
    claim = claim_for(org_admin, icb)
    services.approve_claim(claim, acting_user=national_admin)
    client.force_login(org_admin)

    response = client.post(f"/account/organisations/claims/{claim.pk}/withdraw/", follow=True)

    claim.refresh_from_db()
    assert claim.status == Status.APPROVED
    assert "no longer waiting for approval: it is approved" in response.content.decode()


def test_bulk_approve_in_the_admin_approves_only_waiting_claims_of_the_team(
    client, role_groups, icb, other_icb, ra_team_member, other_ra_team_member
):
    mine = [claim_for(UserFactory(), icb, ods_code=code) for code in ("A82001", "A82002")]
    theirs = claim_for(UserFactory(), other_icb, ods_code="A82003")
    client.force_login(ra_team_member)

    response = client.post(
        "/admin/organisations/organisationclaim/",
        {"action": "approve_selected", "_selected_action": [claim.pk for claim in [*mine, theirs]]},
        follow=True,
    )

    assert "Approved 2 claims." in response.content.decode()
    assert sorted(
        OrganisationClaim.objects.filter(status=Status.APPROVED).values_list("ods_code", flat=True)
    ) == [
        "A82001",
        "A82002",
    ]
    theirs.refresh_from_db()
    assert theirs.status == Status.AWAITING_APPROVAL


def test_a_signed_in_user_never_confirmed_by_sign_up_has_their_claim_sent_on(icb, ra_team_member):
    # Accounts made by a national administrator or createsuperuser are active but carry no
    # confirmation time: their claims must not wait for a confirmation link they will never get.
    user = UserFactory(email="made.by.admin@example.org", email_confirmed_at=None)

    claim = claim_for(user, icb)

    assert claim.status == Status.AWAITING_APPROVAL
    assert claim.reviewing_provider == icb


def test_accepting_an_invitation_ends_the_unconfirmed_sign_ups_claims(client, icb, organisation, org_admin):
    client.post("/account/sign-up/", signup_data(icb, email="nia@example.org"))
    invitation = services.invite_member(
        organisation, email="nia@example.org", role=Role.IT_LEAD, invited_by=org_admin
    )
    [email] = [m for m in emails_to("nia@example.org") if "/account/invitation/" in m.body]

    client.post(
        link_path(email, "/account/invitation/"),
        {"first_name": "Nia", "last_name": "Lead", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert invitation.organisation.memberships.filter(user__email="nia@example.org").exists()
    assert list(OrganisationClaim.objects.values_list("status", flat=True)) == [Status.EXPIRED]
