import pytest
from django.core.exceptions import ValidationError

from authenticators import selectors, services
from authenticators.models import Application, EstateFacts, InventoryEntry, PlanEvent, UserGroup


@pytest.mark.django_db
def test_save_application_inventory_sets_exactly_the_given_catalogue_applications(
    organisation, org_admin, catalogue
):
    services.save_application_inventory(organisation, catalogue_slugs=["ncrs", "e-rs"], acting_user=org_admin)

    inventory = services.save_application_inventory(
        organisation, catalogue_slugs=["ncrs", "systmone"], acting_user=org_admin
    )

    assert [a.slug for a in inventory] == ["ncrs", "systmone"]
    assert PlanEvent.objects.filter(organisation=organisation).count() == 2


@pytest.mark.django_db
def test_save_application_inventory_refuses_unknown_slugs_and_keeps_what_was_saved(
    organisation, org_admin, catalogue
):
    services.save_application_inventory(organisation, catalogue_slugs=["ncrs"], acting_user=org_admin)

    with pytest.raises(ValidationError) as error:
        services.save_application_inventory(
            organisation, catalogue_slugs=["ncrs", "nope"], acting_user=org_admin
        )

    assert error.value.message_dict == {"applications": ["Unknown application: nope"]}
    assert [a.slug for a in selectors.inventory_for(organisation)] == ["ncrs"]


@pytest.mark.django_db
def test_save_application_inventory_takes_removed_applications_out_of_groups(planned_organisation, org_admin):
    services.save_application_inventory(
        planned_organisation, catalogue_slugs=["systmone", "emis-web"], acting_user=org_admin
    )

    group = UserGroup.objects.get(organisation=planned_organisation)
    assert list(group.applications.all()) == []


@pytest.mark.django_db
def test_add_local_application_adds_it_to_the_inventory_with_its_generation_and_aal(
    organisation, org_admin, catalogue
):
    application = services.add_local_application(
        organisation, name="Pharmacy Manager", cis_generation="CIS2", min_aal="AAL2", acting_user=org_admin
    )

    assert (application.slug, application.organisation, application.min_aal) == (
        "local-pharmacy-manager",
        organisation,
        "AAL2",
    )
    assert list(selectors.inventory_for(organisation)) == [application]
    assert application not in selectors.catalogue_applications()


@pytest.mark.django_db
def test_add_local_application_treats_cis1_as_aal3_and_refuses_duplicates(organisation, org_admin, catalogue):
    application = services.add_local_application(
        organisation, name="Old PMR", cis_generation="CIS1", min_aal="AAL2", acting_user=org_admin
    )

    with pytest.raises(ValidationError) as error:
        services.add_local_application(
            organisation, name="old pmr", cis_generation="CIS2", min_aal="AAL2", acting_user=org_admin
        )

    assert application.min_aal == "AAL3"
    assert error.value.message_dict == {"name": ["You have already added an application with this name"]}


@pytest.mark.django_db
def test_add_local_application_validates_every_field(organisation, org_admin, catalogue):
    with pytest.raises(ValidationError) as error:
        services.add_local_application(organisation, name=" ", cis_generation="CIS3", min_aal="AAL1")

    assert error.value.message_dict == {
        "name": ["Enter the application's name"],
        "cis_generation": ["Select whether the application uses CIS1 or CIS2"],
        "min_aal": ["Select the assurance level the application needs"],
    }


@pytest.mark.django_db
def test_remove_local_application_refuses_another_organisations_application(
    organisation, other_organisation, org_admin, catalogue
):
    theirs = services.add_local_application(
        other_organisation, name="Theirs", cis_generation="CIS2", min_aal="AAL2"
    )

    with pytest.raises(ValidationError):
        services.remove_local_application(theirs, organisation=organisation, acting_user=org_admin)

    assert Application.objects.filter(pk=theirs.pk).exists()


@pytest.mark.django_db
def test_save_estate_facts_stores_true_false_and_not_sure(organisation, org_admin):
    services.save_estate_facts(organisation, hscn=True, smartphones=False, acting_user=org_admin)

    estate = services.save_estate_facts(organisation, ipads=None, acting_user=org_admin)

    assert (estate.hscn, estate.smartphones, estate.ipads, estate.windows_tpm) == (True, False, None, None)
    assert EstateFacts.objects.filter(organisation=organisation).count() == 1
    assert PlanEvent.objects.filter(organisation=organisation, title="Estate facts updated").count() == 1


@pytest.mark.django_db
def test_save_estate_facts_refuses_unknown_facts(organisation):
    with pytest.raises(ValidationError):
        services.save_estate_facts(organisation, fax_machine=True)


@pytest.mark.django_db
def test_save_user_group_creates_and_updates_a_group(organisation, org_admin, catalogue):
    services.save_application_inventory(organisation, catalogue_slugs=["ncrs", "systmone"])
    group = services.save_user_group(
        organisation,
        name="Clinicians",
        head_count=8,
        application_slugs=["ncrs", "systmone"],
        acting_user=org_admin,
    )

    updated = services.save_user_group(
        organisation,
        group=group,
        name="GPs",
        head_count=6,
        application_slugs=["systmone"],
        acting_user=org_admin,
    )

    assert (updated.pk, updated.name, updated.head_count) == (group.pk, "GPs", 6)
    assert [a.slug for a in updated.applications.all()] == ["systmone"]


@pytest.mark.django_db
def test_save_user_group_refuses_applications_outside_the_inventory_and_duplicate_names(
    planned_organisation, org_admin
):
    with pytest.raises(ValidationError) as outside:
        services.save_user_group(
            planned_organisation, name="Nurses", head_count=2, application_slugs=["e-rs"]
        )
    with pytest.raises(ValidationError) as duplicate:
        services.save_user_group(
            planned_organisation, name="reception", head_count=2, application_slugs=["ncrs"]
        )

    assert outside.value.message_dict == {
        "applications": ["Add these to the application inventory first: e-rs"]
    }
    assert duplicate.value.message_dict == {"name": ["There is already a group with this name"]}
    assert UserGroup.objects.filter(organisation=planned_organisation).count() == 1


@pytest.mark.django_db
def test_save_user_group_refuses_a_group_of_another_organisation(
    planned_organisation, other_organisation, org_admin
):
    group = planned_organisation.user_groups.get()

    with pytest.raises(ValidationError):
        services.save_user_group(
            other_organisation, group=group, name="Stolen", head_count=1, application_slugs=[]
        )

    group.refresh_from_db()
    assert group.name == "Reception"


@pytest.mark.django_db
def test_choose_authenticators_records_the_choice_and_refuses_an_empty_set(planned_organisation, org_admin):
    group = planned_organisation.user_groups.get()

    services.choose_authenticators(group, authenticator_slugs=["passkey"], acting_user=org_admin)
    with pytest.raises(ValidationError) as error:
        services.choose_authenticators(group, authenticator_slugs=[], acting_user=org_admin)

    group.refresh_from_db()
    assert group.has_chosen is True
    assert [a.slug for a in group.chosen_authenticators.all()] == ["passkey"]
    assert error.value.message_dict == {"authenticators": ["Select at least one authenticator"]}


@pytest.mark.django_db
def test_delete_user_group_removes_only_that_group(planned_organisation, org_admin):
    group = planned_organisation.user_groups.get()

    services.delete_user_group(group, organisation=planned_organisation, acting_user=org_admin)

    assert not UserGroup.objects.filter(pk=group.pk).exists()
    assert InventoryEntry.objects.filter(organisation=planned_organisation).count() == 3


@pytest.mark.django_db
def test_save_application_inventory_adds_local_applications_once(organisation, org_admin, catalogue):
    local = [{"name": "Acme PMR", "cis_generation": "CIS2", "min_aal": "AAL3", "supplier": "Acme"}]

    services.save_application_inventory(organisation, catalogue_slugs=["ncrs"], local_applications=local)
    inventory = services.save_application_inventory(
        organisation, catalogue_slugs=["ncrs"], local_applications=local, acting_user=org_admin
    )

    assert [(a.name, a.is_local, a.min_aal) for a in inventory] == [
        ("Acme PMR", True, "AAL3"),
        ("National Care Records Service (NCRS)", False, "AAL2"),
    ]


@pytest.mark.django_db
def test_save_application_inventory_touches_only_the_groups_that_used_a_removed_application(
    planned_organisation, org_admin
):
    reception = UserGroup.objects.get(organisation=planned_organisation)
    clinicians = services.save_user_group(
        planned_organisation, name="Clinicians", head_count=5, application_slugs=["systmone"]
    )
    history_before = {g.pk: g.history.count() for g in (reception, clinicians)}

    services.save_application_inventory(
        planned_organisation, catalogue_slugs=["systmone", "emis-web"], acting_user=org_admin
    )

    assert [a.slug for a in reception.applications.all()] == []
    assert [a.slug for a in clinicians.applications.all()] == ["systmone"]
    assert reception.history.count() == history_before[reception.pk] + 1
    assert reception.history.first().history_user == org_admin
    assert clinicians.history.count() == history_before[clinicians.pk]
