from dataclasses import dataclass

from django.db.models import prefetch_related_objects

from cis_portal.compiled_queries import CompiledQuery

from .access import OrganisationAccess
from .models import KnownOrganisation, Membership, Organisation, RAProvider


def active_icbs():
    return RAProvider.objects.icbs().active().order_by("name")


def active_icb(icb: RAProvider) -> tuple[RAProvider | None, list[str], list[RAProvider]]:
    """Follow closures to an active ICB. Returns (icb or None, story, successor choices on a split)."""
    story: list[str] = []
    seen = {icb.pk}
    current = icb
    while not current.is_active:
        successors = [s for s in current.successors.all() if s.kind == RAProvider.Kind.ICB]
        closed_on = f"{current.closed_on:%-d %B %Y}" if current.closed_on else "an unknown date"
        if len(successors) > 1:
            story.append(f"{current.name} closed on {closed_on} and was split between {len(successors)} ICBs")
            return None, story, sorted(successors, key=lambda p: p.name)
        if not successors or successors[0].pk in seen:
            story.append(f"{current.name} closed on {closed_on} with no successor on record")
            return None, story, []
        story.append(f"{current.name} closed on {closed_on}; {successors[0].name} took it over")
        current = successors[0]
        seen.add(current.pk)
    return current, story, []


def national_ra_team() -> RAProvider | None:
    return RAProvider.objects.national().active().first()


def directory_confirms_organisation(ods_code: str, *, icb: RAProvider) -> bool:
    """Whether the organisation directory confirms that ``ods_code`` is a real organisation in ``icb``.

    The one check that lets a first claim through without the RA team's approval: the open ODS data
    (reference_data/ods/) lists the code, and ``icb`` is its published ICB, the ICB that took that one
    over, or one of the successors of a split ICB. Codes the data does not hold are never confirmed.
    """
    lookup = ods_lookup(ods_code)
    if not lookup.is_known:
        return False
    matching = {lookup.known.icb_id, *(choice.pk for choice in lookup.icb_choices)}
    if lookup.icb is not None:
        matching.add(lookup.icb.pk)
    return icb.pk in matching


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


def _claims_awaiting_approval_query(claimant_id):
    from .models import OrganisationClaim

    return (
        OrganisationClaim.objects.awaiting_approval()
        .filter(claimant_id=claimant_id)
        .only("ods_code", "organisation_name")
        .order_by("-created_at")
    )


# Asked by the signed-in home page on every visit: built and compiled once per connection.
CLAIMS_AWAITING_APPROVAL = CompiledQuery(_claims_awaiting_approval_query)


def claims_awaiting_approval(user) -> list:
    """``user``'s own claims waiting for an RA team, newest first: what the pages listing them show."""
    return CLAIMS_AWAITING_APPROVAL.instances(user.pk)


# The RAProvider fields an organisation's RA support answer reads: following closures (active_icb),
# routing, the directory entry's state and the {% your_ra_support %} box. Pages listing organisations
# load only these; the rest of a directory entry is long text they never show. A field the box starts
# to read belongs here too, or it costs a query per organisation (tests/organisations/test_home.py).
RA_SUPPORT_FIELDS = (
    "name",
    "ods_code",
    "kind",
    "status",
    "closed_on",
    "ra_support_provider",
    "ra_contact_email",
    "ra_contact_phone",
    "contact_confirmed_at",
    "contact_bouncing_since",
)


def _organisation_cards_query(user_id):
    return (
        Membership.objects.filter(user_id=user_id)
        .select_related("organisation__icb__ra_support_provider")
        .only(
            "role",
            "organisation__ods_code",
            "organisation__name",
            *(f"organisation__icb__{name}" for name in RA_SUPPORT_FIELDS),
            *(f"organisation__icb__ra_support_provider__{name}" for name in RA_SUPPORT_FIELDS),
        )
    )


ORGANISATION_CARDS = CompiledQuery(_organisation_cards_query)


def organisation_cards(user) -> list[dict]:
    """One card per organisation ``user`` belongs to, by name: the organisation, its roles' names and
    what they let the user use (OrganisationAccess).

    Each organisation comes with its ICB and the ICB's RA support provider, for ``{% your_ra_support %}``.
    Only a closed ICB is followed to its successors (``active_icb``), so their query runs only when one is.
    The home page asks this on every visit, so its query is compiled once per connection. The few
    rows are sorted here, in Python's order of names (a database's collation may differ).
    """
    memberships = ORGANISATION_CARDS.instances(user.pk)
    grouped: dict[int, list[Membership]] = {}
    for membership in sorted(memberships, key=lambda m: (m.organisation.name, m.organisation_id, m.role)):
        grouped.setdefault(membership.organisation_id, []).append(membership)
    closed_icbs = [
        group[0].organisation.icb for group in grouped.values() if not group[0].organisation.icb.is_active
    ]
    if closed_icbs:
        prefetch_related_objects(closed_icbs, "successors__ra_support_provider")
    return [
        {
            "organisation": group[0].organisation,
            "roles": [membership.get_role_display() for membership in group],
            "access": OrganisationAccess(group[0].organisation, frozenset(m.role for m in group)),
        }
        for group in grouped.values()
    ]


@dataclass(frozen=True)
class OdsLookup:
    """What the open ODS data says about a code, for filling in sign-up: name, type and current ICB."""

    ods_code: str
    known: KnownOrganisation | None
    icb: RAProvider | None
    icb_changes: list[str]
    icb_choices: list[RAProvider]
    likely_icb: RAProvider | None

    @property
    def is_known(self) -> bool:
        return self.known is not None


def ods_lookup(ods_code: str) -> OdsLookup:
    from .validators import normalise_ods_code

    code = normalise_ods_code(ods_code)
    known = KnownOrganisation.objects.select_related("icb", "likely_icb").filter(ods_code=code).first()
    if known is None or known.icb is None:
        return OdsLookup(code, known, None, [], [], None)
    icb, changes, choices = active_icb(known.icb)
    likely = known.likely_icb if known.likely_icb in choices else None
    if likely is not None:
        choices = [likely, *[choice for choice in choices if choice != likely]]
    return OdsLookup(code, known, icb, changes, choices, likely)
