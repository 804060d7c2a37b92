"""One training figure: the dashboard, the readiness summary and the ICB overview (and its CSV) show the
same count of technical support staff, with words saying what is counted."""

import csv
import io

import pytest
from django.urls import reverse

from onboarding.services import record_readiness_statuses
from training.compliance import TRAINED_STAFF_DEFINITION

from .test_overview_agreement import add_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_of_three_trained(organisation, org_admin, catalogue, training_modules):
    add_staff(organisation, org_admin, "Amy Able", trained=True)
    add_staff(organisation, org_admin, "Ben Best", trained=True)
    add_staff(organisation, org_admin, "Cat Cole", trained=False)
    return organisation


def test_dashboard_summary_and_icb_overview_show_the_same_trained_staff_figure(
    client, two_of_three_trained, org_admin, ra_team_member
):
    organisation = two_of_three_trained
    client.force_login(org_admin)
    dashboard = client.get(reverse("training:dashboard", args=[organisation.ods_code])).content.decode()
    summary = client.get(reverse("onboarding:summary", args=[organisation.ods_code])).content.decode()
    record_readiness_statuses()  # training records reach the overview's stored rows through the hourly job
    client.force_login(ra_team_member)
    overview = client.get(reverse("onboarding:icb_overview")).content.decode()
    exported = client.get(reverse("onboarding:icb_overview_csv")).content.decode()

    figure = "2 of 3 technical support staff (66%) are trained and in date"
    assert figure in dashboard.split('id="trained-staff"', 1)[1].split("</dd>", 1)[0]
    assert TRAINED_STAFF_DEFINITION in dashboard
    assert f"{figure}: in date for every module that applies to their role." in summary
    assert "66% (2 of 3)" in overview
    assert "in date for every training module that applies to their role" in overview
    (row,) = list(csv.DictReader(io.StringIO(exported)))
    assert row["Technical support staff in date for every module that applies to them (%)"] == "66"
