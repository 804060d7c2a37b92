"""The shape every part uses to contribute to an organisation's timeline.

Each feature app exposes ``selectors.timeline_events_for_organisation(organisation)`` returning a
list of these; the readiness wizard merges them into one chronological view.
"""

import datetime
from dataclasses import dataclass


@dataclass(frozen=True)
class TimelineEvent:
    occurred_at: datetime.datetime
    category: str  # "readiness", "ra_request", "authenticator_plan", "training"
    title: str
    detail: str = ""
    url: str = ""
    actor: str = ""


class ActorNames:
    """Names an actor on an organisation's timeline only if the organisation may know who they are.

    Named: the organisation's own members, the RA teams that support it (its ICB's, the provider its
    ICB gets RA support from, the national RA team, and any ``provider_ids`` a caller adds, such as
    the providers its requests went to) and national staff. Anyone else appears as a role, so one
    organisation's timeline never names another organisation's staff.
    Call it with a user (or None); it reads who is known once, on first use.
    """

    def __init__(self, organisation, *, provider_ids=()):
        self.organisation = organisation
        self.provider_ids = set(provider_ids)
        self._known: set[int] | None = None
        self._roles: dict[int, str] = {}

    def __call__(self, user) -> str:
        if user is None:
            return ""
        if self._known is None:
            self._known = self._known_user_ids()
        if user.pk in self._known:
            return user.display_name
        if user.pk not in self._roles:
            self._roles[user.pk] = _role_of_outsider(user)
        return self._roles[user.pk]

    def _known_user_ids(self) -> set[int]:
        from django.db.models import Q

        from .models import RAProvider, User
        from .roles import NATIONAL_ADMINISTRATORS

        icb_id = self.organisation.icb_id
        supporting_teams = (
            Q(ra_team_membership__provider_id__in={icb_id, *self.provider_ids} - {None})
            | Q(ra_team_membership__provider__supported_icbs__id=icb_id)
            | Q(ra_team_membership__provider__kind=RAProvider.Kind.NATIONAL)
        )
        return set(
            User.objects.filter(
                Q(memberships__organisation=self.organisation)
                | supporting_teams
                | Q(is_superuser=True)
                | Q(groups__name=NATIONAL_ADMINISTRATORS)
            )
            .values_list("pk", flat=True)
            .distinct()
        )


def _role_of_outsider(user) -> str:
    from .models import Membership, RATeamMembership

    if RATeamMembership.objects.filter(user=user).exists():
        return "a member of another RA team"
    if Membership.objects.filter(user=user).exists():
        return "a member of another organisation"
    return "someone outside your organisation"
