from cis_portal.fragment_versions import fragment_version

TEMPLATES = ("authenticators/_plan_body.html", "onboarding/_summary_checks.html")


def test_the_version_follows_the_templates_and_the_presentation_version():
    assert fragment_version(TEMPLATES, 1) == fragment_version(TEMPLATES, 1)
    assert fragment_version(TEMPLATES, 1) != fragment_version(TEMPLATES, 2)
    assert fragment_version(TEMPLATES, 1) != fragment_version(TEMPLATES[:1], 1)
