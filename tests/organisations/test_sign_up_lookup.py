"""Sign-up and "register an organisation" fill in a practice from the open ODS data."""

import re

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def selected_icb(page: str) -> str | None:
    match = re.search(r'<option value="\d+" selected>([^<]+)</option>', page)
    return match.group(1) if match else None


def icb_options(page: str) -> list[str]:
    select = page[page.index('name="icb"') :]
    select = select[: select.index("</select>")]
    return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)


def test_a_known_practice_gets_its_name_type_and_icb_without_typing_them(client, ods_directory):
    page = client.get("/account/sign-up/", {"ods": "a81001"}).content.decode()

    assert 'value="A81001"' in page
    assert 'value="The Densham Surgery"' in page
    assert 'type="radio" value="gp_practice" checked' in page
    assert selected_icb(page) == "NHS North East and North Cumbria Integrated Care Board"
    assert "We found <strong>The Densham Surgery</strong> (A81001, TS18 1HU)" in page
    assert "Open Government Licence v3.0" in page


def test_a_practice_in_a_closed_icb_gets_the_successor_and_the_reason(client, ods_directory):
    page = client.get("/account/sign-up/", {"ods": "E81002"}).content.decode()

    assert selected_icb(page) == "NHS Central East Integrated Care Board"
    assert "NHS Bedfordshire, Luton and Milton Keynes Integrated Care Board closed on 1 April 2026" in page


def test_a_split_icb_practice_is_offered_the_likely_successor_first_and_selected(client, ods_directory):
    page = client.get("/account/sign-up/", {"ods": "D81047"}).content.decode()

    options = icb_options(page)
    assert options[0].endswith("(likely)")
    assert selected_icb(page) == options[0]
    assert "is likely, from the practice's sub-ICB location" in page


def test_a_frimley_practice_is_asked_to_choose_with_nothing_chosen(client, ods_directory):
    page = client.get("/account/sign-up/", {"ods": "H81013"}).content.decode()

    assert selected_icb(page) is None
    assert "(likely)" not in page
    assert len([o for o in icb_options(page)[:3] if "Frimley" not in o]) == 3
    assert "Choose the ICB your organisation is now part of" in page


def test_an_unknown_code_asks_which_icb(client, ods_directory):
    page = client.get("/account/sign-up/", {"ods": "Y99999"}).content.decode()

    assert "We could not find Y99999 in the open organisation data" in page
    assert 'value="Y99999"' in page
    assert selected_icb(page) is None


def test_a_malformed_code_is_ignored_not_an_error(client, ods_directory):
    response = client.get("/account/sign-up/", {"ods": "<script>"})

    assert response.status_code == 200
    assert "We found" not in response.content.decode()


def test_register_organisation_uses_the_same_lookup(client, ods_directory):
    client.force_login(UserFactory())

    page = client.get("/account/organisations/new/", {"ods": "A81001"}).content.decode()

    assert 'value="The Densham Surgery"' in page
    assert selected_icb(page) == "NHS North East and North Cumbria Integrated Care Board"
