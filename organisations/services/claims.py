"""Claims to become an organisation's admin by its ODS code, and the RA team's decision on them.

Nobody is handed an organisation without a check. A claim made at sign-up waits, creating nothing,
until the claimant confirms their email (and lapses with the link). A confirmed claim for a new
organisation that the directory can confirm is approved at once; a claim on an organisation
already on the portal, or one the directory cannot confirm, waits for the RA team that supports
the organisation's ICB (or the national RA team) to approve or refuse it in the admin. The
claimant gets an email either way. One account has at most ``ORGANISATION_CLAIMS_OPEN_LIMIT``
claims open at a time.
"""

import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from .. import emails
from ..access import is_national_admin, ra_provider_for_user
from ..models import Organisation, OrganisationClaim, RAProvider, Role, User
from ..selectors import directory_confirms_organisation, national_ra_team
from ..validators import normalise_ods_code, validate_ods_code
from .directory import create_organisation, refuse_ra_provider_code
from .memberships import add_membership, organisation_admin_exists

Status = OrganisationClaim.Status

ALREADY_ON_PORTAL = "The organisation is already on the portal"
NOT_IN_DIRECTORY = "The organisation directory cannot confirm this ODS code"


def check_claimable(
    *, ods_code: str, icb: RAProvider | None, claimant: User | None = None
) -> tuple[str, Organisation | None]:
    """The normalised code and the organisation already holding it; ValidationError if it cannot be claimed.

    Refused: a malformed code, an RA provider's code (ICB, CSU, national team), an organisation
    that already has an admin (who must invite instead), and for a new organisation a closed ICB.
    """
    ods_code = normalise_ods_code(ods_code)
    try:
        validate_ods_code(ods_code)
    except ValidationError as error:
        raise ValidationError({"ods_code": error.messages}) from error
    refuse_ra_provider_code(ods_code)
    organisation = Organisation.objects.filter(ods_code=ods_code).first()
    if organisation is not None:
        if (
            claimant is not None
            and organisation.memberships.filter(user=claimant, role=Role.ORG_ADMIN).exists()
        ):
            raise ValidationError(
                {"ods_code": f"You are already an organisation admin at {organisation.name}"}
            )
        if organisation_admin_exists(organisation):
            raise ValidationError(
                {
                    "ods_code": f"{organisation.name} ({organisation.ods_code}) already has an organisation "
                    "admin on this portal. Ask them to invite you from their team page"
                }
            )
        return ods_code, organisation
    if icb is not None and not icb.is_active:
        closed = f"{icb.name} closed on {icb.closed_on:%-d %B %Y}"
        raise ValidationError({"icb": f"{closed}. Select the ICB that took over your area"})
    return ods_code, None


def reviewing_team_for(icb: RAProvider) -> RAProvider | None:
    """The RA team that approves claims for ``icb``'s organisations.

    The provider that gives the ICB its RA support (a CSU or the national team), else the ICB
    itself, as long as it is active and has someone on the portal to do it; otherwise the
    national RA team. National administrators can decide any claim.
    """
    for provider in (icb.ra_support_provider, icb):
        if provider is not None and provider.is_active and provider.team_members.exists():
            return provider
    return national_ra_team()


@transaction.atomic
def submit_claim(
    claimant: User, *, ods_code: str, organisation_name: str, organisation_type: str, icb: RAProvider
) -> OrganisationClaim:
    """Record ``claimant``'s claim to become the admin of the organisation with ``ods_code``.

    With the claimant's email confirmed the claim goes on at once (``_forward``): approved when
    the directory confirms a new organisation, otherwise sent to the RA team. Unconfirmed, it
    waits for ``forward_confirmed_claims``. Raises ValidationError (changing nothing) for a code
    that cannot be claimed, a second open claim for one code, or too many open claims.
    """
    ods_code, _ = check_claimable(ods_code=ods_code, icb=icb, claimant=claimant)
    if icb.kind != RAProvider.Kind.ICB:
        raise ValidationError({"icb": "Select an integrated care board"})
    # One account's claims are decided one at a time, so two at once cannot both pass the limit.
    User.objects.select_for_update().filter(pk=claimant.pk).first()
    now = timezone.now()
    claimant.organisation_claims.filter(status=Status.UNCONFIRMED, expires_at__lte=now).update(
        status=Status.EXPIRED
    )
    open_claims = claimant.organisation_claims.open(now)
    if open_claims.filter(ods_code=ods_code).exists():
        raise _duplicate_claim(ods_code)
    limit = settings.ORGANISATION_CLAIMS_OPEN_LIMIT
    if open_claims.count() >= limit:
        raise ValidationError(
            {
                "ods_code": f"You already have {limit} requests to join organisations waiting. You can ask "
                "for another once one of them has been decided, or withdraw one from its page"
            }
        )
    claim = OrganisationClaim(
        claimant=claimant,
        ods_code=ods_code,
        organisation_name=organisation_name.strip(),
        organisation_type=organisation_type,
        icb=icb,
        # An unconfirmed claim lives as long as the unconfirmed sign-up it belongs to.
        expires_at=now + datetime.timedelta(seconds=settings.UNCONFIRMED_ACCOUNT_MAX_AGE_SECONDS),
    )
    try:
        with transaction.atomic():
            claim.save()
    except IntegrityError as error:
        raise _duplicate_claim(ods_code) from error
    # An unconfirmed sign-up is the inactive account; anyone signed in is active and goes on now.
    if claimant.is_active:
        _forward(claim, now=now)
    return claim


def _duplicate_claim(ods_code: str) -> ValidationError:
    return ValidationError(
        {"ods_code": f"You have already asked to become the organisation admin for {ods_code}"},
        code="duplicate_claim",
    )


@transaction.atomic
def forward_confirmed_claims(claimant: User) -> list[OrganisationClaim]:
    """Move on the claims ``claimant`` made before confirming their email; lapse the expired ones."""
    now = timezone.now()
    claims = list(claimant.organisation_claims.select_for_update().filter(status=Status.UNCONFIRMED))
    for claim in claims:
        if claim.expires_at <= now:
            claim.status = Status.EXPIRED
            claim.save(update_fields=["status", "updated_at"])
        else:
            _forward(claim, now=now)
    return claims


def _forward(claim: OrganisationClaim, *, now: datetime.datetime) -> OrganisationClaim:
    organisation = Organisation.objects.select_for_update().filter(ods_code=claim.ods_code).first()
    if organisation is None and directory_confirms_organisation(claim.ods_code, icb=claim.icb):
        return _grant(claim, decided_by=None, now=now)
    claim.organisation = organisation
    claim.approval_reason = ALREADY_ON_PORTAL if organisation is not None else NOT_IN_DIRECTORY
    claim.reviewing_provider = reviewing_team_for(organisation.icb if organisation is not None else claim.icb)
    claim.status = Status.AWAITING_APPROVAL
    claim.save()
    _queue_claim_to_review_email(claim)
    return claim


def _organisation_for(claim: OrganisationClaim) -> Organisation:
    """The claimed organisation: the one on record, or a new one made from the claim's details."""
    existing = claim.organisation or Organisation.objects.filter(ods_code=claim.ods_code).first()
    if existing is not None:
        return existing
    try:
        return create_organisation(
            ods_code=claim.ods_code,
            name=claim.organisation_name,
            organisation_type=claim.organisation_type,
            icb=claim.icb,
        )
    except ValidationError:
        # Another approval for the same code made it a moment ago: the claim is to that organisation.
        existing = Organisation.objects.filter(ods_code=claim.ods_code).first()
        if existing is None:
            raise
        return existing


def _grant(claim: OrganisationClaim, *, decided_by: User | None, now: datetime.datetime) -> OrganisationClaim:
    organisation = _organisation_for(claim)
    add_membership(organisation, user=claim.claimant, role=Role.ORG_ADMIN)
    claim.organisation = organisation
    claim.status = Status.APPROVED
    claim.decided_at = now
    claim.decided_by = decided_by
    claim.save()
    return claim


def can_decide_claim(user: User, claim: OrganisationClaim) -> bool:
    """National administrators decide any claim; an RA team member those sent to their team."""
    if user.is_superuser or is_national_admin(user):
        return True
    provider = ra_provider_for_user(user)
    return provider is not None and provider.pk == claim.reviewing_provider_id


def _locked_for_decision(claim: OrganisationClaim, acting_user: User) -> OrganisationClaim:
    if not can_decide_claim(acting_user, claim):
        raise PermissionDenied(
            "Only the RA team reviewing this claim, or a national administrator, can decide it"
        )
    claim = OrganisationClaim.objects.select_for_update().select_related("claimant").get(pk=claim.pk)
    if claim.status != Status.AWAITING_APPROVAL:
        raise ValidationError(
            f"This claim is no longer waiting for approval: it is {claim.get_status_display().lower()}",
            code="decided",
        )
    return claim


@transaction.atomic
def approve_claim(claim: OrganisationClaim, *, acting_user: User) -> OrganisationClaim:
    """Make the claimant the organisation's admin (creating the organisation if new); emails them.

    Raises PermissionDenied for someone who may not decide it and ValidationError for a claim
    already decided, so approving twice changes nothing.
    """
    claim = _locked_for_decision(claim, acting_user)
    claim = _grant(claim, decided_by=acting_user, now=timezone.now())
    _queue_decision_email(claim)
    return claim


@transaction.atomic
def refuse_claim(claim: OrganisationClaim, *, acting_user: User, reason: str) -> OrganisationClaim:
    """Refuse the claim with ``reason`` (shown to the claimant in the email); nothing else changes."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"refusal_reason": "Say why the claim is refused: the claimant is told"})
    claim = _locked_for_decision(claim, acting_user)
    claim.status = Status.REFUSED
    claim.refusal_reason = reason
    claim.decided_at = timezone.now()
    claim.decided_by = acting_user
    claim.save()
    _queue_decision_email(claim)
    return claim


@transaction.atomic
def withdraw_claim(claim: OrganisationClaim, *, acting_user: User) -> OrganisationClaim:
    """The claimant takes back a claim still waiting for approval, freeing a place under the limit."""
    claim = OrganisationClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.claimant_id != acting_user.pk:
        raise PermissionDenied("Only the person who made a claim can withdraw it")
    if claim.status != Status.AWAITING_APPROVAL:
        raise ValidationError(
            f"This claim is no longer waiting for approval: it is {claim.get_status_display().lower()}",
            code="decided",
        )
    claim.status = Status.WITHDRAWN
    claim.decided_at = timezone.now()
    claim.decided_by = acting_user
    claim.save()
    return claim


def _queue_decision_email(claim: OrganisationClaim) -> None:
    from notifications.services import queue_email

    name = f"{claim.organisation_name} ({claim.ods_code})"
    if claim.status == Status.APPROVED:
        subject = f"You are now the organisation admin for {claim.organisation_name}"
        middle = (
            f"Your request to become the organisation admin for {name} on the CIS onboarding portal has "
            "been approved.\n\nSign in to start getting your organisation ready:\n\n"
            f"{emails.absolute_url(reverse('home'))}\n\n"
        )
    else:
        subject = f"Your request to join {claim.organisation_name} was not approved"
        middle = (
            f"Your request to become the organisation admin for {name} on the CIS onboarding portal was "
            "not approved. The RA team gave this reason:\n\n"
            + "\n".join(f"> {line}" for line in claim.refusal_reason.splitlines())
            + "\n\nIf you think this is wrong, contact your organisation's existing admin or your "
            "integrated care board's RA team.\n\n"
        )
    queue_email(
        dedupe_key=f"claim:{claim.pk}:{claim.status}",
        to=[claim.claimant.email],
        subject=subject,
        body=f"Dear {claim.claimant.display_name},\n\n{middle}{emails.SIGNATURE}\n",
        topic="account:claim",
        organisation=claim.organisation,
    )


def _queue_claim_to_review_email(claim: OrganisationClaim) -> None:
    """Tell the reviewing RA team (when it has a contact address) that a claim is waiting."""
    from notifications.services import queue_email

    provider = claim.reviewing_provider
    if provider is None or not provider.ra_contact_email:
        return
    link = emails.absolute_url(reverse("admin:organisations_organisationclaim_change", args=[claim.pk]))
    queue_email(
        dedupe_key=f"claim:{claim.pk}:to-review",
        to=[provider.ra_contact_email],
        subject=f"Claim to approve: organisation admin for {claim.ods_code}",
        body=(
            f"Someone has asked to become the organisation admin for {claim.ods_code} on the CIS "
            f"onboarding portal ({claim.approval_reason.lower()}). They get no access until your RA "
            f"team approves.\n\nReview the claim:\n\n{link}\n\n{emails.SIGNATURE}\n"
        ),
        topic="account:claim",
    )
