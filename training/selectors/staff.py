"""Reads of staff records and of who hears about an organisation's training."""

from ..models import Completion, StaffMember


def staff_for_organisation(organisation, *, include_leavers: bool = False):
    """The organisation's staff records, active ones only unless ``include_leavers``."""
    staff = StaffMember.objects.for_organisation(organisation)
    if not include_leavers:
        staff = staff.active()
    return staff.order_by("full_name", "id")


def get_staff_member(organisation, pk: int) -> StaffMember | None:
    return StaffMember.objects.for_organisation(organisation).filter(pk=pk).first()


def completions_for_staff_member(staff: StaffMember):
    """Every completion the person has, newest first: history is never overwritten."""
    return staff.completions.select_related("module_version", "module", "recorded_by").order_by(
        "-completed_on", "-id"
    )


def it_lead_emails(organisation) -> list[str]:
    """Who hears about training for an organisation: its IT leads, else its organisation admins."""
    from organisations.models import Membership, Role

    memberships = Membership.objects.filter(organisation=organisation, user__is_active=True)
    emails = sorted(set(memberships.filter(role=Role.IT_LEAD).values_list("user__email", flat=True)))
    if not emails:
        emails = sorted(set(memberships.filter(role=Role.ORG_ADMIN).values_list("user__email", flat=True)))
    return emails


def completion_with_evidence(organisation, pk: int) -> Completion | None:
    """A completion with an evidence file, if it belongs to one of the organisation's staff."""
    return (
        Completion.objects.select_related("staff")
        .filter(pk=pk, staff__organisation=organisation)
        .exclude(evidence_file="")
        .first()
    )
