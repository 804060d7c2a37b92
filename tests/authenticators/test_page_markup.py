"""The authenticator pages draw their checkbox groups, and the chooser its list of authenticators, in
Python: each page must be exactly what its templates gave.

``reference_templates/`` keeps the pages' templates and ``includes/checkboxes.html`` as they were
before; each case renders the page with the real templates and with those, from the same view.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from authenticators.models import Application, Authenticator

REFERENCE_DIR = Path(__file__).parent / "reference_templates"

CASES = [
    {},
    {"submitted": "1", "applications": ["ncrs", "systmone"], "windows_tpm": "no", "ipads": "no"},
    {"applications": ["ncrs"], "hscn": "yes", "smartphones": "unknown", "head_count": "12"},
    {"submitted": "1", "hscn": "yes"},
    {"submitted": "1", "applications": ["ncrs", "nonsense"], "ipads": "maybe", "head_count": "0"},
    {"submitted": "1", "applications": ["e-rs"], "head_count": "many"},
]


def reference_templates():
    engine = {**settings.TEMPLATES[0], "DIRS": [REFERENCE_DIR, *settings.TEMPLATES[0]["DIRS"]]}
    return override_settings(TEMPLATES=[engine])


def both_ways(client, params, url=None, method="get") -> tuple[str, str]:
    url = url or reverse("authenticators:chooser")
    pages = []
    for templates in (None, reference_templates()):
        if templates is None:
            response = getattr(client, method)(url, params)
        else:
            with templates:
                response = getattr(client, method)(url, params)
        assert response.status_code == 200
        # Each response has its own masked CSRF token.
        pages.append(re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode()))
    return pages[0], pages[1]


@pytest.mark.django_db
@pytest.mark.parametrize("params", CASES)
def test_the_chooser_page_is_the_markup_its_templates_gave(client, catalogue, params):
    ours, reference = both_ways(client, params)

    assert "Which authenticators can your staff use?" in reference
    assert ours == reference


@pytest.mark.django_db
def test_the_chooser_page_escapes_the_catalogues_words_as_its_templates_did(client, catalogue):
    Authenticator.objects.filter(slug="passkey").update(
        name="Passkey <b>&</b> \"more\"", cost_notes="", notes="<script>x</script> & 'y'",
        source_url="https://example.org/?a=1&b=<2>; https://example.org/" + "z" * 90,
    )  # fmt: skip
    Authenticator.objects.filter(slug="smartcard").update(cost_notes="£5 & <up>", cis1_supported=True)
    Application.objects.filter(slug="ncrs").update(name="NCRS <&> 'x'", supplier='"NHS" & co')
    signed_in = {"submitted": "1", "applications": ["ncrs"], "hscn": "no"}

    for params in ({}, signed_in):
        ours, reference = both_ways(client, params)

        assert "&lt;script&gt;" in reference
        assert ours == reference


@pytest.mark.django_db
def test_the_plan_pages_with_checkbox_groups_are_the_markup_their_templates_gave(
    client, planned_organisation, org_admin
):
    group = planned_organisation.user_groups.get()
    code = planned_organisation.ods_code
    cases = [
        ("authenticators:inventory", [code], "get", {}),
        ("authenticators:inventory", [code], "post", {"applications": ["ncrs", "no-such-app"]}),
        ("authenticators:group_add", [code], "get", {}),
        ("authenticators:group_add", [code], "post", {"name": "", "head_count": "0"}),
        ("authenticators:group_edit", [code, group.pk], "get", {}),
        ("authenticators:choose", [code, group.pk], "get", {}),
        ("authenticators:choose", [code, group.pk], "post", {"authenticators": []}),
    ]
    client.force_login(org_admin)
    with_errors = 0

    for name, args, method, params in cases:
        ours, reference = both_ways(client, params, reverse(name, args=args), method)

        assert 'class="nhsuk-checkboxes__item"' in reference
        assert ours == reference, (name, method)
        with_errors += 'nhsuk-error-message" id="applications-error"' in reference
        with_errors += 'nhsuk-error-message" id="authenticators-error"' in reference
    assert with_errors == 3  # the inventory, group and choose pages posted
