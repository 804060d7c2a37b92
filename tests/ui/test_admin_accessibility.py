"""The admin site's own markup fixes for WCAG 2.2 AA (the browser test runs axe on top of these)."""

import pytest
from django.urls import reverse

from tests.factories import OrganisationFactory, RAProviderFactory

from .html import elements

pytestmark = pytest.mark.django_db


def _links(html):
    return [attrs.get("href") for _, attrs in elements(html, "a")]


@pytest.fixture
def blank_region_provider(db):
    return RAProviderFactory(ods_code="QZZ", name="NHS Nowhere ICB", region="", region_code="")


def test_provider_region_filter_names_the_blank_region_instead_of_an_empty_link(
    client, national_admin, role_groups, icb, blank_region_provider
):
    client.force_login(national_admin)

    listing = client.get(reverse("admin:organisations_raprovider_changelist")).content.decode()
    blank = client.get(reverse("admin:organisations_raprovider_changelist"), {"region": "none"})

    assert "?region=" not in _links(listing)
    assert "No region recorded</a>" in listing
    assert list(blank.context["cl"].result_list) == [blank_region_provider]


def test_organisation_region_filter_names_the_blank_region_too(
    client, national_admin, role_groups, organisation, blank_region_provider
):
    elsewhere = OrganisationFactory(ods_code="Z99999", icb=blank_region_provider)
    client.force_login(national_admin)

    listing = client.get(reverse("admin:organisations_organisation_changelist")).content.decode()
    blank = client.get(reverse("admin:organisations_organisation_changelist"), {"region": "none"})

    assert "?icb__region=" not in _links(listing)
    assert not [href for href in _links(listing) if href and href.endswith("region=")]
    assert list(blank.context["cl"].result_list) == [elsewhere]


def test_changelist_search_box_has_a_visible_text_label(client, national_admin, role_groups):
    client.force_login(national_admin)

    content = client.get(reverse("admin:ra_requests_rarequest_changelist")).content.decode()

    assert '<label for="searchbar" class="search-label">Search</label>' in content
    assert 'aria-describedby="searchbar_helptext"' in content


def test_date_and_time_parts_each_have_a_label(client, national_admin, role_groups):
    client.force_login(national_admin)

    content = client.get(
        reverse("admin:organisations_user_change", args=[national_admin.pk])
    ).content.decode()

    assert '<label class="datetime-part" for="id_last_login_0">Date:</label>' in content
    assert '<label class="datetime-part" for="id_last_login_1">Time:</label>' in content


def test_every_admin_page_loads_the_accessibility_css_and_script(client, national_admin, role_groups):
    client.force_login(national_admin)

    content = client.get(reverse("admin:index")).content.decode()

    assert "css/admin_accessibility" in content
    assert "js/admin_accessibility" in content


def _directives(policy: str) -> dict[str, str]:
    return dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())


def test_the_admin_policy_allows_only_the_history_lists_style_attribute_and_nowhere_else(
    client, national_admin, role_groups
):
    client.force_login(national_admin)

    admin_policy = _directives(client.get(reverse("admin:index"))["Content-Security-Policy"])
    portal_policy = _directives(client.get(reverse("home"))["Content-Security-Policy"])

    assert (
        admin_policy["style-src"]
        == "'self' 'unsafe-hashes' 'sha256-XMXSevYjgSjXgRafBFDvtjwX+yyWLrxfso9DcNZ9UXM='"
    )
    assert admin_policy["script-src"] == "'self'"
    assert portal_policy["style-src"] == "'self'"
    assert {k: v for k, v in admin_policy.items() if k != "style-src"} == {
        k: v for k, v in portal_policy.items() if k != "style-src"
    }
