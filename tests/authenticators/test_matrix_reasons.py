"""The matrix's reasons are readable without a mouse: each application has a details row listing every
authenticator's verdict and reason in visible text, not only in a hover title or hidden text."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

CIS1_REASON = "This application still uses CIS1, which accepts only smartcards over HSCN"


def _visible(html: str) -> str:
    return re.sub(r'<span class="nhsuk-u-visually-hidden">.*?</span>', "", html, flags=re.S)


def _details_for(html: str, application: str) -> str:
    blocks = re.findall(r'<details class="nhsuk-details">(.*?)</details>', html, flags=re.S)
    matching = [block for block in blocks if f"with {application}</span>" in block]
    assert len(matching) == 1, f"expected one details row for {application}, found {len(matching)}"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", matching[0])).strip()


def test_matrix_page_reasons_are_in_a_details_row_per_application(client, planned_organisation, org_admin):
    client.force_login(org_admin)

    content = client.get(
        reverse("authenticators:matrix", args=[planned_organisation.ods_code])
    ).content.decode()

    emis = _details_for(content, "EMIS Web")
    assert "Why each authenticator can or cannot be used with EMIS Web" in emis
    assert "NHS smartcard: can use. CIS1 accepts a smartcard over HSCN with the legacy Identity Agent" in emis
    assert f"Passkey: cannot use. {CIS1_REASON}" in emis
    assert "SystmOne" not in emis
    _details_for(content, "SystmOne")


def test_matrix_page_has_no_hover_only_reasons(client, planned_organisation, org_admin):
    client.force_login(org_admin)

    content = client.get(
        reverse("authenticators:matrix", args=[planned_organisation.ods_code])
    ).content.decode()

    assert "Hover" not in content
    assert not re.search(r"<td[^>]* title=", content)
    assert CIS1_REASON in _visible(content)


def test_public_chooser_matrix_reasons_are_visible_text(client, catalogue):
    content = client.get(
        reverse("authenticators:chooser"),
        {"submitted": "1", "applications": ["ncrs", "systmone"], "windows_tpm": "no", "ipads": "no"},
    ).content.decode()

    systmone = _details_for(content, "SystmOne")
    assert (
        "Windows Hello: cannot use. "
        "Windows Hello needs Windows 10 or later devices with TPM 2.0, and you have none" in systmone
    )
    assert (
        "Passkey: cannot use. This application needs AAL3 (very high confidence); Passkey is AAL2 only"
        in systmone
    )
    assert not re.search(r"<td[^>]* title=", content)


def test_group_choice_page_matrix_reasons_are_visible_text(client, planned_organisation, org_admin):
    group = planned_organisation.user_groups.get()
    client.force_login(org_admin)

    content = client.get(
        reverse("authenticators:choose", args=[planned_organisation.ods_code, group.pk])
    ).content.decode()

    assert "Why each authenticator can or cannot be used with" in _visible(content)
    assert not re.search(r"<td[^>]* title=", content)
