"""The account journeys in Chromium, every page checked with axe-core: sign-up, lockout, invitations.

The browser runs in a process of its own (see browser_runner.py) against pytest-django's live_server.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from organisations import services
from organisations.models import Role, User
from tests.factories import TEST_PASSWORD, OrganisationFactory, RAProviderFactory, UserFactory

from .helpers import emails_to, link_path

pytestmark = pytest.mark.browser

PASSWORD = "lighthouse-harbour-2026"
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def journey(live_server, transactional_db):
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is missing: install it with `apt-get install -y chromium`"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message, pytrace=False)
        pytest.skip(message)

    def run(name: str, **arguments) -> list[dict]:
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "tests.organisations.browser_runner",
                live_server.url,
                name,
                json.dumps(arguments),
            ],
            cwd=settings.BASE_DIR,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert completed.returncode == 0, completed.stderr[-3000:]
        return json.loads(completed.stdout)

    return run


def assert_accessible(pages: list[dict]) -> None:
    problems = {page["url"]: page["axe"] for page in pages if page["axe"]}
    assert problems == {}


def test_sign_up_and_confirm_in_browser_are_accessible(journey):
    RAProviderFactory(ods_code="QE1", name="NHS Lancashire and South Cumbria Integrated Care Board")

    blank, with_errors, done = journey(
        "sign_up", icb_name="NHS Lancashire and South Cumbria Integrated Care Board", password=PASSWORD
    )

    assert blank["h1"] == "Create an organisation admin account"
    assert with_errors["title"].startswith("Error: Create an organisation admin account")
    assert "Enter a valid ODS code" in with_errors["errors"]
    assert with_errors["email_value"] == "asha.patel@example.org"
    assert with_errors["focused"] == "nhsuk-error-summary"
    assert done["h1"] == "Check your email"
    [email] = emails_to("asha.patel@example.org")

    confirm_page, home = journey("confirm_email", path=link_path(email, "/account/confirm-email/"))

    assert confirm_page["h1"] == "Confirm your email address"
    assert home["h1"] == "Your organisations"
    assert "Canal Street Surgery" in home["main"]
    assert User.objects.get(email="asha.patel@example.org").is_active is True
    assert_accessible([blank, with_errors, done, confirm_page, home])


def test_wrong_password_and_lockout_pages_in_browser_are_accessible(journey):
    UserFactory(email="asha@example.org")

    pages = journey("lock_out", email="asha@example.org", attempts=settings.AXES_FAILURE_LIMIT)

    assert "Enter a correct email address and password" in pages[0]["errors"]
    assert pages[-1]["h1"] == "Your account is locked for 1 hour"
    assert_accessible([pages[0], pages[-1]])


def test_invitation_sent_and_accepted_in_browser_is_accessible(journey):
    icb = RAProviderFactory(ods_code="QE1")
    organisation = OrganisationFactory(ods_code="A81001", name="Riverside Surgery", icb=icb)
    admin = UserFactory(email="admin@riverside.example.org", first_name="Priya", last_name="Shah")
    services.add_membership(organisation, user=admin, role=Role.ORG_ADMIN)

    team, sent = journey(
        "invite", email=admin.email, password=TEST_PASSWORD, ods_code="A81001", invitee="nia.lead@example.org"
    )

    assert team["h1"] == "Team"
    assert "Invitation sent to nia.lead@example.org as an IT lead." in sent["main"]
    [email] = emails_to("nia.lead@example.org")

    accept, home = journey(
        "accept_invitation", path=link_path(email, "/account/invitation/"), password=PASSWORD
    )

    assert accept["h1"] == "Join Riverside Surgery"
    assert "You are now an IT lead at Riverside Surgery." in home["main"]
    assert organisation.memberships.filter(user__email="nia.lead@example.org", role=Role.IT_LEAD).exists()
    assert_accessible([team, sent, accept, home])
