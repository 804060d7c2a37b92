"""What saving each wizard step sets in motion in the other parts, keyed by step slug.

Each effect takes ``(organisation, *, journey, answers, acting_user)``, calls the owning part's
service and returns the answers to store (with any ids the part gave back). It runs inside
``services.save_step``'s transaction, so a ValidationError from a part rolls back the whole save.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

from organisations import services as organisation_services
from organisations.models import RAProvider


def _organisation_details(organisation, *, journey, answers, acting_user):
    """Moves the organisation to the ICB chosen, through the organisations service."""
    icb = RAProvider.objects.filter(pk=answers.get("icb")).first()
    if icb is not None and icb.pk != organisation.icb_id:
        organisation_services.update_organisation_icb(organisation, icb=icb, acting_user=acting_user)
    return answers


def _ra_request(organisation, *, journey, answers, acting_user):
    """Submits the RA request the first time; a request already sent is never sent again."""
    previous = journey.answers_for("ra-request")
    if previous.get("request_id"):
        return previous
    from ra_requests.services import submit_ra_request

    contact = journey.answers_for("organisation-details")
    needed_by = answers["needed_by"]
    request = submit_ra_request(
        organisation,
        submitted_by=acting_user,
        help_needed=list(answers["help_needed"]),
        staff_affected=answers["staff_affected"],
        needed_by=datetime.date.fromisoformat(needed_by) if isinstance(needed_by, str) else needed_by,
        contact_name=contact.get("contact_name", ""),
        contact_phone=contact.get("contact_phone", ""),
        contact_email=answers["contact_email"],
        already_tried=answers["already_tried"],
        charge_acknowledged=answers["charge_acknowledged"],
    )
    return {
        **answers,
        "request_id": request.pk,
        "request_reference": request.reference,
        "provider_name": request.provider.name,
    }


def _applications(organisation, *, journey, answers, acting_user):
    """Sets the catalogue inventory, adds new local applications and removes ones taken off the list."""
    from authenticators import selectors, services

    services.save_application_inventory(
        organisation, catalogue_slugs=answers["applications"], acting_user=acting_user
    )
    wanted = {app["name"].lower(): app for app in answers["local_applications"]}
    current = {app.name.lower(): app for app in selectors.inventory_for(organisation) if app.is_local}
    for key, application in current.items():
        if key not in wanted:
            services.remove_local_application(application, organisation=organisation, acting_user=acting_user)
    for key, app in wanted.items():
        existing = current.get(key)
        if existing is not None and (existing.cis_generation, existing.min_aal) == (
            app["cis_generation"],
            app["min_aal"],
        ):
            continue
        if existing is not None:
            services.remove_local_application(existing, organisation=organisation, acting_user=acting_user)
        services.add_local_application(
            organisation,
            name=app["name"],
            cis_generation=app["cis_generation"],
            min_aal=app["min_aal"],
            acting_user=acting_user,
        )
    return answers


ESTATE_VALUES = {"yes": True, "no": False, "not_sure": None}


def _staff_groups(organisation, *, journey, answers, acting_user):
    """Saves each group (creating, updating or removing) and the estate facts."""
    from authenticators import selectors, services

    existing = {group.pk: group for group in selectors.user_groups_for(organisation)}
    kept = {group["id"] for group in answers["groups"] if group["id"]}
    for pk, group in existing.items():
        if pk not in kept:
            services.delete_user_group(group, organisation=organisation, acting_user=acting_user)
    stored = []
    for group in answers["groups"]:
        saved = services.save_user_group(
            organisation,
            name=group["name"],
            head_count=group["head_count"],
            application_slugs=group["applications"],
            group=existing.get(group["id"]),
            acting_user=acting_user,
        )
        stored.append({**group, "id": saved.pk})
    services.save_estate_facts(
        organisation,
        acting_user=acting_user,
        **{name: ESTATE_VALUES[value] for name, value in answers["estate"].items()},
    )
    return {**answers, "groups": stored}


def _authenticators(organisation, *, journey, answers, acting_user):
    from authenticators import selectors, services

    groups = {str(group.pk): group for group in selectors.user_groups_for(organisation)}
    for group_id, choice in answers["choices"].items():
        group = groups.get(group_id)
        if group is None:
            raise ValidationError("Your staff groups changed while you were choosing. Reload the page.")
        services.choose_authenticators(
            group, authenticator_slugs=choice["authenticators"], acting_user=acting_user
        )
    return answers


def _technical_support(organisation, *, journey, answers, acting_user):
    """Creates a training record for each new member of technical support staff."""
    from training.services import add_staff_member

    added = list(answers.get("staff", []))
    for person in answers.get("new_staff", []):
        staff = add_staff_member(organisation, acting_user=acting_user, **person)
        added.append({"id": staff.pk, "full_name": staff.full_name, "email": staff.email})
    return {
        "support_model": answers["support_model"],
        "supplier_name": answers["supplier_name"],
        "staff": added,
    }


EFFECTS = {
    "organisation-details": _organisation_details,
    "ra-request": _ra_request,
    "applications": _applications,
    "staff-groups": _staff_groups,
    "authenticators": _authenticators,
    "technical-support": _technical_support,
}
