"""``cis_portal.compiled_queries``: several parameters, and instances with their select_related
relations, as the ORM gives them (the single-parameter reads are in tests/authenticators)."""

import pytest
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext

from cis_portal.compiled_queries import PLACEHOLDER, CompiledQuery
from organisations.models import Membership, Role

ODS_PLACEHOLDER = "compiled-query-ods-code"


def memberships_query(user_id, ods_code):
    return Membership.objects.filter(user_id=user_id, organisation__ods_code=ods_code).select_related(
        "organisation__icb"
    )


def described(memberships):
    return [
        (
            m.pk,
            m.role,
            m.created_at,
            m.organisation.pk,
            m.organisation.name,
            m.organisation.icb.pk,
            m.organisation.icb.name,
            m.organisation.icb.closed_on,
            m.organisation._state.adding,
            m.organisation.icb._state.db,
        )
        for m in memberships
    ]


@pytest.mark.django_db
def test_instances_come_with_their_related_objects_as_the_orm_gives_them(
    organisation, org_admin, other_org_admin, django_assert_num_queries
):
    Membership.objects.create(organisation=organisation, user=org_admin, role=Role.IT_LEAD)
    compiled = CompiledQuery(memberships_query, (PLACEHOLDER, ODS_PLACEHOLDER))
    expected = described(memberships_query(org_admin.pk, "A81001").order_by("pk"))

    with django_assert_num_queries(1):
        memberships = sorted(compiled.instances(org_admin.pk, "A81001"), key=lambda m: m.pk)
        assert described(memberships) == expected
        assert len(expected) == 2


@pytest.mark.django_db
def test_each_parameter_takes_its_own_value_every_time(
    organisation, other_organisation, org_admin, other_org_admin
):
    built = []

    def build(user_id, ods_code):
        built.append((user_id, ods_code))
        return memberships_query(user_id, ods_code).values_list("organisation__ods_code", "role")

    compiled = CompiledQuery(build, (PLACEHOLDER, ODS_PLACEHOLDER))

    with CaptureQueriesContext(connection) as queries:
        answers = [
            compiled.rows(org_admin.pk, "A81001"),
            compiled.rows(other_org_admin.pk, "B82002"),
            compiled.rows(org_admin.pk, "B82002"),
            compiled.rows(other_org_admin.pk, "A81001"),
        ]

    assert answers == [[("A81001", Role.ORG_ADMIN)], [("B82002", Role.ORG_ADMIN)], [], []]
    assert built[0] == (PLACEHOLDER, ODS_PLACEHOLDER)
    assert len(built) == 2  # with the placeholders and with other values, when first run
    assert len(queries) == 4


@pytest.mark.django_db
def test_a_deferred_field_is_read_when_asked_for_as_the_orm_does(organisation, org_admin):
    compiled = CompiledQuery(
        lambda user_id: (
            Membership.objects.filter(user_id=user_id)
            .select_related("organisation")
            .only("role", "organisation__name")
        )
    )

    (membership,) = compiled.instances(org_admin.pk)

    assert membership.organisation.get_deferred_fields() >= {"ods_code", "icb_id"}
    assert membership.organisation.ods_code == "A81001"


@pytest.mark.django_db
def test_a_missing_nullable_relation_is_none(organisation, org_admin):
    compiled = CompiledQuery(
        lambda user_id: Membership.objects.filter(user_id=user_id).select_related(
            "organisation__readiness_journey"
        )
    )

    (membership,) = compiled.instances(org_admin.pk)

    with CaptureQueriesContext(connection) as queries:
        assert getattr(membership.organisation, "readiness_journey", None) is None
    assert len(queries) == 0


def test_a_value_the_orm_changes_is_refused(db):
    contains = CompiledQuery(
        lambda ods_code: Membership.objects.filter(organisation__ods_code__contains=ods_code),
        (ODS_PLACEHOLDER,),
    )

    with pytest.raises(ValueError, match="placeholder"):
        contains.instances("A81")


def test_a_query_whose_sql_depends_on_the_values_is_refused(db):
    shaped = CompiledQuery(
        lambda user_id: Membership.objects.filter(
            user_id=user_id, pk__in=[1] if user_id > -10_000 else [1, 2]
        )
    )

    with pytest.raises(ValueError, match="SQL"):
        shaped.instances(1)


@pytest.mark.django_db
def test_constants_of_the_query_stay_while_the_placeholders_change(organisation, org_admin, it_lead):
    admins = CompiledQuery(
        lambda ods_code: Membership.objects.filter(organisation__ods_code=ods_code, role=Role.ORG_ADMIN),
        (ODS_PLACEHOLDER,),
    )

    assert [m.user_id for m in admins.instances("A81001")] == [org_admin.pk]
    assert admins.instances("B82002") == []


def test_values_must_match_the_placeholders_in_number(db):
    compiled = CompiledQuery(memberships_query, (PLACEHOLDER, ODS_PLACEHOLDER))

    with pytest.raises(TypeError, match="2 values"):
        compiled.instances(1)


def test_instances_refuse_what_they_would_silently_drop(db):
    annotated = CompiledQuery(
        lambda user_id: Membership.objects.annotate(n=Count("pk")).filter(user_id=user_id)
    )
    prefetching = CompiledQuery(
        lambda user_id: Membership.objects.filter(user_id=user_id).prefetch_related("organisation")
    )

    with pytest.raises(ValueError, match="annotations"):
        annotated.instances(1)
    with pytest.raises(ValueError, match="prefetch_related"):
        prefetching.instances(1)


@pytest.mark.django_db
def test_a_date_worked_out_while_building_is_refused():
    import datetime

    from organisations.models import Membership

    query = CompiledQuery(
        lambda user_id: Membership.objects.filter(
            user_id=user_id, created_at__date__lte=datetime.date(2026, 1, 1)
        )
    )
    with pytest.raises(ValueError, match="a date must be a placeholder"):
        query.rows()
