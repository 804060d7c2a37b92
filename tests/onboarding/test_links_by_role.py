"""The summary, timeline and breadcrumbs link a page only when the user may open it (issue 11 item 9)."""

import re

import pytest
from django.urls import reverse

from tests.factories import NationalRATeamFactory

from .test_summary import submit_request

pytestmark = pytest.mark.django_db


def hrefs(response) -> set[str]:
    return set(re.findall(r'href="([^"#?]+)', response.content.decode()))


@pytest.fixture
def ra_request(organisation, org_admin):
    NationalRATeamFactory()
    return submit_request(organisation, org_admin)


def test_it_lead_summary_actions_link_pages_they_can_open_and_name_the_admin_otherwise(
    client, organisation, it_lead, ra_request, catalogue, training_modules
):
    client.force_login(it_lead)

    response = client.get(reverse("onboarding:summary", args=[organisation.ods_code]))

    links = hrefs(response)
    assert reverse("ra_requests:detail", args=[organisation.ods_code, ra_request.pk]) not in links
    assert not any(link.startswith(f"/readiness/{organisation.ods_code}/questions/") for link in links)
    assert reverse("onboarding:task_list", args=[organisation.ods_code]) not in links
    # The plan and training actions point to the parts' own pages, which IT leads use.
    assert reverse("authenticators:plan", args=[organisation.ods_code]) in links
    assert reverse("training:staff_list", args=[organisation.ods_code]) in links
    assert "Your organisation admin can do this." in response.content.decode()


def test_org_admin_summary_keeps_the_wizard_and_request_links(
    client, organisation, org_admin, ra_request, catalogue, training_modules
):
    client.force_login(org_admin)

    links = hrefs(client.get(reverse("onboarding:summary", args=[organisation.ods_code])))

    assert reverse("ra_requests:detail", args=[organisation.ods_code, ra_request.pk]) in links
    assert reverse("onboarding:step", args=[organisation.ods_code, "applications"]) in links
    assert reverse("onboarding:task_list", args=[organisation.ods_code]) in links  # the back link


def test_timeline_links_ra_requests_for_the_admin_only(client, organisation, org_admin, it_lead, ra_request):
    request_url = reverse("ra_requests:detail", args=[organisation.ods_code, ra_request.pk])
    timeline = reverse("onboarding:timeline", args=[organisation.ods_code])

    client.force_login(org_admin)
    admin_page = client.get(timeline)
    client.force_login(it_lead)
    it_lead_page = client.get(timeline)

    assert request_url in hrefs(admin_page)
    assert request_url not in hrefs(it_lead_page)
    assert ra_request.reference in it_lead_page.content.decode()  # the entry stays, without the link


@pytest.mark.parametrize(
    "page", ["training:dashboard", "training:staff_list", "authenticators:plan", "authenticators:inventory"]
)
def test_breadcrumb_names_the_organisation_with_a_page_each_role_may_open(
    client, organisation, org_admin, it_lead, catalogue, page
):
    url = reverse(page, args=[organisation.ods_code])

    client.force_login(it_lead)
    it_lead_links = hrefs(client.get(url))
    client.force_login(org_admin)
    admin_links = hrefs(client.get(url))

    task_list = reverse("onboarding:task_list", args=[organisation.ods_code])
    summary = reverse("onboarding:summary", args=[organisation.ods_code])
    assert task_list not in it_lead_links
    assert summary in it_lead_links
    assert task_list in admin_links
