"""Targets and guidance say whose they are and how sure they are."""

import re

import pytest
from django.urls import reverse

from ra_requests.decline_reasons import DEFAULT_DECLINE_REASONS
from ra_requests.models import DeclineReason

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_detail_calls_the_default_targets_the_portals_not_the_providers(
    client, ra_request, organisation, org_admin
):
    client.force_login(org_admin)

    text = _text(client.get(reverse("ra_requests:detail", args=[organisation.ods_code, ra_request.pk])))

    provider = ra_request.provider.name
    assert f"{provider} aims to" not in text
    assert "The portal's default target is for the RA team to acknowledge it by" in text
    assert f"{provider} has not set targets of its own" in text


def test_detail_gives_a_providers_own_target_as_its_own(client, ra_request, organisation, org_admin):
    ra_request.provider.acknowledge_within_working_days = 3
    ra_request.provider.save()
    client.force_login(org_admin)

    text = _text(client.get(reverse("ra_requests:detail", args=[organisation.ods_code, ra_request.pk])))

    assert f"{ra_request.provider.name}'s target is to acknowledge it by" in text
    assert "default target" not in text


def test_self_service_decline_guidance_needs_the_ni_number_only_for_the_self_service_app(decline_reasons):
    guidance = {row["code"]: row["next_step_guidance"] for row in DEFAULT_DECLINE_REASONS}[
        "self_service_authenticator"
    ]
    installed = DeclineReason.objects.get(code="self_service_authenticator").next_step_guidance

    for text in (guidance, installed):
        assert "They need their National Insurance number on their profile." not in text
        assert "in development" in text
        cim_route, app_route = text.split("Staff without one", 1)
        assert "National Insurance" not in cim_route
        assert "National Insurance number" in app_route


OLD_SELF_SERVICE_GUIDANCE = (
    "Staff can add a non-smartcard authenticator themselves with the 'Add an authenticator' "
    "service, or by signing in to Care Identity Management with an authenticator they already "
    "have. They need their National Insurance number on their profile."
)


def test_migration_rewrites_the_old_self_service_guidance_but_keeps_an_edited_one(decline_reasons):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("ra_requests.migrations.0006_self_service_decline_guidance")
    reason = DeclineReason.objects.get(code="self_service_authenticator")
    reason.next_step_guidance = OLD_SELF_SERVICE_GUIDANCE
    reason.save()

    migration.rewrite_self_service_guidance(apps, None)

    reason.refresh_from_db()
    new_guidance = {row["code"]: row["next_step_guidance"] for row in DEFAULT_DECLINE_REASONS}[
        "self_service_authenticator"
    ]
    assert reason.next_step_guidance == new_guidance

    reason.next_step_guidance = "Our own words"
    reason.save()
    migration.rewrite_self_service_guidance(apps, None)
    reason.refresh_from_db()
    assert reason.next_step_guidance == "Our own words"
