"""Reads built and compiled once per connection (``cis_portal.compiled_queries``)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from authenticators import selectors, services
from authenticators.models import Application, Authenticator, UserGroup
from cis_portal.compiled_queries import PLACEHOLDER, CompiledQuery


@pytest.mark.django_db
def test_a_compiled_query_is_built_once_and_runs_with_each_value(planned_organisation, other_organisation):
    services.save_user_group(other_organisation, name="Dentists", head_count=3, application_slugs=[])
    built = []

    def build(organisation_id):
        built.append(organisation_id)
        return UserGroup.objects.filter(organisation_id=organisation_id).values_list("name", "head_count")

    names = CompiledQuery(build)

    with CaptureQueriesContext(connection) as queries:
        rows = [names.rows(planned_organisation.pk), names.rows(other_organisation.pk), names.rows(-1)]

    assert rows == [[("Reception", 4)], [("Dentists", 3)], []]
    assert built[0] == PLACEHOLDER
    assert len(built) == 2  # once with the placeholder and once with another value, never again
    assert len(queries) == 3


@pytest.mark.django_db
def test_a_compiled_query_gives_values_as_the_orm_does(catalogue):
    booleans = CompiledQuery(
        lambda: Authenticator.objects.order_by("slug").values_list("slug", "cis1_supported", "hardware"), ()
    )

    assert booleans.rows() == list(
        Authenticator.objects.order_by("slug").values_list("slug", "cis1_supported", "hardware")
    )
    assert {type(row[1]) for row in booleans.rows()} == {bool}
    assert all(isinstance(row[2], list) for row in booleans.rows())


@pytest.mark.django_db
def test_a_compiled_query_refuses_a_parameter_the_orm_changed(planned_organisation):
    changed = CompiledQuery(
        lambda organisation_id: UserGroup.objects.filter(head_count__gt=organisation_id - 1)
    )

    with pytest.raises(ValueError, match="placeholder"):
        changed.rows(1)


@pytest.mark.django_db
def test_a_compiled_query_keeps_its_own_constants(planned_organisation, other_organisation):
    services.save_user_group(other_organisation, name="Dentists", head_count=3, application_slugs=[])
    services.save_user_group(other_organisation, name="Nurses", head_count=7, application_slugs=[])
    sevens = CompiledQuery(
        lambda organisation_id: UserGroup.objects.filter(
            organisation_id=organisation_id, head_count=7
        ).values_list("name")
    )

    assert sevens.rows(other_organisation.pk) == [("Nurses",)]
    assert sevens.rows(planned_organisation.pk) == []


@pytest.mark.django_db
def test_plan_summaries_of_two_organisations_in_turn_each_show_their_own(
    planned_organisation, other_organisation
):
    services.save_application_inventory(other_organisation, catalogue_slugs=["e-rs"])
    services.save_user_group(other_organisation, name="Dentists", head_count=3, application_slugs=["e-rs"])
    services.save_estate_facts(other_organisation, hscn=True, ipads=False)

    ours, theirs, ours_again = (
        selectors.build_plan_summary(o)
        for o in (planned_organisation, other_organisation, planned_organisation)
    )

    assert [g.name for g in ours.groups] == [g.name for g in ours_again.groups] == ["Reception"]
    assert [a.slug for a in ours_again.inventory] == ["emis-web", "ncrs", "systmone"]
    assert [g.name for g in theirs.groups] == ["Dentists"]
    assert [a.slug for a in theirs.inventory] == ["e-rs"]
    assert theirs.estate.hscn is True
    assert theirs.estate.ipads is False
    assert ours.estate.hscn is None


@pytest.mark.django_db
def test_catalogue_reads_give_the_orms_instances_and_see_every_change(organisation, catalogue):
    fields = ("pk", "slug", "name", "supplier", "cis_generation", "min_aal", "confidence", "created_at")

    def described(applications):
        return [(*(getattr(a, f) for f in fields), a.is_local, a._state.adding) for a in applications]

    assert described(selectors.catalogue_applications()) == described(
        Application.objects.filter(organisation=None).order_by("name")
    )
    Application.objects.filter(slug="ncrs", organisation=None).update(name="Care Records")
    services.add_local_application(organisation, name="Our rota", cis_generation="CIS2", min_aal="AAL2")
    Authenticator.objects.filter(slug="passkey").delete()

    assert "Care Records" in [a.name for a in selectors.catalogue_applications()]
    assert "Our rota" not in [a.name for a in selectors.catalogue_applications()]
    assert [a.slug for a in selectors.catalogue_authenticators()] == sorted(
        slug for slug in catalogue["authenticators"] if slug != "passkey"
    )
