import datetime

import pytest
from django.utils import timezone

from ra_requests import services
from tests.factories import NationalRATeamFactory


@pytest.fixture
def national_team(db):
    return NationalRATeamFactory()


@pytest.fixture
def request_data():
    """Everything an organisation admin types into the request form, as the service takes it."""
    return {
        "help_needed": ["issue_smartcards", "register_users"],
        "staff_affected": 12,
        "needed_by": timezone.localdate() + datetime.timedelta(days=30),
        "contact_name": "Asha Patel",
        "contact_phone": "01632 960001",
        "contact_email": "asha.patel@riverside.example.org",
        "already_tried": "Phoned the ICB smartcard line twice; no answer.",
        "charge_acknowledged": True,
    }


@pytest.fixture
def submit(request_data):
    """submit(organisation, user, **overrides) -> RARequest, through the real service."""

    def _submit(organisation, user, **overrides):
        return services.submit_ra_request(organisation, submitted_by=user, **{**request_data, **overrides})

    return _submit


@pytest.fixture
def ra_request(organisation, org_admin, national_team, submit, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return submit(organisation, org_admin)


class _Clock:
    def __init__(self, monkeypatch):
        self._monkeypatch = monkeypatch

    def set(self, moment: datetime.datetime) -> None:
        self._monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def clock(monkeypatch):
    """clock.set(moment): from then on ``django.utils.timezone.now()`` returns ``moment``."""
    return _Clock(monkeypatch)


@pytest.fixture(autouse=True)
def _decline_reasons(decline_reasons):
    """Every database test here may decline a request (see the root conftest's decline_reasons)."""
