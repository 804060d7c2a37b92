"""Helpers for browser tests: sign in through the real form, and check pages with axe-core."""

from axe_playwright_python.base import AXE_SCRIPT

SERIOUS_IMPACTS = {"serious", "critical"}


def sign_in(page, base_url: str, email: str, password: str) -> None:
    """Sign in through the portal's sign-in page, as a person would, and wait for the next page."""
    page.goto(f"{base_url}/account/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in", exact=True).click()


def serious_axe_violations(page) -> list[dict]:
    """Run axe-core on the current page; return its serious and critical violations.

    Each item is ``{"id", "impact", "help", "targets"}`` (targets are CSS selectors of the failing
    nodes) so an assertion failure says what to fix and where. axe is injected with
    ``page.evaluate`` rather than a script tag, so our Content-Security-Policy does not block it.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "targets": [", ".join(map(str, node["target"])) for node in violation["nodes"]],
        }
        for violation in results["violations"]
        if violation.get("impact") in SERIOUS_IMPACTS
    ]


def assert_no_serious_axe_violations(page) -> None:
    violations = serious_axe_violations(page)
    assert violations == [], (
        "axe-core found serious or critical problems on "
        + page.url
        + ":\n"
        + "\n".join(f"- {v['id']} ({v['impact']}): {v['help']} -> {v['targets']}" for v in violations)
    )
