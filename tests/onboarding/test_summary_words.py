import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_summary_explains_each_overall_status_plainly(client, organisation, org_admin):
    client.force_login(org_admin)

    html = client.get(reverse("onboarding:summary", args=[organisation.ods_code])).content.decode()

    assert "none is left undone" not in html
    assert (
        "Ready means all four checks are done. Nearly ready means every check is at least in progress. "
        "Not ready means at least one check has not been started."
    ) in " ".join(html.split())
