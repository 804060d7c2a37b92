"""Reads of modules and versions."""

import itertools

from django.db.models import Prefetch
from django.utils import timezone

from ..compliance import (
    ModuleRules,
)
from ..models import ModuleVersion, TrainingModule


def active_modules() -> list[TrainingModule]:
    """Active modules with their versions (two queries)."""
    versions = Prefetch("versions", queryset=ModuleVersion.objects.order_by("number"))
    return list(TrainingModule.objects.active().prefetch_related(versions).order_by("title"))


def module_rules(module: TrainingModule) -> ModuleRules:
    versions = list(module.versions.all())  # prefetched, ordered by number
    superseded_on = {}
    for older, newer in itertools.pairwise(versions):
        superseded_on[older.number] = timezone.localdate(newer.published_at)
    return ModuleRules(
        id=module.pk,
        refresh_months=module.refresh_months,
        current_version=versions[-1].number if versions else 1,
        superseded_on=superseded_on,
    )


def current_versions():
    """Each active module's current version, for choosing what a completion is for."""
    latest = {}
    for version in ModuleVersion.objects.filter(module__is_active=True).select_related("module"):
        if version.module_id not in latest or version.number > latest[version.module_id].number:
            latest[version.module_id] = version
    return sorted(latest.values(), key=lambda v: v.module.title)
