from authenticators.models import Application, Authenticator
from authenticators.presentation import application_sections, authenticator_facts


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
