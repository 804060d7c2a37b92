from .models import Organisation, RAProvider


def active_icbs():
    return RAProvider.objects.icbs().active().order_by("name")


def national_ra_team() -> RAProvider | None:
    return RAProvider.objects.national().active().first()


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
