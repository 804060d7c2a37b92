"""Our templates use nhsuk-frontend 10 markup: every nhsuk-* class exists in the vendored CSS,
back links and pagination follow the v10 components, and our own forms skip browser validation."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from pytest_django.asserts import assertInHTML

from training import services as training_services
from training.models import EmploymentType, StaffRole

from .html import elements

TEMPLATES = Path(settings.BASE_DIR) / "templates"
CSS = Path(settings.BASE_DIR) / "static" / "nhsuk" / "nhsuk-frontend.min.css"
CHECKED_TEMPLATES = sorted(TEMPLATES.rglob("*.html"))
TEMPLATE_TAG = re.compile(r"\{[{%].*?[}%]\}")


def _nhsuk_classes(template_text: str) -> set[str]:
    classes = set()
    for value in re.findall(r'class="([^"]*)"', template_text):
        # A class glued to a template tag (nhsuk-{{ kind }}, nhsuk-tag--{{ colour }}) is built at
        # render time; only the literal class names can be checked here.
        literal = TEMPLATE_TAG.sub(" \x00", value)
        classes.update(
            name for name in literal.split() if name.startswith("nhsuk-") and not name.endswith("\x00")
        )
    return {name for name in classes if not name.endswith("-") and not name.endswith("_")}


def test_templates_use_only_nhsuk_classes_that_the_vendored_css_defines():
    known = set(re.findall(r"\.(nhsuk-[A-Za-z0-9_-]+)", CSS.read_text()))

    unknown = {
        str(path.relative_to(TEMPLATES)): sorted(_nhsuk_classes(path.read_text()) - known)
        for path in CHECKED_TEMPLATES
    }

    assert {name: classes for name, classes in unknown.items() if classes} == {}


def test_class_check_catches_a_class_removed_in_nhsuk_frontend_10():
    known = set(re.findall(r"\.(nhsuk-[A-Za-z0-9_-]+)", CSS.read_text()))

    found = _nhsuk_classes('<a class="nhsuk-back-link__link nhsuk-u-{{ size }}" href="/">Back</a>')

    assert found == {"nhsuk-back-link__link"}
    assert "nhsuk-back-link__link" not in known


def test_template_forms_all_turn_off_browser_validation():
    without_novalidate = [
        f"{path.relative_to(TEMPLATES)}: {tag}"
        for path in CHECKED_TEMPLATES
        for tag in re.findall(r"<form\b[^>]*>", path.read_text())
        if "novalidate" not in tag and "flat_attrs" not in tag
    ]

    assert without_novalidate == []


@pytest.mark.django_db
def test_sign_in_page_has_a_v10_back_link_to_home(client):
    html = client.get(reverse("organisations:login")).content.decode()

    assertInHTML('<a class="nhsuk-back-link" href="/">Home</a>', html)
    assert "nhsuk-back-link__link" not in html


@pytest.mark.django_db
def test_ra_request_list_back_link_goes_to_the_readiness_tasks(client, organisation, org_admin):
    client.force_login(org_admin)

    html = client.get(reverse("ra_requests:list", args=[organisation.ods_code])).content.decode()

    back_links = [attrs for _, attrs in elements(html, "a") if attrs.get("class") == "nhsuk-back-link"]
    assert back_links == [
        {"class": "nhsuk-back-link", "href": reverse("onboarding:task_list", args=[organisation.ods_code])}
    ]


@pytest.mark.django_db
def test_staff_list_pagination_uses_v10_previous_and_next_links(client, organisation, org_admin, monkeypatch):
    monkeypatch.setattr("training.views.STAFF_PAGE_SIZE", 1)
    for name in ("Ada Lovelace", "Grace Hopper", "Alan Turing"):
        training_services.add_staff_member(
            organisation,
            full_name=name,
            email=f"{name.split()[0].lower()}@example.org",
            role=StaffRole.DESKSIDE,
            employment_type=EmploymentType.IN_HOUSE,
            acting_user=org_admin,
        )
    client.force_login(org_admin)

    html = client.get(
        reverse("training:staff_list", args=[organisation.ods_code]) + "?page=2"
    ).content.decode()

    links = [attrs for _, attrs in elements(html, "a") if attrs.get("class") == "nhsuk-pagination__link"]
    assert links == [
        {"class": "nhsuk-pagination__link", "href": "?page=1", "rel": "prev"},
        {"class": "nhsuk-pagination__link", "href": "?page=3", "rel": "next"},
    ]
    assertInHTML(
        '<span class="nhsuk-pagination__title">Previous<span class="nhsuk-u-visually-hidden">:</span></span>',
        html,
    )
    assertInHTML('<span class="nhsuk-pagination__page">Page 3 of 3</span>', html)
    assert "nhsuk-pagination__link--" not in html
