"""Every registered admin model, walked as an RA team member of the other provider.

The models come from ``admin.site._registry``, so a model registered later is walked too. Two
providers each have an organisation with data in every part (RA request, local application, staff
group, estate facts, plan events, readiness journey and events, invitation, outgoing email). An RA
team member of one provider must not see a row of the other provider or of its organisations:
not in a changelist, its filters, a search, an autocomplete, a change page or a history page.
"""

import datetime
import json
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib import admin
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from authenticators import reference_data as authenticator_reference_data
from authenticators import services as authenticator_services
from onboarding import services as onboarding_services
from onboarding.selectors import journey_for_organisation
from organisations import services as organisation_services
from organisations.admin import RATeamScopedAdminMixin
from organisations.models import Organisation, RAProvider, Role, User
from ra_requests import services as ra_request_services
from tests.factories import NationalRATeamFactory, UserFactory

pytestmark = pytest.mark.django_db

# The RA team member may get these for rows that are not theirs: "not found" or "not allowed".
HIDDEN = {302, 403, 404}


def _give_organisation_data(organisation, admin_user, *, local_application):
    authenticator_services.save_application_inventory(
        organisation,
        catalogue_slugs=["ncrs"],
        local_applications=[{"name": local_application, "cis_generation": "CIS2", "min_aal": "AAL2"}],
        acting_user=admin_user,
    )
    authenticator_services.save_user_group(
        organisation, name="Reception", head_count=3, application_slugs=["ncrs"], acting_user=admin_user
    )
    authenticator_services.save_estate_facts(organisation, hscn=True, acting_user=admin_user)
    journey = journey_for_organisation(organisation)
    onboarding_services.save_step(
        organisation,
        step_slug="organisation-details",
        answers={
            "icb": organisation.icb_id,
            "contact_name": "Asha Patel",
            "contact_job_title": "Practice manager",
            "contact_phone": "01632 960 001",
            "cis_user_count": 14,
        },
        expected_version=journey.version,
        acting_user=admin_user,
    )
    onboarding_services.record_readiness_status(organisation, status="not_ready")
    ra_request_services.submit_ra_request(
        organisation,
        submitted_by=admin_user,
        help_needed=["issue_smartcards"],
        staff_affected=4,
        needed_by=timezone.localdate() + datetime.timedelta(days=30),
        contact_name="Asha Patel",
        contact_phone="01632 960001",
        contact_email=admin_user.email,
        already_tried="Phoned the ICB smartcard line.",
        charge_acknowledged=True,
    )
    organisation_services.invite_member(
        organisation,
        email=f"invitee@{organisation.ods_code.lower()}.example.org",
        role=Role.IT_LEAD,
        invited_by=admin_user,
    )


@pytest.fixture
def two_providers(role_groups, icb, other_icb, organisation, other_organisation, org_admin, other_org_admin):
    authenticator_reference_data.load(settings.REFERENCE_DATA_DIR)
    NationalRATeamFactory()
    _give_organisation_data(organisation, org_admin, local_application="Riverside Docman")
    _give_organisation_data(other_organisation, other_org_admin, local_application="Hillside Lab Link")
    members = {}
    for provider in (icb, other_icb):
        member = UserFactory(email=f"ra.member@{provider.ods_code.lower()}.example.org")
        organisation_services.add_ra_team_member(provider, user=member)
        members[provider.pk] = member
    return {
        "first": {"provider": icb, "organisation": organisation, "admin": org_admin},
        "second": {"provider": other_icb, "organisation": other_organisation, "admin": other_org_admin},
        "members": members,
    }


def _rows_of(model, provider, organisation):
    """The rows of ``model`` that belong to ``provider`` or ``organisation`` (FKs up to two hops)."""
    if model is RAProvider:
        return model.objects.filter(pk=provider.pk)
    if model is Organisation:
        return model.objects.filter(pk=organisation.pk)
    if model is User:
        return model.objects.filter(
            Q(memberships__organisation=organisation) | Q(ra_team_membership__provider=provider)
        ).distinct()
    owned = Q(pk__in=[])
    for field in model._meta.concrete_fields:
        target = field.related_model
        if not field.is_relation or target is None:
            continue
        if target is Organisation:
            owned |= Q(**{field.name: organisation})
        elif target is RAProvider:
            owned |= Q(**{field.name: provider})
        else:
            for hop in target._meta.concrete_fields:
                if hop.is_relation and hop.related_model is Organisation:
                    owned |= Q(**{f"{field.name}__{hop.name}": organisation})
    return model.objects.filter(owned).distinct()


def _markers(side):
    return [
        side["organisation"].name,
        side["organisation"].ods_code,
        side["provider"].name,
        side["admin"].email,
    ]


def _assert_hidden(response, markers, where):
    body = response.content.decode()
    leaked = [marker for marker in markers if marker in body]
    assert not leaked, f"{where} shows {leaked}"


def _changelist_checks(client, url, owned_pks, markers):
    """The rendered changelist at ``url``; returns its filter choices' query strings."""
    response = client.get(url)
    if response.status_code != 200:
        assert response.status_code in HIDDEN, url
        return []
    changelist = response.context["cl"]
    assert not {row.pk for row in changelist.queryset} & owned_pks, f"{url} lists another provider's rows"
    _assert_hidden(response, markers, url)
    return [choice["query_string"] for spec in changelist.filter_specs for choice in spec.choices(changelist)]


def _filtered_rows(rf, member, model_admin, query):
    """The rows a filter choice lists, without rendering the page (there are dozens of choices)."""
    request = rf.get("/" + query)
    request.user = member
    return {row.pk for row in model_admin.get_changelist_instance(request).queryset}


@pytest.mark.parametrize(("looking", "hidden"), [("second", "first"), ("first", "second")])
def test_admin_every_model_hides_the_other_providers_rows_from_an_ra_team_member(
    client, rf, two_providers, looking, hidden
):
    member = two_providers["members"][two_providers[looking]["provider"].pk]
    other = two_providers[hidden]
    markers = _markers(other)
    client.force_login(member)
    walked = []

    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        owned = list(_rows_of(model, other["provider"], other["organisation"]).values_list("pk", flat=True))
        owned_pks = set(owned)
        filters = _changelist_checks(client, changelist, owned_pks, markers)
        for query in filters:
            assert not _filtered_rows(rf, member, model_admin, query) & owned_pks, (changelist, query)
        _changelist_checks(client, f"{changelist}?origin=local", owned_pks, markers)
        # The search box repeats the term, so that one marker is left out of the page check.
        for term in markers:
            rest = [marker for marker in markers if marker != term]
            _changelist_checks(client, f"{changelist}?{urlencode({'q': term})}", owned_pks, rest)
        for pk in owned[:3]:
            for page in ("change", "history", "delete"):
                url = reverse(f"admin:{info[0]}_{info[1]}_{page}", args=[pk])
                response = client.get(url)
                assert response.status_code in HIDDEN, f"{url} answered {response.status_code}"
                _assert_hidden(response, markers, url)
        for field_name in model_admin.autocomplete_fields:
            response = client.get(
                reverse("admin:autocomplete"),
                {"app_label": info[0], "model_name": info[1], "field_name": field_name, "term": ""},
            )
            if response.status_code == 200:
                texts = [result["text"] for result in json.loads(response.content)["results"]]
                assert not [t for t in texts if any(m in t for m in markers)], (info, field_name, texts)
        walked.append(model._meta.label)

    assert "authenticators.Application" in walked
    assert len(walked) == len(admin.site._registry)


def test_admin_ra_team_member_still_sees_their_own_organisations_local_application(client, two_providers):
    first = two_providers["first"]
    client.force_login(two_providers["members"][first["provider"].pk])

    response = client.get(reverse("admin:authenticators_application_changelist"), {"origin": "local"})

    names = [application.name for application in response.context["cl"].queryset]
    assert names == ["Riverside Docman"]


def test_admin_every_model_with_organisation_or_provider_rows_uses_the_scoping_mixin():
    """Scoped even where RA team members have no permission today, so granting one leaks nothing."""
    unscoped = [
        model._meta.label
        for model, model_admin in admin.site._registry.items()
        if (
            model in (Organisation, RAProvider)
            or any(field.related_model in (Organisation, RAProvider) for field in model._meta.concrete_fields)
        )
        and not isinstance(model_admin, RATeamScopedAdminMixin)
    ]

    assert unscoped == []
