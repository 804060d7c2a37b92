"""Words users see on the authenticator pages: plain English, no notes meant for us, jargon explained."""

import csv
import io
import re

import pytest
from django.urls import reverse

from authenticators.models import Authenticator

pytestmark = pytest.mark.django_db

# Wording written for the people who gathered the sources, not for the people using the portal.
INTERNAL_WORDING = [
    "the source does not state this outright",
    "formerly 'Windows Hello for Business' in CIS pages",
    "formerly &#x27;Windows Hello for Business&#x27; in CIS pages",
    "authenticator app / TOTP code",
    "synced passkey on phone/computer",
    "series 8 Oberthur, series 9 Idemia/PIV",
    "FIDO2, e.g. YubiKey",
    "is inferred, not stated by a source",
    "not named on the CIS source page",
    "supplier details not on the CIS source page",
    "per NHS developer forum",
    "treat RA Agent as unconfirmed",
    "not captured from an NHS source",
    "CIM index page",
    "the sources imply but do not state",
    "inferred from the sources",
]


def _text(html: str) -> str:
    main = html.split('<main class="nhsuk-main-wrapper" id="maincontent">', 1)[1].split("</main>", 1)[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_catalogue_authenticator_names_are_plain(catalogue):
    names = dict(Authenticator.objects.values_list("slug", "name"))

    assert names == {
        "smartcard": "NHS smartcard",
        "windows-hello": "Windows Hello",
        "security-key": "Security key (such as a YubiKey)",
        "ipad-app": "NHS CIS2 iPad app",
        "passkey": "Passkey",
        "microsoft-authenticator": "Microsoft Authenticator (app showing a 6-digit code)",
        "nhs-net-connect": "NHS.net Connect (formerly NHSmail)",
    }


@pytest.mark.parametrize(
    "path",
    [
        "/authenticators/",
        "/authenticators/?submitted=1&applications=ncrs&applications=emis-web&applications=systmone",
    ],
)
def test_public_chooser_has_no_internal_wording(client, catalogue, path):
    html = client.get(path).content.decode()

    assert [words for words in INTERNAL_WORDING if words in html] == []


def test_organisation_pages_and_csv_have_no_internal_wording(client, planned_organisation, org_admin):
    client.force_login(org_admin)
    group = planned_organisation.user_groups.get()
    ods = planned_organisation.ods_code
    pages = [
        f"/authenticators/{ods}/{path}" for path in ["", "print/", "applications/", "matrix/", "plan.csv"]
    ]
    pages.append(f"/authenticators/{ods}/groups/{group.pk}/choose/")

    found = {page: [w for w in INTERNAL_WORDING if w in client.get(page).content.decode()] for page in pages}

    assert found == {page: [] for page in pages}


def test_unconfirmed_application_hint_says_plainly_what_is_uncertain(client, catalogue):
    html = client.get("/authenticators/").content.decode()

    assert (
        "Supplier: EMIS Health. CIS1 (legacy, smartcard over HSCN only), needs AAL3. "
        "Not confirmed: NHS England's pages suggest this but do not say it. Check with the supplier."
    ) in _text(html)


def test_public_chooser_explains_each_term_at_first_use(client, catalogue):
    text = _text(client.get("/authenticators/").content.decode())

    explanations = {
        "CIS1": "CIS1 is the older way of signing in",
        "CIS2": "CIS2 is the current one",
        "HSCN": "HSCN (the Health and Social Care Network",
        "AAL": "assurance level (AAL)",
        "AAL2": "AAL2 means high confidence",
        "AAL3": "AAL3 means very high confidence",
        "FIDO2": "FIDO2",
        "TOTP": None,  # not used at all: "a 6-digit code" says it
    }
    for term, explanation in explanations.items():
        first_use = re.search(rf"\b{term}\b", text)
        if explanation is None:
            assert first_use is None, f"{term} is used on the chooser"
            continue
        assert first_use, term
        nearby = text[max(0, first_use.start() - 120) : first_use.end() + 160]
        assert explanation in nearby, f"{term} is not explained at its first use: ...{nearby}..."
    assert "FIDO2 is an open standard" in text


def test_plan_csv_names_authenticators_plainly(client, planned_organisation, org_admin):
    client.force_login(org_admin)

    content = client.get(reverse("authenticators:csv", args=[planned_organisation.ods_code])).content.decode()

    names = {row[4] for row in csv.reader(io.StringIO(content)) if len(row) > 4 and row[4]}
    assert "TOTP" not in " ".join(names)


@pytest.mark.parametrize("slug", ["passkey", "microsoft-authenticator"])
def test_the_add_an_authenticator_app_is_marked_as_in_development(catalogue, slug):
    notes = Authenticator.objects.get(slug=slug).notes

    mention = notes.index("'Add an authenticator'")
    assert "in development" in notes[mention : mention + 120]
