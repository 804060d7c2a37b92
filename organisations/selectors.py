from .models import Organisation, RAProvider


def active_icbs():
    return RAProvider.objects.icbs().active().order_by("name")


def national_ra_team() -> RAProvider | None:
    return RAProvider.objects.national().active().first()


def directory_confirms_organisation(ods_code: str, *, icb: RAProvider) -> bool:
    """Whether the organisation directory confirms that ``ods_code`` is a real organisation in ``icb``.

    The one check that lets a first claim through without the RA team's approval. The portal
    holds no ODS organisation data yet, so it confirms nothing and every first claim is approved
    by the RA team; loading the ODS files (GP practices first) makes it answer from them.
    """
    return False


def organisation_by_ods_code(ods_code: str) -> Organisation | None:
    from .validators import normalise_ods_code

    return Organisation.objects.select_related("icb").filter(ods_code=normalise_ods_code(ods_code)).first()


def team_members(organisation: Organisation) -> list[dict]:
    """One entry per person in ``organisation``: the user, their memberships and whether they are admin."""
    from .models import Membership, Role

    people: dict[int, dict] = {}
    memberships = (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email", "role")
    )
    for membership in memberships:
        person = people.setdefault(membership.user_id, {"user": membership.user, "memberships": []})
        person["memberships"].append(membership)
    for person in people.values():
        person["is_admin"] = any(m.role == Role.ORG_ADMIN for m in person["memberships"])
    return list(people.values())


def pending_invitations(organisation: Organisation):
    return organisation.invitations.filter(accepted_at__isnull=True).select_related("invited_by")


def claims_awaiting_approval(user) -> list:
    """``user``'s own claims waiting for an RA team, newest first, with the team that reviews each."""
    from .models import OrganisationClaim

    return list(
        OrganisationClaim.objects.awaiting_approval()
        .filter(claimant=user)
        .select_related("reviewing_provider")
        .order_by("-created_at")
    )
