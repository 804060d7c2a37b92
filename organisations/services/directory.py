"""The directory: organisations, their ICB, RA team members and national administrators."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from .. import roles
from ..models import Organisation, RAProvider, RATeamMembership, User
from ..validators import RA_PROVIDER_CODE_PATTERN, normalise_ods_code, validate_ods_code


def is_ra_provider_code(ods_code: str) -> bool:
    """Whether ``ods_code`` is an RA provider's (an ICB, a CSU, the national team), not an organisation's."""
    ods_code = normalise_ods_code(ods_code)
    return (
        bool(RA_PROVIDER_CODE_PATTERN.match(ods_code))
        or RAProvider.objects.filter(ods_code=ods_code).exists()
    )


def refuse_ra_provider_code(ods_code: str) -> None:
    if is_ra_provider_code(ods_code):
        raise ValidationError(
            {
                "ods_code": f"{normalise_ods_code(ods_code)} is the code of an integrated care board, "
                "commissioning support unit or national body that gives RA support, not of an organisation "
                "that uses CIS. "
                "Enter your own organisation's ODS code"
            },
            code="ra_provider_code",
        )


@transaction.atomic
def create_organisation(*, ods_code: str, name: str, organisation_type: str, icb: RAProvider) -> Organisation:
    ods_code = normalise_ods_code(ods_code)
    validate_ods_code(ods_code)
    refuse_ra_provider_code(ods_code)
    if icb.kind != RAProvider.Kind.ICB:
        raise ValidationError({"icb": "Select an integrated care board"})
    if Organisation.objects.filter(ods_code=ods_code).exists():
        raise _already_registered()
    try:
        # A savepoint: losing a race for the same code is a message, and the caller's transaction lives on.
        with transaction.atomic():
            return Organisation.objects.create(
                ods_code=ods_code, name=name.strip(), organisation_type=organisation_type, icb=icb
            )
    except IntegrityError as error:
        raise _already_registered() from error


def _already_registered() -> ValidationError:
    return ValidationError(
        {"ods_code": "An organisation with this ODS code is already registered"}, code="already_registered"
    )


@transaction.atomic
def update_organisation_icb(organisation: Organisation, *, icb: RAProvider, acting_user=None) -> Organisation:
    """Move an organisation to another ICB, e.g. to one of the successors of a split ICB."""
    if icb.kind != RAProvider.Kind.ICB:
        raise ValidationError("Select an integrated care board")
    if not icb.is_active:
        raise ValidationError(f"{icb.name} closed on {icb.closed_on:%-d %B %Y}: select an active ICB")
    organisation.icb = icb
    if acting_user is not None:
        organisation._history_user = acting_user
    organisation.save(update_fields=["icb", "updated_at"])
    return organisation


@transaction.atomic
def add_ra_team_member(provider: RAProvider, *, user: User) -> RATeamMembership:
    """Make ``user`` a member of ``provider``'s RA team, with access to the admin triage site."""
    membership, _ = RATeamMembership.objects.update_or_create(user=user, defaults={"provider": provider})
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get_or_create(name=roles.RA_TEAM_MEMBERS)[0])
    return membership


@transaction.atomic
def make_national_admin(user: User) -> User:
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.groups.add(Group.objects.get_or_create(name=roles.NATIONAL_ADMINISTRATORS)[0])
    return user


@transaction.atomic
def remove_ra_team_member(membership: RATeamMembership) -> None:
    """End a user's RA team membership; they keep admin access only if they are a national admin."""
    user = membership.user
    membership.delete()
    group = Group.objects.filter(name=roles.RA_TEAM_MEMBERS).first()
    if group is not None:
        user.groups.remove(group)
    if not user.is_superuser and not user.groups.filter(name=roles.NATIONAL_ADMINISTRATORS).exists():
        user.is_staff = False
        user.save(update_fields=["is_staff"])
