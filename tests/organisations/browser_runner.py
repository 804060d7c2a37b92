"""Drives Chromium for test_accounts_in_browser, in a process of its own.

tests/browser keeps one Playwright session open for the whole test run, and Playwright's sync API
allows one per thread, so these account journeys run here instead and report what they saw as
JSON on stdout:

    python -m tests.organisations.browser_runner <base_url> <journey> '<json arguments>'

Each journey returns page headings, error-summary text and axe-core's serious or critical
violations for every page it visits; the test asserts on them.
"""

import json
import sys
from urllib.parse import urlsplit

from playwright.sync_api import sync_playwright

from tests.browser.helpers import serious_axe_violations

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _local_only(route):
    if urlsplit(route.request.url).hostname in {"127.0.0.1", "localhost"}:
        route.continue_()
    else:
        route.abort()


def _ready(page) -> None:
    page.wait_for_function("document.body.classList.contains('nhsuk-frontend-supported')")


def _seen(page) -> dict:
    _ready(page)
    summary = page.locator(".nhsuk-error-summary")
    return {
        "url": page.url,
        "title": page.title(),
        "h1": page.locator("h1").first.inner_text(),
        "errors": summary.inner_text() if summary.count() else "",
        "main": page.locator("main").inner_text(),
        "axe": serious_axe_violations(page),
    }


def _submit(page, button: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()


def sign_up(page, base_url: str, *, icb_name: str, password: str) -> list[dict]:
    page.goto(f"{base_url}/account/sign-up/")
    seen = [_seen(page)]
    page.get_by_label("Work email address").fill("asha.patel@example.org")
    page.get_by_label("Your organisation's ODS code").fill("12")
    _submit(page, "Create account")
    seen.append(_seen(page))
    seen[-1]["email_value"] = page.get_by_label("Work email address").input_value()
    seen[-1]["focused"] = page.evaluate("document.activeElement.className")
    page.get_by_label("First name").fill("Asha")
    page.get_by_label("Last name").fill("Patel")
    page.get_by_label("Create a password").fill(password)
    page.get_by_label("Confirm your password").fill(password)
    page.get_by_label("Your organisation's ODS code").fill("A81234")
    page.get_by_label("Organisation name").fill("Canal Street Surgery")
    page.get_by_label("GP practice").check()
    page.get_by_label("Integrated care board (ICB)").select_option(label=icb_name)
    _submit(page, "Create account")
    seen.append(_seen(page))
    return seen


def confirm_email(page, base_url: str, *, path: str) -> list[dict]:
    page.goto(base_url + path)
    seen = [_seen(page)]
    _submit(page, "Confirm and sign in")
    seen.append(_seen(page))
    return seen


def lock_out(page, base_url: str, *, email: str, attempts: int) -> list[dict]:
    page.goto(f"{base_url}/account/sign-in/")
    seen = []
    for _ in range(attempts):
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill("wrong-password-1")
        _submit(page, "Sign in")
        seen.append(_seen(page))
    return seen


def invite(page, base_url: str, *, email: str, password: str, ods_code: str, invitee: str) -> list[dict]:
    page.goto(f"{base_url}/account/sign-in/")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    _submit(page, "Sign in")
    page.goto(f"{base_url}/account/{ods_code}/team/")
    seen = [_seen(page)]
    page.get_by_label("Email address").fill(invitee)
    page.get_by_label("IT lead").check()
    _submit(page, "Send invitation")
    seen.append(_seen(page))
    return seen


def accept_invitation(page, base_url: str, *, path: str, password: str) -> list[dict]:
    page.goto(base_url + path)
    seen = [_seen(page)]
    page.get_by_label("First name").fill("Nia")
    page.get_by_label("Last name").fill("Lead")
    page.get_by_label("Create a password").fill(password)
    page.get_by_label("Confirm your password").fill(password)
    _submit(page, "Create account and accept")
    seen.append(_seen(page))
    return seen


JOURNEYS = {
    "sign_up": sign_up,
    "confirm_email": confirm_email,
    "lock_out": lock_out,
    "invite": invite,
    "accept_invitation": accept_invitation,
}


def main(base_url: str, journey: str, arguments: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
        context.route("**/*", _local_only)
        page = context.new_page()
        try:
            result = JOURNEYS[journey](page, base_url, **json.loads(arguments))
        finally:
            browser.close()
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main(*sys.argv[1:4])
