"""The engine against the facts file (table tests) and its promises for any input (property tests)."""

import itertools
import json
from dataclasses import replace

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from authenticators import rules
from authenticators.reference_data import application_specs_from_file, authenticator_specs_from_file

SOURCE = settings.REFERENCE_DATA_DIR
AUTHENTICATORS = authenticator_specs_from_file(SOURCE)
APPLICATIONS = {a.slug: a for a in application_specs_from_file(SOURCE)}
ALL_SEVEN = {
    "smartcard",
    "windows-hello",
    "security-key",
    "ipad-app",
    "passkey",
    "microsoft-authenticator",
    "nhs-net-connect",
}
AAL3_ONLY = {"smartcard", "windows-hello", "security-key", "ipad-app"}


def usable_with(application_slug, estate=None):
    result = rules.recommend([APPLICATIONS[application_slug]], AUTHENTICATORS, estate)
    return {a.slug for a in result.authenticators if result.verdict(a.slug, application_slug).usable}


# --- Table tests against cis-facts.md §2-4 and the JSON files ---------------------------------------


def test_catalogue_files_list_the_seven_authenticators_with_the_aal_in_the_facts_table():
    assert {a.slug: a.aal for a in AUTHENTICATORS} == {
        "smartcard": "AAL3",
        "windows-hello": "AAL3",
        "security-key": "AAL3",
        "ipad-app": "AAL3",
        "passkey": "AAL2",
        "microsoft-authenticator": "AAL2",
        "nhs-net-connect": "AAL2",
    }
    assert [a.slug for a in AUTHENTICATORS if a.cis1_supported] == ["smartcard"]


@pytest.mark.parametrize(
    ("generation", "min_aal", "expected"),
    [
        ("CIS1", "AAL3", {"smartcard"}),
        ("CIS2", "AAL3", AAL3_ONLY),
        ("CIS2", "AAL2", ALL_SEVEN),
    ],
)
def test_decision_rule_offers_the_authenticators_the_facts_file_names(generation, min_aal, expected):
    application = rules.ApplicationSpec("x", "X", generation, min_aal)

    result = rules.recommend([application], AUTHENTICATORS)

    assert set(result.usable_for_app("x")) == expected


@pytest.mark.parametrize(
    "row", json.loads((SOURCE / "applications.json").read_text()), ids=lambda row: row["slug"]
)
def test_every_catalogue_application_gets_the_authenticators_its_generation_and_aal_allow(row):
    if row["cis_generation"] == "CIS1":
        expected = {"smartcard"}
    elif row["min_aal"] == "AAL3":
        expected = AAL3_ONLY
    else:
        expected = ALL_SEVEN

    assert usable_with(row["slug"]) == expected


def test_cis1_application_says_why_every_other_authenticator_cannot_be_used():
    result = rules.recommend([APPLICATIONS["emis-web"]], AUTHENTICATORS)

    verdict = result.verdict("windows-hello", "emis-web")
    assert verdict.usable is False
    assert verdict.reason == "This application still uses CIS1, which accepts only smartcards over HSCN"
    assert result.recommended == ("smartcard",)


def test_aal3_application_rules_out_aal2_authenticators_with_a_reason():
    result = rules.recommend([APPLICATIONS["apply-for-care-id"]], AUTHENTICATORS)

    assert result.verdict("passkey", "apply-for-care-id") == rules.Verdict(
        False, "This application needs AAL3 (very high confidence); Passkey is AAL2 only"
    )


def test_cis1_application_warns_of_the_february_2027_retirement_and_identity_agent_end():
    result = rules.recommend([APPLICATIONS["spine-portal"], APPLICATIONS["ncrs"]], AUTHENTICATORS)

    messages = {w.code: w.message for w in result.warnings}
    assert "end of February 2027 (28 February 2027)" in messages["cis1_retirement"]
    assert "NHS Spine portal" in messages["cis1_retirement"]
    assert messages["identity_agent_end"].startswith(
        "The legacy NHS Identity Agent works only until 28 February 2027."
    )


def test_low_confidence_applications_are_flagged_unconfirmed_not_hidden():
    low = sorted(slug for slug, app in APPLICATIONS.items() if app.confidence == "low")

    result = rules.recommend([APPLICATIONS[s] for s in low], AUTHENTICATORS)

    assert low == [
        "bcss",
        "bs-select-bsis",
        "care-identity-management",
        "emis-web",
        "epic",
        "lorenzo",
        "manage-breast-screening",
        "rio",
        "spine-portal",
        "systmone",
    ]
    unconfirmed = next(w for w in result.warnings if w.code == "unconfirmed")
    assert "SystmOne" in unconfirmed.message
    assert "EMIS Web" in unconfirmed.message


def test_all_aal2_applications_are_covered_by_one_authenticator_that_needs_nothing_bought():
    result = rules.recommend(
        [APPLICATIONS["ncrs"], APPLICATIONS["e-rs"], APPLICATIONS["mesh-ui"]], AUTHENTICATORS
    )

    assert result.recommended == ("microsoft-authenticator",)
    assert result.shopping_list[0].category == "hardware"
    assert all(item.quantity is None for item in result.shopping_list)


def test_aal3_and_aal2_applications_prefer_windows_hello_which_needs_no_purchase():
    result = rules.recommend([APPLICATIONS["ncrs"], APPLICATIONS["systmone"]], AUTHENTICATORS)

    assert result.recommended == ("windows-hello",)


@pytest.mark.parametrize(
    ("estate", "ruled_out", "reason"),
    [
        (
            rules.EstateFacts(smartphones=False),
            {"passkey", "microsoft-authenticator", "nhs-net-connect"},
            "Passkey needs a smartphone, and your staff do not have one to use",
        ),
        (
            rules.EstateFacts(shared_workstations=True),
            {"windows-hello"},
            "Windows Hello is bound to one device, so it does not follow staff between shared workstations",
        ),
        (
            rules.EstateFacts(windows_tpm=False),
            {"windows-hello"},
            "Windows Hello needs Windows 10 or later devices with TPM 2.0, and you have none",
        ),
        (
            rules.EstateFacts(ipads=False),
            {"ipad-app"},
            "NHS CIS2 iPad app needs an organisation-owned iPad with Touch ID or Face ID for each person",
        ),
    ],
)
def test_estate_facts_rule_authenticators_out_with_a_reason(estate, ruled_out, reason):
    result = rules.recommend([APPLICATIONS["ncrs"]], AUTHENTICATORS, estate)

    assert ALL_SEVEN - usable_with("ncrs", estate) == ruled_out
    assert reason in result.unusable_reasons.values()


def test_shared_workstations_keep_phone_based_methods_for_aal2_with_a_warning_about_shared_devices():
    estate = rules.EstateFacts(shared_workstations=True, smartphones=True)

    result = rules.recommend([APPLICATIONS["ncrs"]], AUTHENTICATORS, estate)

    assert {"microsoft-authenticator", "passkey", "nhs-net-connect"} <= usable_with("ncrs", estate)
    shared = [w for w in result.warnings if w.code == "shared_devices"]
    assert len(shared) == 1
    assert "only from each person's own phone" in shared[0].message


def test_shared_workstations_without_ipads_or_tpm_leave_security_key_or_smartcard_for_aal3():
    estate = rules.EstateFacts(shared_workstations=True, ipads=False, windows_tpm=False)

    result = rules.recommend([APPLICATIONS["systmone"], APPLICATIONS["ncrs"]], AUTHENTICATORS, estate)

    assert usable_with("systmone", estate) == {"security-key", "smartcard"}
    assert result.recommended == ("security-key",)


def test_unknown_estate_facts_rule_nothing_out():
    assert usable_with("ncrs", rules.EstateFacts()) == ALL_SEVEN


def test_no_hscn_with_a_cis1_application_warns_and_lists_hscn_as_needed():
    result = rules.recommend([APPLICATIONS["emis-web"]], AUTHENTICATORS, rules.EstateFacts(hscn=False))

    assert "no_hscn" in {w.code for w in result.warnings}
    hscn = [item for item in result.shopping_list if item.category == "network"]
    assert hscn == [
        rules.ShoppingItem(
            category="network",
            description="HSCN connection (CIS1 accepts smartcards only over HSCN)",
            authenticators=("smartcard",),
            quantity=None,
            in_place=False,
        )
    ]


def test_hscn_already_connected_shows_as_in_place():
    result = rules.recommend([APPLICATIONS["emis-web"]], AUTHENTICATORS, rules.EstateFacts(hscn=True))

    assert [item.in_place for item in result.shopping_list if item.category == "network"] == [True]


def test_shopping_list_counts_one_personal_item_per_person():
    result = rules.recommend([APPLICATIONS["emis-web"]], AUTHENTICATORS, head_count=12)

    cards = [item for item in result.shopping_list if item.description.startswith("NHS smartcard")]
    assert [(c.quantity, c.authenticators) for c in cards] == [(12, ("smartcard",))]
    assert any(item.description.startswith("smartcard reader") for item in result.shopping_list)


def test_application_nothing_in_the_estate_can_cover_is_reported():
    apps = [APPLICATIONS["systmone"]]
    authenticators = [a for a in AUTHENTICATORS if a.slug in {"passkey", "windows-hello"}]

    result = rules.recommend(apps, authenticators, rules.EstateFacts(windows_tpm=False))

    assert result.recommended == ()
    assert result.uncoverable == ("systmone",)
    assert "uncoverable" in {w.code for w in result.warnings}


def test_no_applications_gives_an_empty_recommendation_with_a_prompt():
    result = rules.recommend([], AUTHENTICATORS)

    assert result.recommended == ()
    assert result.why == ("Choose the applications your staff use to see which authenticators fit.",)


def test_merge_shopping_lists_adds_up_counted_items_and_keeps_category_order():
    card = rules.ShoppingItem("hardware", "Smartcard", ("smartcard",), quantity=3, per_person=True)
    reader = rules.ShoppingItem("hardware", "Reader", ("smartcard",))
    hscn = rules.ShoppingItem("network", "HSCN", ("smartcard",), in_place=True)
    app = rules.ShoppingItem("software", "Authenticator app", ("microsoft-authenticator",))

    merged = rules.merge_shopping_lists([[hscn, card, reader], [app, replace(card, quantity=5)], [reader]])

    assert merged == (
        rules.ShoppingItem("hardware", "Reader", ("smartcard",)),
        rules.ShoppingItem("hardware", "Smartcard", ("smartcard",), quantity=8, per_person=True),
        rules.ShoppingItem("software", "Authenticator app", ("microsoft-authenticator",)),
        rules.ShoppingItem("network", "HSCN", ("smartcard",), in_place=True),
    )


def test_uncovered_by_names_the_applications_a_chosen_set_misses():
    apps = [APPLICATIONS["ncrs"], APPLICATIONS["systmone"], APPLICATIONS["emis-web"]]

    assert rules.uncovered_by(["passkey"], apps, AUTHENTICATORS) == ("emis-web", "systmone")
    assert rules.uncovered_by(["smartcard"], apps, AUTHENTICATORS) == ()


def test_smallest_cover_breaks_ties_by_purchases_then_slug():
    masks = {"b": 0b01, "a": 0b01, "c": 0b10, "d": 0b11}

    assert rules.smallest_cover(masks, 0b11, {"a": False, "b": False, "c": False, "d": True}) == ("d",)
    assert rules.smallest_cover(masks, 0b01, {"a": True, "b": False, "c": False, "d": True}) == ("b",)
    assert rules.smallest_cover(masks, 0b01, dict.fromkeys(masks, False)) == ("a",)


# --- Property tests ---------------------------------------------------------------------------------

application_specs = st.builds(
    rules.ApplicationSpec,
    slug=st.text(alphabet="abcdefghij-", min_size=1, max_size=6),
    name=st.text(alphabet="ABCDEFGHIJ ", min_size=1, max_size=8),
    generation=st.sampled_from([rules.CIS1, rules.CIS2]),
    min_aal=st.sampled_from([rules.AAL2, rules.AAL3]),
    confidence=st.sampled_from(["", "medium", "low"]),
)
application_lists = st.lists(application_specs, max_size=12, unique_by=lambda a: a.slug)
maybe = st.one_of(st.none(), st.booleans())
estates = st.builds(
    rules.EstateFacts,
    hscn=maybe,
    windows_tpm=maybe,
    ipads=maybe,
    smartphones=maybe,
    shared_workstations=maybe,
)
authenticator_subsets = st.lists(st.sampled_from(AUTHENTICATORS), unique_by=lambda a: a.slug)


@hypothesis_settings(max_examples=150, deadline=None)
@given(apps=application_lists, estate=estates, authenticators=authenticator_subsets)
def test_recommended_set_covers_every_application_anything_can_cover(apps, estate, authenticators):
    result = rules.recommend(apps, authenticators, estate)

    missed = rules.uncovered_by(result.recommended, apps, authenticators, estate)
    assert missed == result.uncoverable
    for slug in result.uncoverable:
        assert not any(result.verdict(a.slug, slug).usable for a in result.authenticators)


@hypothesis_settings(max_examples=100, deadline=None)
@given(apps=application_lists, estate=estates)
def test_recommended_set_is_the_smallest_that_covers(apps, estate):
    result = rules.recommend(apps, AUTHENTICATORS, estate)

    coverable = {a.slug for a in apps} - set(result.uncoverable)
    for size in range(len(result.recommended)):
        for combo in itertools.combinations([a.slug for a in AUTHENTICATORS], size):
            assert set(rules.uncovered_by(combo, apps, AUTHENTICATORS, estate)) & coverable


@hypothesis_settings(max_examples=150, deadline=None)
@given(apps=application_lists, estate=estates)
def test_an_aal2_authenticator_is_never_offered_for_an_aal3_application(apps, estate):
    result = rules.recommend(apps, AUTHENTICATORS, estate)

    for row in result.rows:
        if row.application.min_aal == rules.AAL3 or row.application.generation == rules.CIS1:
            for authenticator, verdict in zip(result.authenticators, row.verdicts, strict=True):
                if authenticator.aal == rules.AAL2:
                    assert verdict.usable is False
                    assert verdict.reason


@hypothesis_settings(max_examples=150, deadline=None)
@given(apps=application_lists, estate=estates)
def test_any_cis1_application_puts_the_smartcard_in_the_set_and_hscn_on_the_list(apps, estate):
    result = rules.recommend(apps, AUTHENTICATORS, estate)

    if any(a.generation == rules.CIS1 for a in apps):
        assert "smartcard" in result.recommended
        assert any(item.category == "network" and "HSCN" in item.description for item in result.shopping_list)
        assert "cis1_retirement" in {w.code for w in result.warnings}
    else:
        assert not any(item.category == "network" for item in result.shopping_list)


@hypothesis_settings(max_examples=150, deadline=None)
@given(
    apps=application_lists,
    estate=estates,
    head_count=st.one_of(st.none(), st.integers(1, 500)),
    data=st.data(),
)
def test_result_does_not_depend_on_input_order(apps, estate, head_count, data):
    shuffled_apps = data.draw(st.permutations(apps))
    shuffled_authenticators = data.draw(st.permutations(AUTHENTICATORS))

    first = rules.recommend(apps, AUTHENTICATORS, estate, head_count=head_count)
    second = rules.recommend(shuffled_apps, shuffled_authenticators, estate, head_count=head_count)

    assert second == first
    assert second.as_dict() == first.as_dict()


@hypothesis_settings(max_examples=100, deadline=None)
@given(apps=application_lists, estate=estates)
def test_every_cannot_has_a_human_readable_reason(apps, estate):
    result = rules.recommend(apps, AUTHENTICATORS, estate)

    for row in result.rows:
        for verdict in row.verdicts:
            assert len(verdict.reason) > 20


def test_duplicate_slugs_resolve_the_same_way_in_any_order():
    one = rules.ApplicationSpec("x", "X", rules.CIS1, rules.AAL3)
    two = rules.ApplicationSpec("x", "X", rules.CIS2, rules.AAL2)

    assert rules.recommend([one, two], AUTHENTICATORS) == rules.recommend([two, one], AUTHENTICATORS)


def _software(items) -> list[str]:
    return [item.description for item in items if item.category == "software"]


def test_shopping_list_for_a_cis1_machine_group_keeps_the_identity_agent_and_not_smartcard_connect():
    smartcard = [a for a in AUTHENTICATORS if a.slug == "smartcard"]

    items = rules.shopping_list(smartcard, [APPLICATIONS["emis-web"], APPLICATIONS["ncrs"]], head_count=5)

    software = _software(items)
    assert any(item.startswith("Legacy NHS Identity Agent") for item in software)
    assert not any("Smartcard Connect" in item for item in software)


def test_shopping_list_for_a_cis2_only_machine_group_has_smartcard_connect_and_no_identity_agent():
    smartcard = [a for a in AUTHENTICATORS if a.slug == "smartcard"]

    items = rules.shopping_list(smartcard, [APPLICATIONS["systmone"], APPLICATIONS["ncrs"]], head_count=5)

    software = _software(items)
    assert any(item.startswith("NHS Smartcard Connect") for item in software)
    assert not any("Identity Agent" in item for item in software)
    assert not any(item.category == "network" for item in items)


def test_shopping_list_counts_workstation_items_from_the_head_count_unless_workstations_are_shared():
    smartcard = [a for a in AUTHENTICATORS if a.slug == "smartcard"]
    apps = [APPLICATIONS["systmone"]]

    own_desks = rules.shopping_list(
        smartcard, apps, rules.EstateFacts(shared_workstations=False), head_count=7
    )
    shared = rules.shopping_list(smartcard, apps, rules.EstateFacts(shared_workstations=True), head_count=7)

    reader = next(item for item in own_desks if item.description.startswith("smartcard reader"))
    assert (reader.quantity, reader.per_workstation) == (7, True)
    shared_reader = next(item for item in shared if item.description.startswith("smartcard reader"))
    assert (shared_reader.quantity, shared_reader.per_workstation) == (None, True)
    card = next(item for item in shared if item.per_person)
    assert card.quantity == 7


def test_recommendations_for_the_same_estate_do_not_share_their_ruled_out_reasons():
    estate = rules.EstateFacts(windows_tpm=False)
    first = rules.recommend(list(APPLICATIONS.values()), AUTHENTICATORS, estate)
    first.unusable_reasons.clear()

    second = rules.recommend(list(APPLICATIONS.values()), AUTHENTICATORS, estate)

    assert list(second.unusable_reasons) == ["windows-hello"]
