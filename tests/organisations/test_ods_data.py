import json
import shutil

import pytest
from django.conf import settings

from organisations import ods_data, reference_data
from organisations.models import KnownOrganisation, RAProvider
from organisations.selectors import directory_confirms_organisation, ods_lookup
from organisations.services.claims import submit_claim
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_load_reads_every_gp_practice_once_and_keeps_the_attribution():
    first = reference_data.load(settings.REFERENCE_DATA_DIR)
    second = reference_data.load(settings.REFERENCE_DATA_DIR)

    assert KnownOrganisation.objects.count() == 6253
    assert "6,253 from gp-practices.csv (+6,253 rows)" in first
    assert "6,253 from gp-practices.csv (+0 rows)" in second
    assert "Contains public sector information licensed under the Open Government Licence v3.0" in second
    densham = KnownOrganisation.objects.get(ods_code="A81001")
    assert (densham.name, densham.postcode, densham.icb.ods_code, densham.organisation_type) == (
        "THE DENSHAM SURGERY",
        "TS18 1HU",
        "QHM",
        "gp_practice",
    )
    ashwell = KnownOrganisation.objects.get(ods_code="D81047")
    assert (ashwell.icb.ods_code, ashwell.likely_icb.ods_code) == ("QM7", "S1Y5D")


def _source_dir(tmp_path, *files):
    for name in ("icbs.csv", "csus.csv"):
        shutil.copy(settings.REFERENCE_DATA_DIR / name, tmp_path / name)
    (tmp_path / "ods").mkdir()
    entries = []
    for name, organisation_type, text in files:
        (tmp_path / "ods" / name).write_text(text, encoding="utf-8")
        entries.append(
            {"file": name, "organisation_type": organisation_type, "icb_column": "icb", "description": name}
        )
    manifest = {"attribution": "Contains public sector information", "files": entries}
    (tmp_path / "ods" / "sources.json").write_text(json.dumps(manifest), encoding="utf-8")
    return tmp_path


def test_a_new_ods_file_is_a_manifest_entry_not_code(tmp_path):
    source = _source_dir(
        tmp_path,
        ("gps.csv", "gp_practice", "ods_code,name,postcode,icb\nA81001,THE DENSHAM SURGERY,TS18 1HU,QHM\n"),
        (
            "pharmacies.csv",
            "community_pharmacy",
            "ods_code,name,postcode,icb\nfa123,HARBOUR PHARMACY,L1 8JQ,QE1\n",
        ),
    )

    reference_data.load(source)

    pharmacy = KnownOrganisation.objects.get(ods_code="FA123")
    assert (pharmacy.organisation_type, pharmacy.icb.ods_code, pharmacy.sub_icb_code) == (
        "community_pharmacy",
        "QE1",
        "",
    )
    assert pharmacy.search_text == "HARBOUR PHARMACY L18JQ"


def test_reloading_drops_rows_a_file_no_longer_lists_and_updates_the_rest(tmp_path):
    text = (
        "ods_code,name,postcode,icb\n"
        "A81001,THE DENSHAM SURGERY,TS18 1HU,QHM\n"
        "A81002,QUEENS PARK,TS18 2AW,QHM\n"
    )
    source = _source_dir(tmp_path, ("gps.csv", "gp_practice", text))
    reference_data.load(source)

    (source / "ods" / "gps.csv").write_text(
        "ods_code,name,postcode,icb\nA81001,THE DENSHAM SURGERY (RENAMED),TS18 1HU,QHM\n", encoding="utf-8"
    )
    summary = ods_data.load(source)

    assert list(KnownOrganisation.objects.values_list("ods_code", "name")) == [
        ("A81001", "THE DENSHAM SURGERY (RENAMED)")
    ]
    assert "(-1 rows)" in summary
    assert RAProvider.objects.filter(ods_code="QHM").count() == 1


def test_ods_lookup_gives_name_and_icb_of_a_known_practice(ods_directory):
    lookup = ods_lookup(" a81001 ")

    assert lookup.known.name == "THE DENSHAM SURGERY"
    assert lookup.icb.ods_code == "QHM"
    assert (lookup.icb_changes, lookup.icb_choices, lookup.likely_icb) == ([], [], None)


def test_ods_lookup_follows_a_closed_icb_to_its_successor_and_says_why(ods_directory):
    lookup = ods_lookup("E81002")

    assert lookup.icb.ods_code == "S1Y5D"
    assert lookup.icb_changes[0].startswith(
        "NHS Bedfordshire, Luton and Milton Keynes Integrated Care Board closed on 1 April 2026; "
    )


def test_ods_lookup_offers_the_likely_successor_of_a_split_icb_first(ods_directory):
    lookup = ods_lookup("D81047")

    assert lookup.icb is None
    assert [icb.ods_code for icb in lookup.icb_choices] == ["S1Y5D", "D7T5G"]
    assert lookup.likely_icb.ods_code == "S1Y5D"


def test_ods_lookup_asks_a_frimley_practice_to_choose_without_a_likely_one(ods_directory):
    lookup = ods_lookup("H81013")

    assert lookup.likely_icb is None
    assert len(lookup.icb_choices) == 3


def test_ods_lookup_of_an_unknown_code_knows_nothing(ods_directory):
    lookup = ods_lookup("Y99999")

    assert not lookup.is_known
    assert lookup.icb is None


@pytest.mark.parametrize(
    ("code", "icb", "confirmed"),
    [
        ("A81001", "QHM", True),  # listed, with its published ICB
        ("A81001", "QE1", False),  # listed, but the claimant gave another ICB
        ("E81002", "S1Y5D", True),  # its ICB closed: the one that took it over
        ("D81047", "D7T5G", True),  # split ICB: either successor
        ("Y99999", "QHM", False),  # not in the open data
    ],
)
def test_directory_confirms_an_organisation_only_from_the_open_data(ods_directory, code, icb, confirmed):
    assert directory_confirms_organisation(code, icb=RAProvider.objects.get(ods_code=icb)) is confirmed


def test_a_confirmed_claim_for_a_practice_in_the_open_data_is_approved_at_once(ods_directory):
    claimant = UserFactory(email="manager@densham.example.org")

    claim = submit_claim(
        claimant,
        ods_code="A81001",
        organisation_name="The Densham Surgery",
        organisation_type="gp_practice",
        icb=RAProvider.objects.get(ods_code="QHM"),
    )

    assert claim.status == "approved"
    assert claimant.memberships.get().organisation.ods_code == "A81001"


def test_a_claim_for_a_code_the_open_data_lacks_waits_for_the_ra_team(ods_directory):
    claimant = UserFactory(email="manager@new.example.org")

    claim = submit_claim(
        claimant,
        ods_code="Y99999",
        organisation_name="New Surgery",
        organisation_type="gp_practice",
        icb=RAProvider.objects.get(ods_code="QHM"),
    )

    assert claim.status == "awaiting_approval"
    assert not claimant.memberships.exists()
