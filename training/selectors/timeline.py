"""The training part of an organisation's timeline."""

import datetime
from collections import defaultdict

from django.urls import reverse
from django.utils import timezone

from organisations.timeline import ActorNames, TimelineEvent

from ..models import Completion, ModuleVersion


def timeline_events_for_organisation(organisation) -> list[TimelineEvent]:
    """Completions (grouped per session) and new module versions that made staff due a refresher."""
    dashboard_url = reverse("training:dashboard", args=[organisation.ods_code])
    actor_name = ActorNames(organisation)
    sessions = defaultdict(list)
    completions = (
        Completion.objects.filter(staff__organisation=organisation)
        .select_related("module_version__module", "recorded_by", "staff")
        .order_by("completed_on", "id")
    )
    for completion in completions:
        key = (completion.module_version_id, completion.completed_on, completion.method)
        sessions[key].append(completion)

    events = []
    completed_versions = {}
    for (_, completed_on, _), group in sessions.items():
        first = group[0]
        version = first.module_version
        names = ", ".join(sorted(c.staff.full_name for c in group))
        people = "1 person" if len(group) == 1 else f"{len(group)} people"
        events.append(
            TimelineEvent(
                occurred_at=_start_of_day(completed_on),
                category="training",
                title=f"Training completed: {version.module.title} (version {version.number})",
                detail=f"{first.get_method_display()} for {people}: {names}",
                url=dashboard_url,
                actor=actor_name(first.recorded_by),
            )
        )
        for completion in group:
            key = completion.module_version.module_id
            completed_versions.setdefault(key, set()).add(
                (completion.staff_id, completion.module_version.number)
            )

    if completed_versions:
        versions = (
            ModuleVersion.objects.filter(module_id__in=completed_versions.keys(), number__gt=1)
            .select_related("module", "published_by")
            .order_by("published_at")
        )
        for version in versions:
            affected = {
                staff_id
                for staff_id, number in completed_versions[version.module_id]
                if number < version.number
            }
            if not affected:
                continue
            events.append(
                TimelineEvent(
                    occurred_at=version.published_at,
                    category="training",
                    title=f"New version of {version.module.title}: version {version.number}",
                    detail=f"{version.change_note} Staff trained on an earlier version need a refresher "
                    f"({len(affected)} trained here before this version).",
                    url=dashboard_url,
                    actor=actor_name(version.published_by),
                )
            )
    events.sort(key=lambda event: event.occurred_at)
    return events


def _start_of_day(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
