"""Wizard steps draw their form with ``as_nhsuk_form``: each page must be exactly what it was with
``{{ form|crispy }}``. ``reference_templates/onboarding/step.html`` keeps the template as it was."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from onboarding.selectors import journey_for_organisation

pytestmark = pytest.mark.django_db

REFERENCE_DIR = Path(__file__).parent / "reference_templates"


def page(client, method, url, data):
    response = getattr(client, method)(url, data)
    assert response.status_code == 200
    # Each response has its own masked CSRF token.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_wizard_steps_are_the_markup_the_crispy_filter_gave(
    client, organisation, org_admin, catalogue, save, details_answers
):
    engine = {**settings.TEMPLATES[0], "DIRS": [REFERENCE_DIR, *settings.TEMPLATES[0]["DIRS"]]}
    client.force_login(org_admin)

    def url(slug):
        return reverse("onboarding:step", args=[organisation.ods_code, slug])

    def version():
        return {"version": journey_for_organisation(organisation).version}

    cases = [
        ("get", "organisation-details", dict),
        ("post", "organisation-details", lambda: {**version(), "contact_phone": "x", "cis_user_count": "0"}),
        ("post", "organisation-details", lambda: {"version": "stale"}),
        ("get", "ra-support", dict),
        ("post", "ra-support", lambda: {**version(), "has_ra_support": "yes"}),
        ("get", "applications", dict),
    ]
    checked = []
    for answered in (False, True):
        if answered:
            save("organisation-details", details_answers)
        for method, slug, data in cases:
            ours = page(client, method, url(slug), data())
            with override_settings(TEMPLATES=[engine]):
                reference = page(client, method, url(slug), data())

            assert ours == reference, (answered, method, slug)
            checked.append("nhsuk-error-summary" in reference)
    assert checked.count(True) == 6  # each post, answered or not, shows its errors
