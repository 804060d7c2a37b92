"""The per-organisation data version: database triggers change it on every write path, and only
for the organisation written; ``cached`` values follow it."""

import datetime

import pytest
from django.db import connection, transaction
from django.utils import timezone

from authenticators.models import Application, Authenticator, EstateFacts, InventoryEntry, UserGroup
from organisations.data_versions import (
    REFERENCE_DATA,
    DataVersion,
    Owner,
    ValidUntil,
    cached,
    tracked_tables,
    version_key,
)
from tests.factories import OrganisationFactory
from training.models import Completion, ModuleVersion, StaffMember, StaffRole, TrainingModule

pytestmark = pytest.mark.django_db


def token(scope: int) -> str | None:
    return DataVersion.objects.filter(scope=scope).values_list("token", flat=True).first()


@pytest.fixture
def organisation():
    return OrganisationFactory()


@pytest.fixture
def other_organisation():
    return OrganisationFactory()


@pytest.fixture
def catalogue_application():
    return Application.objects.create(
        slug="gp-system", name="GP system", cis_generation="CIS2", min_aal="AAL3"
    )


class Changes:
    """Asserts that the block changed exactly the given scopes' tokens."""

    def __init__(self, *scopes, unchanged=()):
        self.scopes, self.unchanged = scopes, unchanged

    def __enter__(self):
        self.before = {scope: token(scope) for scope in (*self.scopes, *self.unchanged)}

    def __exit__(self, *exc):
        if exc[0] is not None:
            return False
        for scope in self.scopes:
            assert token(scope) != self.before[scope], f"token of {scope} did not change"
        for scope in self.unchanged:
            assert token(scope) == self.before[scope], f"token of {scope} changed"
        return False


def test_every_write_path_changes_only_the_written_organisations_token(
    organisation, other_organisation, catalogue_application
):
    mine, theirs = organisation.pk, other_organisation.pk
    with Changes(mine, unchanged=[theirs, REFERENCE_DATA]):
        entry = InventoryEntry.objects.create(organisation=organisation, application=catalogue_application)
    with Changes(mine, unchanged=[theirs, REFERENCE_DATA]):
        EstateFacts.objects.create(organisation=organisation, hscn=True)
    with Changes(mine, unchanged=[theirs]):
        EstateFacts.objects.filter(organisation=organisation).update(hscn=False)
    with Changes(mine, unchanged=[theirs]):
        group = UserGroup.objects.create(organisation=organisation, name="Reception", head_count=4)
    with Changes(mine, unchanged=[theirs]):
        group.applications.add(catalogue_application)
    with Changes(mine, unchanged=[theirs]):
        group.chosen_authenticators.add(Authenticator.objects.create(slug="card", name="Smartcard"))
    with Changes(mine, unchanged=[theirs]):
        group.applications.clear()
    with Changes(mine, unchanged=[theirs]):
        UserGroup.objects.bulk_create([UserGroup(organisation=organisation, name="Clinicians", head_count=9)])
    with Changes(mine, unchanged=[theirs]), connection.cursor() as cursor:
        cursor.execute("UPDATE authenticators_usergroup SET head_count = 5 WHERE id = %s", [group.pk])
    with Changes(mine, unchanged=[theirs]):
        entry.delete()
    with Changes(mine, unchanged=[theirs]):
        group.delete()  # its remaining chosen authenticator rows go first, through their parent


def test_a_row_moved_between_organisations_changes_both(organisation, other_organisation):
    staff = StaffMember.objects.create(
        organisation=organisation,
        full_name="Sam Jones",
        role=StaffRole.choices[0][0],
        employment_type="in_house",
    )
    with Changes(organisation.pk, other_organisation.pk):
        StaffMember.objects.filter(pk=staff.pk).update(organisation=other_organisation)


def test_reference_data_has_its_own_token(organisation, catalogue_application):
    with Changes(REFERENCE_DATA, unchanged=[organisation.pk]):
        catalogue_application.notes = "Moved to CIS2 in 2026"
        catalogue_application.save()
    with Changes(REFERENCE_DATA, unchanged=[organisation.pk]):
        TrainingModule.objects.create(
            slug="new-module", title="New module", covers="Topics", refresh_months=12
        )
    with Changes(organisation.pk, unchanged=[REFERENCE_DATA]):
        Application.objects.create(
            slug="local",
            name="Local system",
            cis_generation="CIS1",
            min_aal="AAL3",
            organisation=organisation,
        )


def test_writes_through_a_parent_row_change_the_parents_organisation(organisation, other_organisation):
    module = TrainingModule.objects.create(
        slug="cis-admin", title="CIS administration", covers="Roles", refresh_months=12
    )
    version = ModuleVersion.objects.create(
        module=module, number=1, change_note="First", published_at=timezone.now()
    )
    staff = StaffMember.objects.create(
        organisation=organisation,
        full_name="Sam Jones",
        role=StaffRole.choices[0][0],
        employment_type="in_house",
    )
    with Changes(organisation.pk, unchanged=[other_organisation.pk, REFERENCE_DATA]):
        Completion.objects.create(
            staff=staff, module=module, module_version=version, completed_on="2026-01-05", method="e_learning"
        )
    with Changes(organisation.pk, unchanged=[other_organisation.pk]):
        Completion.objects.filter(staff=staff).update(evidence_note="Certificate seen")
    with Changes(organisation.pk, unchanged=[other_organisation.pk]):
        Completion.objects.filter(staff=staff).delete()


def test_a_rolled_back_write_leaves_the_token_as_it_was(organisation, catalogue_application):
    InventoryEntry.objects.create(organisation=organisation, application=catalogue_application)
    before = token(organisation.pk)

    def delete_then_fail():
        with transaction.atomic():
            InventoryEntry.objects.filter(organisation=organisation).delete()
            raise RuntimeError("the request failed after the delete")

    with pytest.raises(RuntimeError, match="failed after the delete"):
        delete_then_fail()
    assert token(organisation.pk) == before


def test_cached_values_follow_the_organisations_writes_and_no_one_elses(
    organisation, other_organisation, catalogue_application
):
    calls = []

    def compute(org):
        def inner():
            calls.append(org.pk)
            return InventoryEntry.objects.filter(organisation=org).count()

        return inner

    assert cached("inventory", organisation.pk, compute(organisation)) == 0
    assert cached("inventory", organisation.pk, compute(organisation)) == 0
    assert cached("inventory", other_organisation.pk, compute(other_organisation)) == 0
    assert calls == [organisation.pk, other_organisation.pk]

    InventoryEntry.objects.create(organisation=organisation, application=catalogue_application)
    assert cached("inventory", organisation.pk, compute(organisation)) == 1
    assert cached("inventory", other_organisation.pk, compute(other_organisation)) == 0
    assert calls == [organisation.pk, other_organisation.pk, organisation.pk]

    assert cached("inventory", organisation.pk, compute(organisation), parts=("2026-11-30",)) == 1
    assert len(calls) == 4


def test_a_value_valid_until_a_moment_is_computed_afresh_from_that_moment_without_any_write(
    organisation, monkeypatch
):
    """The moment is checked on each read against ``timezone.now()`` (what a test clock moves), not
    left to the cache backend's expiry."""
    deadline = timezone.now() + datetime.timedelta(hours=2)
    calls = []

    def compute():
        calls.append(timezone.now())
        return ValidUntil(f"computed {len(calls)}", deadline if len(calls) == 1 else None)

    assert cached("sla", organisation.pk, compute) == "computed 1"
    monkeypatch.setattr(timezone, "now", lambda: deadline - datetime.timedelta(microseconds=1))
    assert cached("sla", organisation.pk, compute) == "computed 1"

    monkeypatch.setattr(timezone, "now", lambda: deadline)
    assert cached("sla", organisation.pk, compute) == "computed 2"
    monkeypatch.setattr(timezone, "now", lambda: deadline + datetime.timedelta(days=300))
    assert cached("sla", organisation.pk, compute) == "computed 2"  # no moment: kept until a write
    assert len(calls) == 2


def test_the_version_key_is_one_query(organisation, django_assert_num_queries):
    with django_assert_num_queries(1):
        version_key(organisation.pk)


def test_the_tables_of_organisation_and_reference_data_are_tracked():
    assert {
        "organisations_organisation",
        "organisations_raprovider",
        "authenticators_authenticator",
        "authenticators_application",
        "authenticators_inventoryentry",
        "authenticators_estatefacts",
        "authenticators_usergroup",
        "authenticators_usergroup_applications",
        "authenticators_usergroup_chosen_authenticators",
        "ra_requests_rarequest",
        "ra_requests_rarequestevent",
        "training_trainingmodule",
        "training_staffmember",
        "training_completion",
        "onboarding_readinessjourney",
    } <= tracked_tables()
    assert "onboarding_readinessrecord" not in tracked_tables()


def test_only_plain_identifiers_reach_trigger_sql():
    with pytest.raises(ValueError, match="Not a plain SQL identifier"):
        Owner(column='id"; DROP TABLE x; --')


def test_the_untracked_table_check_catches_a_table_without_triggers(organisation):
    from organisations.models import Membership
    from tests.data_version_helpers import assert_reads_only_tracked_tables

    assert_reads_only_tracked_tables(lambda: list(InventoryEntry.objects.filter(organisation=organisation)))
    with pytest.raises(AssertionError, match="organisations_membership"):
        assert_reads_only_tracked_tables(lambda: list(Membership.objects.filter(organisation=organisation)))


def test_with_the_cache_down_values_are_worked_out_afresh(organisation, settings, caplog):
    unreachable = {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:9/0",
    }
    settings.CACHES = {**settings.CACHES, "pages": unreachable}
    assert cached("count", organisation.pk, lambda: 41 + 1) == 42
    assert "Cache unavailable" in caplog.text
    assert "ConnectionError" in caplog.text or "Connection refused" in caplog.text
