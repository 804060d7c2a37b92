"""The ICB overview: scoping to the RA team's provider, counts, filter, CSV and a flat query count.

The overview reads stored readiness rows; each test refreshes them (``refresh()``, the hourly job)
after arranging its data, as the job would before anyone looked.
"""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from onboarding.overview import icb_overview
from onboarding.services import record_readiness_statuses as refresh
from organisations.models import Organisation
from training import services as training_services

from .test_summary import make_plan, submit_request

pytestmark = pytest.mark.django_db


def add_organisations(icb, count, start=0, organisation_type=Organisation.OrganisationType.GP_PRACTICE):
    Organisation.objects.bulk_create(
        [
            Organisation(
                ods_code=f"Y{start + n:05d}",
                name=f"Bulk Practice {start + n:05d}",
                organisation_type=organisation_type,
                icb=icb,
            )
            for n in range(count)
        ]
    )


@pytest.fixture
def busy_organisation(organisation, org_admin, catalogue, training_modules):
    """One organisation with an open RA request, a plan and a member of staff."""
    submit_request(organisation, org_admin)
    make_plan(organisation, org_admin)
    training_services.add_staff_member(
        organisation,
        full_name="Tom Jones",
        email="tom@riverside.example.org",
        role="deskside",
        employment_type="in_house",
        acting_user=org_admin,
    )
    return organisation


def count_page_queries(client) -> tuple[int, int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("onboarding:icb_overview"))
    assert response.status_code == 200
    return len(queries), response.context["overview"].total, " ".join(q["sql"] for q in queries)


def test_icb_overview_page_runs_the_same_queries_for_10_and_2000_organisations(
    client, icb, busy_organisation, ra_team_member
):
    add_organisations(icb, 9)
    refresh()
    client.force_login(ra_team_member)
    small_queries, small_total, _ = count_page_queries(client)
    add_organisations(icb, 1990, start=9)
    refresh()

    large_queries, large_total, sql = count_page_queries(client)

    assert (small_total, large_total) == (10, 2000)
    assert small_queries == large_queries
    assert large_queries <= 15
    # Read from the stored rows: no part's tables, and no OR across a join to every RA request.
    for table in ("ra_requests_rarequest", "training_completion", "authenticators_usergroup"):
        assert table not in sql


def test_national_overview_page_runs_the_same_queries_for_10_and_2000_organisations(
    client, icb, other_icb, busy_organisation, national_admin
):
    add_organisations(icb, 9)
    refresh()
    client.force_login(national_admin)
    small_queries, small_total, _ = count_page_queries(client)
    add_organisations(other_icb, 1990, start=9)
    refresh()

    large_queries, large_total, sql = count_page_queries(client)

    assert (small_total, large_total) == (10, 2000)
    assert small_queries == large_queries
    assert "ra_requests_rarequest" not in sql


def test_icb_overview_gives_each_organisation_its_stored_status(icb, busy_organisation):
    add_organisations(icb, 2)
    refresh()

    result = icb_overview(icb)

    rows = {row.ods_code: row for row in result.records}
    busy = rows[busy_organisation.ods_code]
    assert (busy.ra_state, busy.plan_state, busy.training_state, busy.cis1_state) == (
        "partly_met",
        "met",
        "missing",
        "partly_met",
    )
    assert busy.status == "not_ready"
    assert busy.ra_detail.endswith(": Submitted, waiting for the RA team")
    assert busy.cis1_applications == ["EMIS Web"]
    assert busy.cis1_count == 1
    assert busy.open_request_provider_id == icb.pk
    assert rows["Y00000"].ra_detail == "Not arranged"
    assert [(status, count) for status, _, count in result.counts] == [
        ("ready", 0),
        ("nearly_ready", 0),
        ("not_ready", 3),
    ]


def test_icb_overview_page_lists_counts_and_filters_by_type(client, icb, organisation, ra_team_member):
    add_organisations(icb, 2, organisation_type=Organisation.OrganisationType.COMMUNITY_PHARMACY)
    refresh()
    client.force_login(ra_team_member)

    everything = client.get(reverse("onboarding:icb_overview"))
    pharmacies = client.get(reverse("onboarding:icb_overview"), {"organisation_type": "community_pharmacy"})

    assert everything.context["overview"].total == 3
    assert [row.ods_code for row in pharmacies.context["page"].object_list] == ["Y00000", "Y00001"]
    html = pharmacies.content.decode()
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric" data-status="not_ready">2</td>' in html
    assert organisation.name not in html


def test_icb_overview_shows_an_ra_member_of_another_provider_none_of_these_organisations(
    client, icb, organisation, other_ra_team_member, other_organisation
):
    add_organisations(icb, 3)
    refresh()
    client.force_login(other_ra_team_member)

    response = client.get(reverse("onboarding:icb_overview"))

    codes = [row.ods_code for row in response.context["page"].object_list]
    assert codes == [other_organisation.ods_code]
    assert organisation.name not in response.content.decode()


def test_icb_overview_is_refused_to_people_outside_ra_teams(client, org_admin):
    client.force_login(org_admin)

    response = client.get(reverse("onboarding:icb_overview"))

    assert response.status_code == 403
    assert "<h1>You cannot see this page" in response.content.decode()


def test_icb_overview_csv_export_has_one_row_per_organisation(client, icb, busy_organisation, ra_team_member):
    add_organisations(icb, 1)
    Organisation.objects.filter(ods_code="Y00000").update(name="=HYPERLINK(evil)")
    refresh()
    client.force_login(ra_team_member)

    response = client.get(reverse("onboarding:icb_overview_csv"))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(f'attachment; filename="cis-readiness-{icb.ods_code}-')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["ODS code", "Organisation", "Type", "ICB", "Readiness"]
    by_code = {row[0]: row for row in rows[1:]}
    assert set(by_code) == {busy_organisation.ods_code, "Y00000"}
    assert by_code[busy_organisation.ods_code][4:9] == [
        "Not ready",
        by_code[busy_organisation.ods_code][5],
        "Covers every application",
        "0",
        "EMIS Web",
    ]
    assert by_code["Y00000"][1] == "'=HYPERLINK(evil)"


def test_icb_overview_page_lists_100_a_page_but_counts_every_organisation(client, icb, ra_team_member):
    add_organisations(icb, 120)
    refresh()
    client.force_login(ra_team_member)

    first = client.get(reverse("onboarding:icb_overview"))
    second = client.get(reverse("onboarding:icb_overview"), {"page": "2"})

    assert len(first.context["page"].object_list) == 100
    assert [row.ods_code for row in second.context["page"].object_list][:2] == [
        "Y00100",
        "Y00101",
    ]
    assert '<td class="nhsuk-table__cell nhsuk-table__cell--numeric" data-status="not_ready">120</td>' in (
        second.content.decode()
    )
    assert 'href="?page=2"' in first.content.decode()
    filtered = client.get(reverse("onboarding:icb_overview"), {"organisation_type": "gp_practice"})
    assert 'href="?organisation_type=gp_practice&amp;page=2"' in filtered.content.decode()


def test_icb_overview_csv_is_refused_to_organisation_admins(client, org_admin):
    client.force_login(org_admin)

    response = client.get(reverse("onboarding:icb_overview_csv"))

    assert response.status_code == 403
    assert response.get("Content-Disposition") is None


def test_icb_overview_filters_the_list_and_csv_by_readiness_status(
    client, icb, organisation, org_admin, ra_team_member, save, details_answers, catalogue, training_modules
):
    save("organisation-details", details_answers)
    save("ra-support", {"has_ra_support": "yes", "provider_name": "Own team"})
    make_plan(organisation, org_admin)  # plan and RA met, CIS1 in use: nobody trained, so still not ready
    add_organisations(icb, 2)
    refresh()
    client.force_login(ra_team_member)

    ready_only = client.get(reverse("onboarding:icb_overview"), {"status": "ready"})
    not_ready = client.get(reverse("onboarding:icb_overview"), {"status": "not_ready"})
    csv_rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("onboarding:icb_overview_csv"), {"status": "ready"}).content.decode()
            )
        )
    )

    assert list(ready_only.context["page"].object_list) == []
    assert "No organisations that are ready send their RA requests to you." in ready_only.content.decode()
    assert len(not_ready.context["page"].object_list) == 3
    assert 'href="?status=not_ready">Not ready' in not_ready.content.decode()
    assert csv_rows == [csv_rows[0]]


def test_icb_overview_ignores_malformed_query_parameters(client, icb, ra_team_member):
    add_organisations(icb, 3)
    refresh()
    client.force_login(ra_team_member)

    response = client.get(
        reverse("onboarding:icb_overview"),
        {"page": "abc", "status": "bogus", "organisation_type": "<script>"},
    )
    export = client.get(reverse("onboarding:icb_overview_csv"), {"status": "bogus", "organisation_type": "x"})

    assert [row.ods_code for row in response.context["page"].object_list] == [
        "Y00000",
        "Y00001",
        "Y00002",
    ]
    assert response.context["status"] == ""
    assert response.context["organisation_type"] == ""
    assert len(list(csv.reader(io.StringIO(export.content.decode())))) == 4  # header and three rows


def test_icb_overview_includes_an_organisation_elsewhere_while_its_request_is_open_here(
    client, icb, other_icb, organisation, org_admin, other_ra_team_member, other_organisation
):
    from ra_requests.models import RARequest

    request = submit_request(organisation, org_admin)
    RARequest.objects.filter(pk=request.pk).update(provider=other_icb)  # as if re-routed
    refresh()
    client.force_login(other_ra_team_member)

    while_open = client.get(reverse("onboarding:icb_overview"))
    RARequest.objects.filter(pk=request.pk).update(status="declined", decline_reason="duplicate")
    refresh()
    after = client.get(reverse("onboarding:icb_overview"))

    assert [row.ods_code for row in while_open.context["page"].object_list] == ["B82002", "A81001"]
    assert while_open.context["overview"].total == 2
    assert [row.ods_code for row in after.context["page"].object_list] == ["B82002"]
    assert after.context["overview"].total == 1


def test_every_provider_holding_one_of_an_organisations_open_requests_sees_it(
    client, icb, other_icb, organisation, org_admin, other_ra_team_member, other_organisation
):
    """Not only the provider of the newest open request: an older request still open elsewhere
    keeps the organisation on that provider's overview."""
    from ra_requests.models import RARequest

    older = submit_request(organisation, org_admin)
    RARequest.objects.filter(pk=older.pk).update(provider=other_icb)  # as if re-routed
    newer = submit_request(organisation, org_admin)
    refresh()
    client.force_login(other_ra_team_member)

    response = client.get(reverse("onboarding:icb_overview"))

    assert newer.provider == icb
    assert [row.ods_code for row in response.context["page"].object_list] == ["B82002", "A81001"]
    assert icb_overview(icb).records.filter(ods_code="A81001").exists()


def test_overview_csv_runs_the_same_queries_for_10_and_500_organisations(client, icb, ra_team_member):
    add_organisations(icb, 10)
    refresh()
    client.force_login(ra_team_member)
    with CaptureQueriesContext(connection) as small:
        small_rows = client.get(reverse("onboarding:icb_overview_csv")).content.decode().count("\n")
    add_organisations(icb, 490, start=10)
    refresh()

    with CaptureQueriesContext(connection) as large:
        large_rows = client.get(reverse("onboarding:icb_overview_csv")).content.decode().count("\n")

    assert (small_rows, large_rows) == (11, 501)  # a header and one line per organisation
    assert len(small.captured_queries) == len(large.captured_queries)
