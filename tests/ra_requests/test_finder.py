"""The public Find-your-RA pages and API, on the real ICB file and a few real practices."""

import datetime
import json

import pytest
from django.utils import timezone

from organisations.models import RAProvider

pytestmark = pytest.mark.django_db


def test_api_answers_400_with_a_json_error_for_a_malformed_code(client, ods_directory):
    response = client.get("/directory/api/organisations/not-a-code!")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_ods_code"


def test_api_answers_404_with_a_json_error_for_an_unknown_code(client, ods_directory):
    response = client.get("/directory/api/organisations/Y99999")

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"] == "unknown_ods_code"


def test_api_names_the_icb_the_local_ra_team_and_the_national_route(client, ods_directory):
    icb = RAProvider.objects.get(ods_code="QHM")
    icb.ra_contact_email = "ra@northeast.example.org"
    icb.ra_contact_phone = "0191 000 0000"
    icb.contact_given_by = "ra_team"
    icb.contact_confirmed_at = timezone.now() - datetime.timedelta(days=10)
    icb.save()

    body = client.get("/directory/api/organisations/a81001").json()

    assert body["ods_code"] == "A81001"
    assert body["name"] == "THE DENSHAM SURGERY"
    support = body["support"]
    assert support["icb"]["ods_code"] == "QHM"
    assert support["icb_changes"] == []
    assert support["ra_support"]["given_by"] == "icb"
    contact = support["ra_support"]["contact"]
    assert (contact["state"], contact["email"], contact["phone"]) == (
        "confirmed",
        "ra@northeast.example.org",
        "0191 000 0000",
    )
    assert contact["last_confirmed_on"] == icb.contact_confirmed_at.date().isoformat()
    assert support["national_route"]["email"] == "national.ra@example.org"
    assert "Open Government Licence v3.0" in body["attribution"]


def test_api_follows_a_closed_icb_to_its_successor_and_says_so(client, ods_directory):
    support = client.get("/directory/api/organisations/E81002").json()["support"]

    assert support["published_icb"]["ods_code"] == "QHG"
    assert support["icb"]["ods_code"] == "S1Y5D"
    assert support["icb_changes"] == [
        "NHS Bedfordshire, Luton and Milton Keynes Integrated Care Board closed on 1 April 2026; "
        + RAProvider.objects.get(ods_code="S1Y5D").name
        + " took it over"
    ]
    assert support["ra_support"]["contact"]["state"] == "no_contact"


def test_api_offers_the_successors_of_a_split_icb_with_the_likely_one(client, ods_directory):
    body = client.get("/directory/api/organisations/D81047").json()

    assert body["likely_icb"]["ods_code"] == "S1Y5D"
    assert body["support"]["icb"] is None
    assert body["support"]["ra_support"]["provider"] is None
    assert sorted(c["ods_code"] for c in body["support"]["icb_successor_choices"]) == ["D7T5G", "S1Y5D"]


def test_search_by_code_opens_the_answer_for_that_practice(client, ods_directory):
    response = client.get("/directory/", {"q": " a81001 "})

    assert response.status_code == 302
    assert response["Location"] == "/directory/organisations/A81001/"


@pytest.mark.parametrize("text", ["densham", "Densham Surgery", "TS18 1HU", "ts181hu"])
def test_search_by_name_or_postcode_lists_the_practice(client, ods_directory, text):
    response = client.get("/directory/", {"q": text})

    assert response.status_code == 200
    assert [known.ods_code for known in response.context["page"]] == ["A81001"]
    assert b"/directory/organisations/A81001/" in response.content


def test_search_with_no_result_says_so_and_offers_the_icb_list(client, ods_directory):
    response = client.get("/directory/", {"q": "Nowhere Health Centre"})

    assert response.context["page"].paginator.count == 0
    assert "We could not find a GP practice matching that" in response.content.decode()
    assert b'name="icb"' in response.content


def test_empty_or_too_short_search_shows_the_error_summary(client, ods_directory):
    response = client.get("/directory/", {"q": "a"})

    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "Enter at least 2 letters or numbers to search for" in response.content.decode()


def test_choosing_an_icb_shows_its_ra_support(client, ods_directory):
    response = client.get("/directory/", {"icb": "QE1"})

    assert response["Location"] == "/directory/icbs/QE1/"
    page = client.get(response["Location"]).content.decode()
    assert "RA support in NHS Lancashire and South Cumbria Integrated Care Board" in page


def test_answer_for_a_provider_without_contact_says_so_and_gives_the_national_route(client, ods_directory):
    page = client.get("/directory/organisations/A81001/").content.decode()

    assert "We have no working contact for NHS North East and North Cumbria" in page
    assert 'href="mailto:national.ra@example.org"' in page
    assert "If they are not able to support your request" in page


def test_answer_for_a_split_icb_offers_the_successors_with_the_likely_one_marked(client, ods_directory):
    page = client.get("/directory/organisations/D81047/").content.decode()

    assert 'href="/directory/icbs/S1Y5D/"' in page
    assert 'href="/directory/icbs/D7T5G/"' in page
    assert "Likely" in page


def test_answer_for_a_frimley_practice_asks_which_successor(client, ods_directory):
    body = json.loads(client.get("/directory/api/organisations/H81013").content)

    assert body["likely_icb"] is None
    assert len(body["support"]["icb_successor_choices"]) == 3


def test_answer_for_an_unknown_code_is_a_404_page(client, ods_directory):
    assert client.get("/directory/organisations/Y99999/").status_code == 404
