"""plan_summary is cached under the organisation's data version: every write path shows on the next
view, one organisation's plan never shows to another, and a repeat view reads no plan table."""

import pickle

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from authenticators import selectors, services
from authenticators.models import Application, Authenticator, UserGroup
from organisations.data_versions import version_key
from tests.data_version_helpers import assert_reads_only_tracked_tables, tables_read
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PLAN_TABLES = {
    "authenticators_authenticator",
    "authenticators_application",
    "authenticators_inventoryentry",
    "authenticators_usergroup",
}


def plan_page(client, organisation) -> str:
    response = client.get(reverse("authenticators:plan", args=[organisation.ods_code]))
    assert response.status_code == 200
    return response.content.decode()


def reception(organisation) -> UserGroup:
    return UserGroup.objects.get(organisation=organisation, name="Reception")


def test_the_uncached_plan_summary_reads_only_tracked_tables(planned_organisation):
    services.save_estate_facts(planned_organisation, hscn=True)
    services.choose_authenticators(reception(planned_organisation), authenticator_slugs=["smartcard"])

    assert tables_read(lambda: selectors.build_plan_summary(planned_organisation)) >= PLAN_TABLES
    assert_reads_only_tracked_tables(lambda: selectors.build_plan_summary(planned_organisation))


def test_a_plan_summary_survives_pickling_unchanged(planned_organisation):
    services.choose_authenticators(reception(planned_organisation), authenticator_slugs=["smartcard"])
    summary = selectors.build_plan_summary(planned_organisation)

    assert pickle.loads(pickle.dumps(summary)) == summary  # noqa: S301 (our own bytes)


def test_a_cached_plan_summary_equals_the_one_worked_out(planned_organisation):
    selectors.plan_summary(planned_organisation)

    assert selectors.plan_summary(planned_organisation) == selectors.build_plan_summary(planned_organisation)


def test_what_a_caller_does_to_its_plan_summary_does_not_reach_the_next_caller(planned_organisation):
    first = selectors.plan_summary(planned_organisation)
    first.overall.unusable_reasons["smartcard"] = "changed by a caller"
    first.groups[0].recommendation.unusable_reasons.clear()

    again = selectors.plan_summary(planned_organisation)

    assert again == selectors.build_plan_summary(planned_organisation)
    assert "changed by a caller" not in again.overall.unusable_reasons.values()


def test_a_repeat_plan_summary_reads_only_the_data_version(planned_organisation, django_assert_num_queries):
    with django_assert_num_queries(4):  # the data version, then the plan's three
        selectors.plan_summary(planned_organisation)
    with django_assert_num_queries(1):
        selectors.plan_summary(planned_organisation)


def test_a_plan_changed_in_a_rolled_back_transaction_is_not_served_afterwards(planned_organisation):
    """Fails if the cache were keyed without the data version: the value cached inside the
    transaction would be served after the rollback."""
    selectors.plan_summary(planned_organisation)
    before = version_key(planned_organisation.pk)
    inside = None

    class RolledBack(Exception):
        pass

    def change_then_roll_back():
        nonlocal inside
        with transaction.atomic():
            services.save_user_group(
                planned_organisation, name="Clinicians", head_count=2, application_slugs=[]
            )
            inside = selectors.plan_summary(planned_organisation)
            raise RolledBack

    with pytest.raises(RolledBack):
        change_then_roll_back()

    after = selectors.plan_summary(planned_organisation)

    assert [g.name for g in inside.groups] == ["Clinicians", "Reception"]
    assert version_key(planned_organisation.pk) == before
    assert [g.name for g in after.groups] == ["Reception"]


def test_two_organisations_never_see_each_others_plan(
    client, planned_organisation, org_admin, other_organisation, other_org_admin, django_assert_num_queries
):
    services.save_application_inventory(other_organisation, catalogue_slugs=["e-rs"])
    services.save_user_group(other_organisation, name="Dentists", head_count=3, application_slugs=["e-rs"])

    client.force_login(org_admin)
    ours = plan_page(client, planned_organisation)
    client.force_login(other_org_admin)
    theirs = plan_page(client, other_organisation)
    services.save_user_group(other_organisation, name="Nurses", head_count=2, application_slugs=["e-rs"])
    theirs_again = plan_page(client, other_organisation)
    client.force_login(org_admin)
    with django_assert_num_queries(4):  # their change leaves our cached plan in place
        ours_again = plan_page(client, planned_organisation)

    for page in (ours, ours_again):
        assert "Reception" in page
        assert "Dentists" not in page
        assert "Nurses" not in page
        assert "NHS e-Referral Service" not in page
    for page in (theirs, theirs_again):
        assert "Dentists" in page
        assert "Reception" not in page
        assert "SystmOne" not in page
    assert "Nurses" in theirs_again


# --- Every kind of write shows on the next view --------------------------------------------------


def test_next_view_shows_a_saved_inventory(client, planned_organisation, org_admin):
    client.force_login(org_admin)
    assert "NHS e-Referral Service" not in plan_page(client, planned_organisation)

    services.save_application_inventory(
        planned_organisation, catalogue_slugs=["ncrs", "systmone", "emis-web", "e-rs"], acting_user=org_admin
    )

    assert "NHS e-Referral Service (e-RS)" in plan_page(client, planned_organisation)


def test_next_view_shows_a_local_application_added_and_removed(client, planned_organisation, org_admin):
    client.force_login(org_admin)
    assert "Ward rota" not in plan_page(client, planned_organisation)

    application = services.add_local_application(
        planned_organisation, name="Ward rota", cis_generation="CIS2", min_aal="AAL2", acting_user=org_admin
    )
    assert "Ward rota (CIS2, AAL2)" in plan_page(client, planned_organisation)
    services.remove_local_application(application, organisation=planned_organisation, acting_user=org_admin)

    assert "Ward rota" not in plan_page(client, planned_organisation)


def test_next_view_shows_saved_estate_facts(client, planned_organisation, org_admin):
    client.force_login(org_admin)
    assert plan_page(client, planned_organisation).count(">Not sure</dd>") == 5

    services.save_estate_facts(planned_organisation, hscn=True, smartphones=False, acting_user=org_admin)

    assert plan_page(client, planned_organisation).count(">Not sure</dd>") == 3


def test_next_view_shows_groups_added_changed_and_removed(client, planned_organisation, org_admin):
    client.force_login(org_admin)
    assert "Clinicians" not in plan_page(client, planned_organisation)

    services.save_user_group(
        planned_organisation, name="Clinicians", head_count=6, application_slugs=["systmone"]
    )
    assert 'Clinicians <span class="nhsuk-body-s">(6 staff)' in plan_page(client, planned_organisation)
    services.save_user_group(
        planned_organisation,
        group=reception(planned_organisation),
        name="Front desk",
        head_count=9,
        application_slugs=["ncrs"],
    )
    assert 'Front desk <span class="nhsuk-body-s">(9 staff)' in plan_page(client, planned_organisation)
    services.delete_user_group(
        UserGroup.objects.get(name="Front desk"), organisation=planned_organisation, acting_user=org_admin
    )

    assert "Front desk" not in plan_page(client, planned_organisation)


def test_next_view_shows_chosen_authenticators(client, planned_organisation, org_admin):
    client.force_login(org_admin)
    assert "Not chosen yet" in plan_page(client, planned_organisation)

    services.choose_authenticators(reception(planned_organisation), authenticator_slugs=["smartcard"])

    assert "Not chosen yet" not in plan_page(client, planned_organisation)


def test_next_view_shows_a_group_changed_in_the_admin(client, planned_organisation, org_admin):
    superuser = UserFactory(email="super@example.org", is_staff=True, is_superuser=True)
    group = reception(planned_organisation)
    change_url = f"/admin/authenticators/usergroup/{group.pk}/change/"
    client.force_login(superuser)
    form = client.get(change_url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: ("" if value is None else value) for name, value in data.items()}
    data["head_count"] = 11
    data["plan_chosen_at_0"], data["plan_chosen_at_1"] = "", ""
    client.force_login(org_admin)
    assert "(4 staff)" in plan_page(client, planned_organisation)

    client.force_login(superuser)
    assert client.post(change_url, data).status_code == 302
    client.force_login(org_admin)

    assert 'Reception <span class="nhsuk-body-s">(11 staff)' in plan_page(client, planned_organisation)


def test_next_view_shows_a_queryset_update(client, planned_organisation, org_admin):
    client.force_login(org_admin)
    assert "(4 staff)" in plan_page(client, planned_organisation)

    UserGroup.objects.filter(organisation=planned_organisation).update(head_count=12)

    assert 'Reception <span class="nhsuk-body-s">(12 staff)' in plan_page(client, planned_organisation)


def test_next_view_shows_a_catalogue_edit(client, planned_organisation, org_admin):
    client.force_login(org_admin)
    assert "SystmOne (CIS2" in plan_page(client, planned_organisation)

    systmone = Application.objects.catalogue().get(slug="systmone")
    systmone.name = "SystmOne by TPP"
    systmone.save()
    Authenticator.objects.filter(slug="microsoft-authenticator").update(name="Authenticator app (Microsoft)")

    page = plan_page(client, planned_organisation)
    assert "SystmOne by TPP (CIS2" in page
    assert "Authenticator app<br>" in page  # Reception's recommended label


def test_next_view_shows_the_catalogue_as_load_reference_data_restores_it(
    client, planned_organisation, org_admin
):
    Application.objects.catalogue().filter(slug="systmone").update(name="Renamed by hand")
    client.force_login(org_admin)
    assert "Renamed by hand" in plan_page(client, planned_organisation)

    call_command("load_reference_data", verbosity=0)

    page = plan_page(client, planned_organisation)
    assert "Renamed by hand" not in page
    assert "SystmOne (CIS2" in page
