"""Who each module is for is a proposal of the portal's, like its refresher period, and the page says so."""

import importlib
import re

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse

from training import reference_data
from training.models import TrainingModule

pytestmark = pytest.mark.django_db

PROPOSAL_TAG = '<strong class="nhsuk-tag nhsuk-tag--grey">Proposal, unconfirmed</strong>'


@pytest.fixture
def loaded_modules(db):
    reference_data.load(settings.REFERENCE_DATA_DIR)
    return TrainingModule.objects.all()


def _for_row(html: str, slug: str) -> str:
    card = html.split(f'id="{slug}"', 1)[1].split('<div class="nhsuk-card">', 1)[0]
    match = re.search(r'<dt class="nhsuk-summary-list__key">For</dt>\s*<dd[^>]*>(.*?)</dd>', card, re.S)
    assert match, f"no For row for {slug}"
    return match.group(1)


def test_loaded_modules_audiences_are_shown_as_proposals(client, organisation, it_lead, loaded_modules):
    client.force_login(it_lead)

    html = client.get(reverse("training:modules", args=[organisation.ods_code])).content.decode()

    assert "Desk-side and workstation support" in _for_row(html, "network-browser-config")
    for module in loaded_modules:
        assert PROPOSAL_TAG in _for_row(html, module.slug), module.slug
    assert "who each module is for" in html


def test_confirmed_audience_is_shown_without_the_proposal_tag(client, organisation, it_lead, loaded_modules):
    loaded_modules.filter(slug="network-browser-config").update(audience_confidence="confirmed")
    client.force_login(it_lead)

    html = client.get(reverse("training:modules", args=[organisation.ods_code])).content.decode()

    assert PROPOSAL_TAG not in _for_row(html, "network-browser-config")
    assert PROPOSAL_TAG in _for_row(html, "working-with-the-ra")


def test_loaded_module_notes_do_not_shout_unconfirmed(loaded_modules):
    notes = [module.notes for module in loaded_modules]

    assert not [note for note in notes if "UNCONFIRMED" in note]
    assert all(note.startswith(reference_data.PROPOSAL_NOTE) for note in notes)


def test_migration_rewrites_the_old_proposal_note(loaded_modules):
    migration = importlib.import_module("training.migrations.0003_trainingmodule_audience_confidence")
    module = loaded_modules.get(slug="cis-foundations")
    module.notes = "UNCONFIRMED: the refresher period is a proposal, not an NHS requirement. Yearly suits it."
    module.save()

    migration.reword_proposal_notes(apps, None)

    module.refresh_from_db()
    assert module.notes == f"{reference_data.PROPOSAL_NOTE} Yearly suits it."
