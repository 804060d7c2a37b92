import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from authenticators import rules, selectors, services
from authenticators.models import Application, InventoryEntry, PlanEvent
from authenticators.reference_data import application_specs_from_file, authenticator_specs_from_file
from tests.factories import OrganisationFactory


@pytest.mark.django_db
def test_plan_summary_without_choices_recommends_per_group_but_has_no_plan(planned_organisation):
    summary = selectors.plan_summary(planned_organisation)

    assert summary.has_plan is False
    assert summary.covers_every_application is False
    assert summary.cis1_applications == ("EMIS Web",)
    assert summary.unassigned_applications == ("EMIS Web", "SystmOne")
    assert summary.recommended_by_group == {"Reception": ("microsoft-authenticator",)}
    assert summary.chosen_by_group == {"Reception": ()}
    assert summary.overall.recommended == ("smartcard",)


@pytest.mark.django_db
def test_plan_summary_reports_what_a_different_choice_leaves_uncovered(planned_organisation, org_admin):
    clinicians = services.save_user_group(
        planned_organisation, name="Clinicians", head_count=5, application_slugs=["systmone", "emis-web"]
    )
    services.choose_authenticators(clinicians, authenticator_slugs=["windows-hello"], acting_user=org_admin)
    services.choose_authenticators(
        planned_organisation.user_groups.get(name="Reception"), authenticator_slugs=["passkey"]
    )

    summary = selectors.plan_summary(planned_organisation)

    assert summary.has_plan is True
    assert summary.covers_every_application is False
    assert summary.uncovered_applications == ("EMIS Web",)
    clinician_plan = next(g for g in summary.groups if g.name == "Clinicians")
    assert clinician_plan.recommended == ("smartcard",)
    assert clinician_plan.differs_from_recommendation is True


@pytest.mark.django_db
def test_plan_summary_covers_everything_when_each_group_chooses_a_covering_set(planned_organisation):
    clinicians = services.save_user_group(
        planned_organisation, name="Clinicians", head_count=5, application_slugs=["systmone", "emis-web"]
    )
    services.choose_authenticators(clinicians, authenticator_slugs=["smartcard"])
    services.choose_authenticators(
        planned_organisation.user_groups.get(name="Reception"),
        authenticator_slugs=["microsoft-authenticator"],
    )

    summary = selectors.plan_summary(planned_organisation)

    assert (summary.has_plan, summary.covers_every_application, summary.uncovered_applications) == (
        True,
        True,
        (),
    )


@pytest.mark.django_db
def test_shopping_list_adds_up_per_person_items_across_groups(planned_organisation):
    reception = planned_organisation.user_groups.get(name="Reception")
    services.save_user_group(
        planned_organisation,
        group=reception,
        name="Reception",
        head_count=4,
        application_slugs=["emis-web"],
    )
    services.save_user_group(
        planned_organisation, name="Clinicians", head_count=7, application_slugs=["emis-web", "systmone"]
    )
    services.save_estate_facts(planned_organisation, hscn=True)

    summary = selectors.plan_summary(planned_organisation)

    cards = [item for item in summary.shopping_list if item.description.startswith("NHS smartcard")]
    hscn = [item for item in summary.shopping_list if item.category == "network"]
    assert [item.quantity for item in cards] == [11]
    assert [(item.in_place, item.authenticators) for item in hscn] == [(True, ("smartcard",))]


@pytest.mark.django_db
def test_plan_summary_shows_nothing_from_another_organisation(planned_organisation, other_organisation):
    services.save_application_inventory(other_organisation, catalogue_slugs=["e-rs"])
    services.save_user_group(other_organisation, name="Dentists", head_count=3, application_slugs=["e-rs"])

    summary = selectors.plan_summary(planned_organisation)

    assert [a.slug for a in summary.inventory] == ["emis-web", "ncrs", "systmone"]
    assert [g.name for g in summary.groups] == ["Reception"]


@pytest.mark.django_db
def test_plan_summary_reads_each_groups_applications_and_choices_in_order(
    planned_organisation, other_organisation
):
    services.save_application_inventory(other_organisation, catalogue_slugs=["systmone", "e-rs"])
    theirs = services.save_user_group(
        other_organisation, name="Clinicians", head_count=3, application_slugs=["systmone", "e-rs"]
    )
    services.choose_authenticators(theirs, authenticator_slugs=["smartcard"])
    services.save_estate_facts(other_organisation, hscn=False)
    clinicians = services.save_user_group(
        planned_organisation, name="Clinicians", head_count=5, application_slugs=["systmone", "emis-web"]
    )
    services.choose_authenticators(clinicians, authenticator_slugs=["windows-hello", "smartcard", "passkey"])
    services.save_user_group(planned_organisation, name="Admin", head_count=1, application_slugs=[])
    # A group may still name an application the inventory no longer lists (the admin can do that).
    clinicians.applications.add(Application.objects.get(slug="e-rs", organisation=None))

    summary = selectors.plan_summary(planned_organisation)

    assert summary.estate == rules.EstateFacts()
    assert [a.name for a in summary.inventory] == [
        "EMIS Web",
        "National Care Records Service (NCRS)",
        "SystmOne",
    ]
    assert [(g.name, [a.slug for a in g.applications], g.chosen, g.has_chosen) for g in summary.groups] == [
        ("Admin", [], (), False),
        ("Clinicians", ["emis-web", "e-rs", "systmone"], ("passkey", "smartcard", "windows-hello"), True),
        ("Reception", ["ncrs"], (), False),
    ]
    assert [a.slug for a in summary.authenticators] == sorted(a.slug for a in summary.authenticators)
    assert len(summary.authenticators) == 7
    clinicians_plan = summary.groups[1]
    assert clinicians_plan.chosen_labels == ("Passkey", "NHS smartcard", "Windows Hello")
    assert clinicians_plan.recommended_labels == ("NHS smartcard",)


@pytest.mark.django_db
def test_plan_summary_reads_the_organisations_estate_facts(planned_organisation):
    services.save_estate_facts(planned_organisation, hscn=True, smartphones=False)

    summary = selectors.plan_summary(planned_organisation)

    assert summary.estate == rules.EstateFacts(hscn=True, smartphones=False)
    assert summary.groups[0].recommendation.estate == summary.estate


def _organisation_with_applications(count, catalogue):
    organisation = OrganisationFactory()
    apps = Application.objects.bulk_create(
        [
            Application(
                organisation=organisation,
                slug=f"local-{n}",
                name=f"App {n:03d}",
                cis_generation=["CIS1", "CIS2", "CIS2"][n % 3],
                min_aal=["AAL2", "AAL3"][n % 2],
            )
            for n in range(count)
        ]
    )
    InventoryEntry.objects.bulk_create(
        [InventoryEntry(organisation=organisation, application=a) for a in apps]
    )
    group = services.save_user_group(
        organisation, name="Everyone", head_count=10, application_slugs=[a.slug for a in apps]
    )
    services.save_user_group(organisation, name="Some", head_count=2, application_slugs=[apps[0].slug])
    services.choose_authenticators(group, authenticator_slugs=["smartcard", "passkey"])
    return organisation


@pytest.mark.django_db
def test_plan_summary_runs_the_same_number_of_queries_for_3_and_300_applications(catalogue):
    small = _organisation_with_applications(3, catalogue)
    large = _organisation_with_applications(300, catalogue)

    with CaptureQueriesContext(connection) as small_queries:
        small_summary = selectors.build_plan_summary(small)
    with CaptureQueriesContext(connection) as large_queries:
        large_summary = selectors.build_plan_summary(large)

    assert len(large_summary.inventory) == 300
    assert len(small_summary.inventory) == 3
    assert len(small_queries) == len(large_queries) == 3


@pytest.mark.django_db
def test_timeline_events_list_plan_changes_with_actor_and_link(
    planned_organisation, org_admin, other_organisation
):
    services.save_estate_facts(other_organisation, hscn=True)

    events = selectors.timeline_events_for_organisation(planned_organisation)

    assert [e.title for e in events] == ["User group added: Reception", "Application inventory updated"]
    assert {e.category for e in events} == {"authenticator_plan"}
    assert events[0].url == "/authenticators/A81001/"
    assert events[0].actor == org_admin.display_name
    assert PlanEvent.objects.count() == 3


@pytest.mark.django_db
def test_catalogue_applications_excludes_local_applications(organisation, catalogue):
    services.add_local_application(organisation, name="Ours", cis_generation="CIS2", min_aal="AAL2")

    names = [a.name for a in selectors.catalogue_applications()]

    assert len(names) == 22
    assert "Ours" not in names
    assert names == sorted(names)


def test_uncovered_application_names_gives_names_in_the_order_of_the_applications_given():
    catalogue = {a.slug: a for a in application_specs_from_file(settings.REFERENCE_DATA_DIR)}
    authenticators = authenticator_specs_from_file(settings.REFERENCE_DATA_DIR)
    given = [catalogue["systmone"], catalogue["ncrs"], catalogue["emis-web"]]

    assert selectors.uncovered_application_names(["passkey"], given, authenticators, None) == (
        "SystmOne",
        "EMIS Web",
    )
    assert selectors.uncovered_application_names(["smartcard"], given, authenticators, None) == ()
