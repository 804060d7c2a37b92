"""`seed_demo` (run by `make run` every time) creates the demo once and then leaves it as the user left it."""

import io

import pytest
from django.core.management import call_command

from authenticators.models import UserGroup
from organisations.models import Organisation
from training.models import StaffMember

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def debug_on(settings):
    settings.DEBUG = True  # seed_demo refuses to make known logins otherwise; pytest-django turns it off


def seed_demo(*args: str) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_seed_demo_first_run_creates_the_demo_and_lists_the_logins():
    output = seed_demo()

    assert set(Organisation.objects.values_list("ods_code", flat=True)) == {"A99901", "FZZ91"}
    assert StaffMember.objects.filter(email="dev.mistry@example.org").exists()
    assert "admin@example.org" in output
    assert "left as it is" not in output


def test_seed_demo_again_does_not_bring_back_rows_the_user_removed():
    seed_demo()
    StaffMember.objects.filter(email="dev.mistry@example.org").delete()
    UserGroup.objects.filter(name="Reception").delete()

    output = seed_demo()

    assert not StaffMember.objects.filter(email="dev.mistry@example.org").exists()
    assert not UserGroup.objects.filter(name="Reception").exists()
    assert "Demo data from an earlier run is left as it is" in output
    assert "seed_demo --restore" in output
    assert "admin@example.org" in output


def test_seed_demo_restore_puts_back_what_was_removed():
    seed_demo()
    StaffMember.objects.filter(email="dev.mistry@example.org").delete()
    UserGroup.objects.filter(name="Reception").delete()

    seed_demo("--restore")

    assert StaffMember.objects.filter(email="dev.mistry@example.org").exists()
    assert UserGroup.objects.filter(name="Reception").exists()
