"""Directory health for national administrators."""

import datetime
import re

import pytest
from django.utils import timezone

from notifications.models import OutboundEmail
from organisations.models import KnownOrganisation, RAProvider, RATeamMembership, User
from tests.factories import RAProviderFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def providers(icb, other_icb, national_team):
    other_icb.ra_contact_email = ""
    other_icb.save()
    RAProvider.objects.filter(pk=icb.pk).update(
        contact_confirmed_at=timezone.now() - datetime.timedelta(days=10), contact_given_by="ra_team"
    )
    stale = RAProviderFactory(
        ods_code="QHM",
        name="NHS North East ICB",
        contact_confirmed_at=timezone.now() - datetime.timedelta(days=400),
    )
    return {"confirmed": icb, "no_contact": other_icb, "stale": stale, "national": national_team}


def test_health_lists_each_active_provider_with_its_state_and_dependants(
    client, national_admin, providers, organisation, other_organisation, submit, org_admin
):
    KnownOrganisation.objects.create(
        ods_code="A81001",
        name="X",
        organisation_type="gp_practice",
        icb=providers["confirmed"],
        source="t",
        search_text="X",
    )
    submit(organisation, org_admin)
    client.force_login(national_admin)

    rows = {row.provider.ods_code: row for row in client.get("/directory/health/").context["rows"]}

    assert rows["QWO"].entry.state == "no_contact"
    assert rows["QHM"].entry.state == "stale"
    assert rows["X24"].entry.state == "unconfirmed"
    assert rows["QE1"].entry.state == "confirmed"
    assert (rows["QE1"].registered_organisations, rows["QE1"].known_practices, rows["QE1"].open_requests) == (
        1,
        1,
        1,
    )
    assert rows["QWO"].registered_organisations == 1
    ordered = [row.provider.ods_code for row in client.get("/directory/health/").context["rows"]]
    assert ordered.index("QWO") < ordered.index("QHM") < ordered.index("X24") < ordered.index("QE1")


def test_health_filters_by_state_and_exports_the_same_rows_as_csv(client, national_admin, providers):
    client.force_login(national_admin)

    page = client.get("/directory/health/", {"state": "no_contact"})
    export = client.get("/directory/health.csv", {"state": "no_contact"})

    assert [row.provider.ods_code for row in page.context["rows"]] == ["QWO"]
    lines = export.content.decode().strip().splitlines()
    assert lines[0].startswith("ODS code,Provider,Kind,Region,State")
    assert len(lines) == 2
    assert lines[1].startswith("QWO,NHS West Yorkshire Integrated Care Board,")


@pytest.mark.parametrize("who", ["org_admin", "ra_team_member", "it_lead"])
def test_health_is_for_national_administrators_only(client, request, providers, who):
    client.force_login(request.getfixturevalue(who))

    assert client.get("/directory/health/").status_code == 403
    assert client.get("/directory/health.csv").status_code == 403


def test_health_page_sends_anonymous_people_to_sign_in(client, providers):
    response = client.get("/directory/health/")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/sign-in/")


def test_national_admin_adds_a_new_person_to_a_providers_ra_team(
    client, national_admin, providers, django_capture_on_commit_callbacks, mailoutbox
):
    client.force_login(national_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/directory/health/",
            {
                "provider": providers["no_contact"].pk,
                "first_name": "Rae",
                "last_name": "Team",
                "email": "Rae@WY.example.org",
            },
        )

    assert response.status_code == 302
    membership = RATeamMembership.objects.get(user__email="rae@wy.example.org")
    assert membership.provider == providers["no_contact"]
    assert membership.user.is_staff
    assert len(mailoutbox) == 1
    assert "/account/password-reset/" in mailoutbox[0].body
    assert "NHS West Yorkshire Integrated Care Board's RA team" in mailoutbox[0].subject
    # No live link in the email: the person asks for their own single-use reset link.
    assert not re.search(r"/password-reset/[^/\s]+/[^/\s]+/", mailoutbox[0].body)


def test_adding_someone_already_in_another_team_is_a_form_error(
    client, national_admin, providers, ra_team_member
):
    client.force_login(national_admin)

    response = client.post(
        "/directory/health/",
        {
            "provider": providers["no_contact"].pk,
            "first_name": "A",
            "last_name": "B",
            "email": ra_team_member.email,
        },
    )

    assert response.status_code == 200
    assert (
        "is already in NHS Lancashire and South Cumbria Integrated Care Board&#x27;s RA team"
        in response.content.decode()
    )
    assert RATeamMembership.objects.get(user=ra_team_member).provider == providers["confirmed"]
    assert not OutboundEmail.objects.exists()


def test_invite_form_rejects_a_name_with_a_line_break(client, national_admin, providers):
    client.force_login(national_admin)

    response = client.post(
        "/directory/health/",
        {
            "provider": providers["stale"].pk,
            "first_name": "A\nClick http://x",
            "last_name": "B",
            "email": "a@b.org",
        },
    )

    assert "Enter this on one line" in response.content.decode()
    assert not User.objects.filter(email="a@b.org").exists()


def test_home_page_links_each_role_to_its_directory_pages(client, national_admin, ra_team_member, org_admin):
    client.force_login(national_admin)
    assert 'href="/directory/health/"' in client.get("/").content.decode()
    client.force_login(ra_team_member)
    team_home = client.get("/").content.decode()
    assert 'href="/account/ra-team/directory-entry/"' in team_home
    assert 'href="/directory/health/"' not in team_home
    client.force_login(org_admin)
    assert 'href="/account/ra-team/directory-entry/"' not in client.get("/").content.decode()
    client.logout()
    assert 'href="/directory/"' in client.get("/").content.decode()


def test_invite_form_rejects_a_last_name_with_a_line_break(client, national_admin, providers):
    client.force_login(national_admin)

    response = client.post(
        "/directory/health/",
        {
            "provider": providers["stale"].pk,
            "first_name": "A",
            "last_name": "B\nhttp://x",
            "email": "a@b.org",
        },
    )

    assert "Enter this on one line" in response.content.decode()
    assert not User.objects.filter(email="a@b.org").exists()


def test_adding_someone_whose_sign_up_is_unconfirmed_asks_them_to_confirm_first(
    client, national_admin, providers
):
    UserFactory(email="pending@example.org", is_active=False, email_confirmed_at=None)
    client.force_login(national_admin)

    response = client.post(
        "/directory/health/",
        {
            "provider": providers["stale"].pk,
            "first_name": "P",
            "last_name": "Q",
            "email": "Pending@Example.org",
        },
    )

    assert "has signed up but not confirmed the address yet" in response.content.decode()
    assert not RATeamMembership.objects.filter(user__email="pending@example.org").exists()
