from authenticators import rules
from authenticators.forms import ChooserForm
from authenticators.models import Application, Authenticator
from authenticators.presentation import application_sections, authenticator_facts, radio_group, text_input


def test_application_sections_group_by_label_and_link_only_the_first_checkbox_from_the_error_summary():
    applications = [
        Application(slug="ncrs", name="NCRS", cis_generation="CIS2", min_aal="AAL2"),
        Application(slug="legacy", name="Legacy", cis_generation="CIS1", min_aal="AAL3"),
        Application(slug="systmone", name="SystmOne", cis_generation="CIS2", min_aal="AAL3"),
        Application(slug="emis-web", name="EMIS Web", cis_generation="CIS2", min_aal="AAL2"),
    ]

    sections = application_sections("applications", applications, {"systmone"})

    assert [(s["legend"], [o["value"] for o in s["options"]]) for s in sections] == [
        ("CIS1 (legacy)", ["legacy"]),
        ("CIS2, AAL2", ["ncrs", "emis-web"]),
        ("CIS2, AAL3", ["systmone"]),
    ]
    ids = [o["id"] for s in sections for o in s["options"]]
    assert ids == [
        "id_applications_0",
        "id_applications_ncrs",
        "id_applications_emis-web",
        "id_applications_systmone",
    ]
    assert [o["value"] for s in sections for o in s["options"] if o["checked"]] == ["systmone"]


def test_radio_group_keeps_djangos_ids_the_answer_given_and_the_fields_errors():
    form = ChooserForm({"hscn": "no", "ipads": "maybe"}, catalogue=[])
    form.is_valid()

    hscn = radio_group(form["hscn"])
    ipads = radio_group(form["ipads"])

    assert [(o["id"], o["value"], o["label"], o["checked"]) for o in hscn["options"]] == [
        ("id_hscn_0", "yes", "Yes", False),
        ("id_hscn_1", "no", "No", True),
        ("id_hscn_2", "unknown", "Not sure", False),
    ]
    assert (hscn["legend"], hscn["classes"], hscn["errors"], hscn["describedby"]) == (
        rules.ESTATE_QUESTIONS["hscn"],
        "nhsuk-radios--inline",
        [],
        "",
    )
    assert not any(o["checked"] for o in ipads["options"])
    assert ipads["errors"] == ["Select a valid choice. maybe is not one of the available choices."]
    assert ipads["describedby"] == "id_ipads-error"


def test_text_input_keeps_the_typed_value_the_widths_and_attributes_and_marks_errors():
    valid = ChooserForm(None, catalogue=[])
    invalid = ChooserForm({"head_count": "abc"}, catalogue=[])
    invalid.is_valid()

    empty = text_input(valid["head_count"])
    typed = text_input(invalid["head_count"])

    assert (empty["value"], empty["classes"], empty["describedby"]) == (
        None,
        "nhsuk-input nhsuk-input--width-5",
        "id_head_count-hint",
    )
    assert empty["attrs"] == [("inputmode", "numeric"), ("spellcheck", "false")]
    assert (typed["value"], typed["classes"], typed["describedby"]) == (
        "abc",
        "nhsuk-input nhsuk-input--width-5 nhsuk-input--error",
        "id_head_count-hint id_head_count-error",
    )
    assert typed["errors"] == ["Number of staff must be a whole number, like 12"]


def test_authenticator_facts_shorten_only_long_source_links_for_display():
    long_link = "https://digital.nhs.uk/" + "a" * 100
    authenticator = Authenticator(
        slug="security-key",
        name="Security key (FIDO2)",
        aal="AAL3",
        issued_by="self",
        source_url=f"https://example.org/short; {long_link}",
    )

    (facts,) = authenticator_facts([authenticator])

    assert (facts["label"], facts["aal_display"], facts["issued_by"]) == (
        "Security key",
        "AAL3 (very high confidence)",
        "Self-service",
    )
    assert facts["links"] == [
        {"url": "https://example.org/short", "text": "https://example.org/short"},
        {"url": long_link, "text": long_link[:79] + "…"},
    ]
