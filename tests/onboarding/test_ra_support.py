"""RA support as the issue saw it at Riverside: one unlock resolved, set-up requests open or declined.

The wizard's RA steps, the readiness summary and its action plan, the ICB overview and its CSV
must all say the same thing, and each open request must show its real status and who it waits for.
"""

import csv
import io

import pytest
from django.urls import reverse

from onboarding.overview import icb_overview
from onboarding.selectors import readiness_summary
from onboarding.services import record_readiness_statuses
from ra_requests import services as ra_services
from ra_requests.models import RARequest

from .conftest import future_date

pytestmark = pytest.mark.django_db

REQUEST = {
    "staff_affected": 3,
    "contact_name": "Asha Patel",
    "contact_phone": "01632 960 001",
    "contact_email": "asha@riverside.example.org",
    "already_tried": "Nothing yet",
    "charge_acknowledged": True,
}


def submit(organisation, user, help_needed):
    return ra_services.submit_ra_request(
        organisation, submitted_by=user, help_needed=help_needed, needed_by=future_date(), **REQUEST
    )


@pytest.fixture
def riverside(organisation, org_admin, ra_team_member, save, details_answers, national_team):
    """RA-000001 waits for the practice, RA-000002 is unacknowledged, the wizard's own RA-000003
    was declined, and a one-person smartcard unlock (RA-000004) was resolved."""
    waiting = submit(organisation, org_admin, ["register_users"])
    ra_services.acknowledge_ra_request(waiting, acting_user=ra_team_member)
    ra_services.ask_organisation(waiting, acting_user=ra_team_member, comment="How many staff?")
    unacknowledged = submit(organisation, org_admin, ["issue_smartcards"])
    save("organisation-details", details_answers)
    save("ra-support", {"has_ra_support": "no", "provider_name": ""})
    journey = save(
        "ra-request",
        {
            "help_needed": ["positions"],
            "staff_affected": 2,
            "needed_by": future_date(),
            "contact_email": "asha@riverside.example.org",
            "already_tried": "Nothing",
            "charge_acknowledged": True,
        },
    )
    from_wizard = RARequest.objects.get(pk=journey.answers["ra-request"]["request_id"])
    ra_services.decline_ra_request(from_wizard, reason="outside_area", acting_user=ra_team_member)
    unlock = submit(organisation, org_admin, ["unlock_renew"])
    ra_services.start_work_on_ra_request(unlock, acting_user=ra_team_member)
    ra_services.resolve_ra_request(unlock, acting_user=ra_team_member)
    return {
        "waiting": waiting,
        "unacknowledged": unacknowledged,
        "from_wizard": from_wizard,
        "unlock": unlock,
    }


def test_summary_does_not_count_a_resolved_smartcard_unlock_as_ra_support(organisation, riverside):
    ra = readiness_summary(organisation).items[0]

    assert ra.state == "partly_met"
    assert ra.state_label == "In progress"
    waiting, unacknowledged = riverside["waiting"], riverside["unacknowledged"]
    assert (
        f"Request {waiting.reference} to {organisation.icb.name}: the RA team is waiting for your reply."
        in ra.detail
    )
    assert (
        f"Request {unacknowledged.reference} to {organisation.icb.name} is submitted: "
        "waiting for the RA team." in ra.detail
    )
    assert riverside["unlock"].reference not in ra.detail


def test_action_plan_asks_for_the_reply_the_ra_team_is_waiting_for(organisation, riverside):
    (ra_action,) = [item for item in readiness_summary(organisation).actions if item.key == "ra"]

    waiting = riverside["waiting"]
    assert ra_action.action == f"The RA team is waiting for your reply to {waiting.reference}."
    assert ra_action.action_url == reverse("ra_requests:detail", args=[organisation.ods_code, waiting.pk])
    assert ra_action.action_label == f"Reply to {waiting.reference}"


def test_icb_overview_and_its_csv_list_every_open_request_instead_of_request_resolved(
    client, icb, organisation, riverside, ra_team_member
):
    record_readiness_statuses()  # the hourly job: the overview and its CSV read what it stores

    (row,) = icb_overview(icb).records
    waiting, unacknowledged = riverside["waiting"], riverside["unacknowledged"]

    assert row.ra_state == "partly_met"
    assert row.ra_detail == (
        "Not arranged yet (waiting for the organisation). "
        f"Open: {unacknowledged.reference}: Submitted, waiting for the RA team; "
        f"{waiting.reference}: Waiting for organisation, waiting for the organisation"
    )
    client.force_login(ra_team_member)
    rows = list(csv.reader(io.StringIO(client.get(reverse("onboarding:icb_overview_csv")).content.decode())))
    assert rows[1][5] == row.ra_detail


def test_wizard_ra_request_step_shows_its_declined_request_and_the_next_step(
    client, organisation, org_admin, riverside
):
    client.force_login(org_admin)

    response = client.get(reverse("onboarding:step", args=[organisation.ods_code, "ra-request"]))

    content = response.content.decode()
    sent = content.split('id="sent-request"', 1)[1].split("</div>", 1)[0]
    assert "Its status is <strong>Declined</strong>." in sent
    assert "Submitted" not in sent
    assert "Next step: Send the request to the national RA team." in sent
    open_list = content.split('id="open-requests"', 1)[1].split("</ul>", 1)[0]
    assert f"{riverside['unacknowledged'].reference}</a>: Submitted, waiting for the RA team" in open_list
    assert (
        f"{riverside['waiting'].reference}</a>: Waiting for organisation, waiting for your reply" in open_list
    )
    assert riverside["unlock"].reference not in open_list
