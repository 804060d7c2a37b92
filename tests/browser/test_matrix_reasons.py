"""The matrix's reasons open from the keyboard (and by touch: the same native details element)."""

from django.conf import settings

from authenticators import reference_data

from .helpers import assert_no_serious_axe_violations

REASON = "This application needs AAL3 (very high confidence); Passkey is AAL2 only"


def test_public_chooser_matrix_reason_opens_with_the_keyboard(page, base_url):
    reference_data.load(settings.REFERENCE_DATA_DIR)
    page.goto(f"{base_url}/authenticators/?submitted=1&applications=ncrs&applications=systmone")
    reason = page.get_by_text(f"Passkey: cannot use. {REASON}", exact=False).first
    assert not reason.is_visible()

    summary = page.locator("summary", has_text="Why each authenticator can or cannot be used with SystmOne")
    summary.focus()
    page.keyboard.press("Enter")

    assert reason.is_visible()
    assert_no_serious_axe_violations(page)
