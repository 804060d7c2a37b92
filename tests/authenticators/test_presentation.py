from authenticators.models import Application
from authenticators.presentation import application_sections


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
