"""The national team passes a request back to the organisation's local RA provider and records its contact."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from organisations.models import RAProvider
from organisations.services.directory_entries import record_contact_from_national_team

from ..finder import ra_support_for_icb
from ..models import RARequest
from .transitions import change_route


def local_provider_for(request: RARequest) -> RAProvider | None:
    """The provider that gives the organisation local RA support, when that is not the national team."""
    provider = ra_support_for_icb(request.organisation.icb).provider
    if provider is None or provider.kind == RAProvider.Kind.NATIONAL:
        return None
    return provider


def can_forward_to_local_provider(request: RARequest) -> bool:
    return (
        request.is_open
        and request.provider.kind == RAProvider.Kind.NATIONAL
        and local_provider_for(request) is not None
    )


@transaction.atomic
def forward_to_local_provider(
    request: RARequest, *, contact_email: str, acting_user, expected_version=None
) -> RARequest:
    """Record the local provider's RA contact (unconfirmed, given by the national team) and move the
    request there. The organisation sees the new route and contact; the provider gets the request email.
    """
    if request.provider.kind != RAProvider.Kind.NATIONAL:
        raise ValidationError("Only requests with the national RA team can be forwarded to a local provider.")
    local = local_provider_for(request)
    if local is None:
        raise ValidationError("This organisation has no local RA provider to forward the request to.")
    try:
        validate_email(contact_email.strip())
    except ValidationError as error:
        raise ValidationError(
            {"local_contact_email": "Enter the local RA team's email address, like ra.team@example.nhs.uk"}
        ) from error
    record_contact_from_national_team(local, email=contact_email, acting_user=acting_user)
    local.refresh_from_db()
    return change_route(
        request,
        provider=local,
        reason=(
            f"the national RA team forwarded it to {local.name}, the organisation's local RA provider, "
            f"and recorded its RA contact address ({local.ra_contact_email}, not yet confirmed by its team)"
        ),
        acting_user=acting_user,
        expected_version=expected_version,
    )
