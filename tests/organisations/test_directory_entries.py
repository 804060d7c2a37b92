"""RA teams keep their own directory entry; its state has one definition; reminders go once per cycle."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from notifications.models import OutboundEmail
from organisations import demo_data, reference_data
from organisations.directory_entries import EntryState, entry_status
from organisations.models import RAProvider
from organisations.services import directory_entries
from tests.factories import NationalRATeamFactory, RAProviderFactory
from tests.organisations.test_admin import _change_form_data

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2026, 11, 29, 12, 0, tzinfo=datetime.UTC)


@pytest.fixture
def national_team():
    return NationalRATeamFactory()


def _provider(**fields):
    return RAProviderFactory.build(ods_code="QXX", **fields)


@pytest.mark.parametrize(
    ("fields", "state"),
    [
        ({"ra_contact_email": ""}, EntryState.NO_CONTACT),
        ({"ra_contact_email": "ra@example.org"}, EntryState.UNCONFIRMED),
        (
            {
                "ra_contact_email": "ra@example.org",
                "contact_confirmed_at": NOW - datetime.timedelta(days=182),
            },
            EntryState.CONFIRMED,
        ),
        (
            {
                "ra_contact_email": "ra@example.org",
                "contact_confirmed_at": NOW - datetime.timedelta(days=183),
            },
            EntryState.STALE,
        ),
        (
            {
                "ra_contact_email": "ra@example.org",
                "contact_confirmed_at": NOW - datetime.timedelta(days=1),
                "contact_bouncing_since": NOW,
            },
            EntryState.BOUNCING,
        ),
    ],
)
def test_entry_status_names_each_state(fields, state):
    assert entry_status(_provider(**fields), now=NOW).state == state


def test_ra_team_member_edits_and_confirms_their_own_entry(client, icb, ra_team_member, national_team):
    client.force_login(ra_team_member)

    response = client.post(
        "/account/ra-team/directory-entry/",
        {
            "ra_contact_email": "new.ra@lsc.example.org",
            "ra_contact_phone": "01772 000000",
            "ra_web_page": "https://www.example.nhs.uk/ra",
            "ra_opening_hours": "Monday to Friday, 9am to 5pm",
            "ra_services_offered": "New smartcards, unlocks",
            "ra_services_not_offered": "",
            "ra_charging_note": "No charge for GP practices",
        },
    )

    assert response.status_code == 302
    icb.refresh_from_db()
    assert (icb.ra_contact_email, icb.ra_contact_phone, icb.contact_given_by) == (
        "new.ra@lsc.example.org",
        "01772 000000",
        "ra_team",
    )
    assert icb.contact_confirmed_by == ra_team_member
    assert entry_status(icb).state == EntryState.CONFIRMED
    latest = icb.history.latest()
    assert latest.history_user == ra_team_member
    told = OutboundEmail.objects.get(dedupe_key__startswith=f"ra_provider:{icb.pk}:email_changed:")
    assert told.to == ["national-ra@example.org"]
    assert "Was: ra.qe1@example.org" in told.body
    assert "Now: new.ra@lsc.example.org" in told.body


def test_saving_the_same_email_again_does_not_tell_the_national_team(
    client, icb, ra_team_member, national_team
):
    client.force_login(ra_team_member)

    client.post("/account/ra-team/directory-entry/", {"ra_contact_email": icb.ra_contact_email})

    assert not OutboundEmail.objects.filter(dedupe_key__contains="email_changed").exists()


def test_entry_page_shows_errors_in_the_summary_and_keeps_what_was_typed(client, icb, ra_team_member):
    client.force_login(ra_team_member)

    response = client.post(
        "/account/ra-team/directory-entry/",
        {
            "ra_contact_email": "not-an-email",
            "ra_contact_phone": "0161\nclick http://x",
            "ra_web_page": "nope",
        },
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Enter an email address in the correct format" in page
    assert "Enter this on one line" in page
    assert 'value="not-an-email"' in page
    icb.refresh_from_db()
    assert icb.ra_contact_email == "ra.qe1@example.org"


def test_confirm_button_confirms_without_changing_details(client, icb, ra_team_member):
    client.force_login(ra_team_member)

    client.post("/account/ra-team/directory-entry/", {"confirm": "1"})

    icb.refresh_from_db()
    assert icb.contact_confirmed_at is not None
    assert icb.ra_contact_email == "ra.qe1@example.org"


def test_people_outside_an_ra_team_cannot_open_the_entry_page(client, org_admin, national_admin):
    client.force_login(org_admin)
    assert client.get("/account/ra-team/directory-entry/").status_code == 404
    client.force_login(national_admin)
    assert client.get("/account/ra-team/directory-entry/").status_code == 404


def test_an_ra_team_member_cannot_edit_another_providers_entry(icb, other_icb, other_ra_team_member):
    with pytest.raises(PermissionDenied):
        directory_entries.update_directory_entry(
            icb, acting_user=other_ra_team_member, ra_contact_email="attacker@example.org"
        )
    icb.refresh_from_db()
    assert icb.ra_contact_email == "ra.qe1@example.org"


def test_entry_page_edits_only_the_members_own_provider(client, icb, other_icb, other_ra_team_member):
    client.force_login(other_ra_team_member)

    client.post("/account/ra-team/directory-entry/", {"ra_contact_email": "changed@wy.example.org"})

    icb.refresh_from_db()
    other_icb.refresh_from_db()
    assert icb.ra_contact_email == "ra.qe1@example.org"
    assert other_icb.ra_contact_email == "changed@wy.example.org"


def test_confirmation_reminder_goes_once_per_cycle_through_the_outbox(
    icb, ra_team_member, django_capture_on_commit_callbacks, mailoutbox
):
    confirmed = timezone.now() - datetime.timedelta(days=170)
    RAProvider.objects.filter(pk=icb.pk).update(contact_confirmed_at=confirmed, contact_given_by="ra_team")
    fresh = RAProviderFactory(
        ods_code="QYY", contact_confirmed_at=timezone.now() - datetime.timedelta(days=100)
    )

    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_directory_reminders")
        call_command("send_directory_reminders")

    reminders = OutboundEmail.objects.filter(dedupe_key__contains="confirm_reminder")
    assert [email.to for email in reminders] == [[ra_team_member.email]]
    assert len(mailoutbox) == 1
    assert "/account/ra-team/directory-entry/" in mailoutbox[0].body
    assert not OutboundEmail.objects.filter(topic=f"ra_provider:{fresh.pk}").exists()

    directory_entries.confirm_directory_entry(icb, acting_user=ra_team_member)
    RAProvider.objects.filter(pk=icb.pk).update(contact_confirmed_at=confirmed + datetime.timedelta(days=1))
    assert directory_entries.send_confirmation_reminders() == 1


def test_bouncing_addresses_flag_their_provider_and_a_new_address_clears_it(icb, ra_team_member):
    assert directory_entries.flag_bouncing_contacts(["RA.QE1@example.org"]) == 1
    icb.refresh_from_db()
    assert entry_status(icb).state == EntryState.BOUNCING

    directory_entries.update_directory_entry(
        icb, acting_user=ra_team_member, ra_contact_email="ra2@lsc.example.org"
    )

    icb.refresh_from_db()
    assert icb.contact_bouncing_since is None


def test_demo_data_has_a_directory_entry_in_each_state():
    reference_data.load(settings.REFERENCE_DATA_DIR)
    demo_data.seed()

    states = {
        p.ods_code: entry_status(p).state
        for p in RAProvider.objects.filter(ods_code__in=["QE1", "QWO", "QHM", "QOX"])
    }
    assert states == {
        "QE1": EntryState.CONFIRMED,
        "QWO": EntryState.UNCONFIRMED,
        "QHM": EntryState.STALE,
        "QOX": EntryState.NO_CONTACT,
    }
    assert RAProvider.objects.get(ods_code="QE1").contact_confirmed_by.email == "ra.team@example.org"


def test_a_contact_address_changed_in_the_admin_is_unconfirmed_and_no_longer_bouncing(
    admin_client, role_groups, icb
):
    RAProvider.objects.filter(pk=icb.pk).update(
        contact_confirmed_at=timezone.now(), contact_given_by="ra_team", contact_bouncing_since=timezone.now()
    )
    url = f"/admin/organisations/raprovider/{icb.pk}/change/"
    data = _change_form_data(admin_client.get(url))
    data["ra_contact_email"] = "new.address@lsc.example.org"

    response = admin_client.post(url, data)

    assert response.status_code == 302
    icb.refresh_from_db()
    assert (icb.ra_contact_email, icb.contact_given_by) == ("new.address@lsc.example.org", "administrator")
    assert entry_status(icb).state == EntryState.UNCONFIRMED
