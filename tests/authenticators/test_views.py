import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from authenticators import selectors, services
from authenticators.models import Application, EstateFacts, InventoryEntry, UserGroup
from organisations import services as organisation_services
from organisations.models import Role
from tests.factories import OrganisationFactory, UserFactory


def url(name, organisation, *args):
    return reverse(f"authenticators:{name}", args=[organisation.ods_code, *args])


# --- Isolation ---------------------------------------------------------------------------------------

ORGANISATION_PAGES = ["plan", "print", "csv", "matrix", "inventory", "local_add", "estate", "group_add"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", ORGANISATION_PAGES)
def test_organisation_pages_answer_404_to_another_organisations_admin(
    client, planned_organisation, other_org_admin, name
):
    client.force_login(other_org_admin)

    response = client.get(url(name, planned_organisation))

    assert response.status_code == 404
    assert b"Riverside" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["group_edit", "choose", "group_remove"])
def test_group_pages_answer_404_for_a_group_of_another_organisation(
    client, planned_organisation, other_organisation, other_org_admin, name
):
    theirs = UserGroup.objects.create(organisation=other_organisation, name="Dentists", head_count=2)
    mine = planned_organisation.user_groups.get()
    client.force_login(other_org_admin)

    through_their_code = client.get(url(name, other_organisation, mine.pk))
    through_our_code = client.get(url(name, planned_organisation, theirs.pk))

    assert through_their_code.status_code == 404
    assert through_our_code.status_code == 404
    assert b"Reception" not in through_their_code.content


@pytest.mark.django_db
def test_posting_to_another_organisations_group_or_application_changes_nothing(
    client, planned_organisation, other_org_admin
):
    group = planned_organisation.user_groups.get()
    local = services.add_local_application(
        planned_organisation, name="Ours", cis_generation="CIS2", min_aal="AAL2"
    )
    client.force_login(other_org_admin)

    responses = [
        client.post(url("group_remove", planned_organisation, group.pk)),
        client.post(url("local_remove", planned_organisation, local.pk)),
        client.post(url("choose", planned_organisation, group.pk), {"authenticators": ["passkey"]}),
    ]

    assert [r.status_code for r in responses] == [404, 404, 404]
    group.refresh_from_db()
    assert group.has_chosen is False
    assert Application.objects.filter(pk=local.pk).exists()


@pytest.mark.django_db
def test_plan_page_sends_anonymous_users_to_sign_in(client, planned_organisation):
    response = client.get(url("plan", planned_organisation))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("organisations:login"))


@pytest.mark.django_db
def test_inventory_page_reads_nothing_for_anonymous_users(
    client, organisation, catalogue, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = client.get(url("inventory", organisation))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("organisations:login"))


# --- The plan ------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_plan_page_shows_inventory_groups_warnings_and_shopping_list(client, planned_organisation, org_admin):
    client.force_login(org_admin)

    response = client.get(url("plan", planned_organisation))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Authenticator plan" in content
    assert "SystmOne (CIS2, AAL3)" in content
    assert "still uses CIS1 Authentication, which is due to retire at the end of February 2027" in content
    assert "Reception" in content
    assert "Not chosen yet" in content
    assert "These applications are not used by any group yet: EMIS Web, SystmOne." in content
    assert "Shopping list for the plan" in content
    assert "Change applications" in content


@pytest.mark.django_db
def test_it_lead_plan_page_links_every_change_page(client, planned_organisation, it_lead):
    client.force_login(it_lead)
    group = UserGroup.objects.get(organisation=planned_organisation, name="Reception")

    content = client.get(url("plan", planned_organisation)).content.decode()

    for href in (
        url("inventory", planned_organisation),
        url("estate", planned_organisation),
        url("group_add", planned_organisation),
        url("group_edit", planned_organisation, group.pk),
        url("group_remove", planned_organisation, group.pk),
        url("choose", planned_organisation, group.pk),
    ):
        assert f'href="{href}"' in content


@pytest.mark.django_db
def test_it_lead_records_applications_estate_and_groups_and_chooses_authenticators(
    client, planned_organisation, it_lead
):
    client.force_login(it_lead)
    group = UserGroup.objects.get(organisation=planned_organisation, name="Reception")

    inventory = client.post(url("inventory", planned_organisation), {"applications": ["ncrs", "systmone"]})
    estate = client.post(
        url("estate", planned_organisation),
        dict.fromkeys(("hscn", "windows_tpm", "ipads", "smartphones", "shared_workstations"), "yes"),
    )
    new_group = client.post(
        url("group_add", planned_organisation),
        {"name": "Clinicians", "head_count": "6", "applications": ["systmone"]},
    )
    chosen = client.post(url("choose", planned_organisation, group.pk), {"authenticators": ["smartcard"]})

    assert [r.status_code for r in (inventory, estate, new_group, chosen)] == [302, 302, 302, 302]
    assert [a.slug for a in selectors.inventory_for(planned_organisation)] == ["ncrs", "systmone"]
    assert EstateFacts.objects.get(organisation=planned_organisation).hscn is True
    assert UserGroup.objects.get(organisation=planned_organisation, name="Clinicians").head_count == 6
    group.refresh_from_db()
    assert [a.slug for a in group.chosen_authenticators.all()] == ["smartcard"]


@pytest.mark.django_db
def test_another_organisations_it_lead_cannot_change_the_plan(client, planned_organisation, other_it_lead):
    client.force_login(other_it_lead)

    response = client.post(url("inventory", planned_organisation), {"applications": ["ncrs"]})

    assert response.status_code == 404
    assert [a.slug for a in selectors.inventory_for(planned_organisation)] == ["emis-web", "ncrs", "systmone"]


@pytest.mark.django_db
def test_plan_page_runs_the_same_number_of_queries_for_3_and_300_applications(client, catalogue):
    counts = []
    for size in (3, 300):
        organisation = OrganisationFactory()
        admin = UserFactory()
        organisation_services.add_membership(organisation, user=admin, role=Role.ORG_ADMIN)
        apps = Application.objects.bulk_create(
            [
                Application(
                    organisation=organisation,
                    slug=f"local-{n}",
                    name=f"App {n:03d}",
                    cis_generation=["CIS1", "CIS2", "CIS2"][n % 3],
                    min_aal=["AAL2", "AAL3"][n % 2],
                )
                for n in range(size)
            ]
        )
        InventoryEntry.objects.bulk_create(
            [InventoryEntry(organisation=organisation, application=a) for a in apps]
        )
        group = services.save_user_group(
            organisation, name="All", head_count=5, application_slugs=[a.slug for a in apps]
        )
        services.choose_authenticators(group, authenticator_slugs=["smartcard"])
        client.force_login(admin)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("plan", organisation))
        assert response.status_code == 200
        assert f"App {size - 1:03d}" in response.content.decode()
        counts.append(len(queries))

    assert counts[0] == counts[1]


@pytest.mark.django_db
def test_matrix_page_shows_each_cell_with_its_reason_in_text(client, planned_organisation, org_admin):
    client.force_login(org_admin)

    response = client.get(url("matrix", planned_organisation))

    content = response.content.decode()
    assert (
        '<caption class="nhsuk-table__caption">Authenticators by application for Riverside Surgery</caption>'
        in (content)
    )
    assert '<th class="nhsuk-table__header" scope="row">EMIS Web' in content
    assert (
        '<span class="nhsuk-u-visually-hidden">Passkey with EMIS Web: This application still uses CIS1, '
        "which accepts only smartcards over HSCN</span>"
    ) in content
    assert content.count("Can use</strong>") == 1 + 4 + 7  # EMIS Web, SystmOne, NCRS


@pytest.mark.django_db
def test_csv_export_lists_groups_shopping_list_and_warnings(client, planned_organisation, org_admin):
    group = planned_organisation.user_groups.get()
    services.save_user_group(
        planned_organisation, group=group, name="=Reception", head_count=4, application_slugs=["ncrs"]
    )
    services.choose_authenticators(group, authenticator_slugs=["security-key"])
    client.force_login(org_admin)

    response = client.get(url("csv", planned_organisation))

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Disposition"] == 'attachment; filename="authenticator-plan-A81001.csv"'
    assert rows[0] == ["Section", "Group", "Item", "Quantity", "Authenticators", "Notes"]
    assert rows[1] == [
        "User group",
        "'=Reception",
        "National Care Records Service (NCRS)",
        "4",
        "Security key (such as a YubiKey)",
        "Chosen",
    ]
    assert [
        "Shopping list: hardware",
        "",
        "FIDO2 security key certified Level 2 or higher (bought locally), one per person",
        "4",
        "Security key (such as a YubiKey)",
        "",
    ] in rows
    assert any(row[0] == "Warning" and "CIS1" in row[2] for row in rows)


@pytest.mark.django_db
def test_print_view_shows_the_plan_without_forms(client, planned_organisation, org_admin):
    client.force_login(org_admin)

    response = client.get(url("print", planned_organisation))

    content = response.content.decode()
    assert "<h1>Authenticator plan for Riverside Surgery (A81001)</h1>" in content
    assert "Reception" in content
    assert "(recommended; not chosen yet)" in content
    assert '<form method="post"' not in content


# --- Editing ----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_inventory_page_marks_unconfirmed_applications_and_saves_the_selection(
    client, organisation, org_admin, catalogue
):
    client.force_login(org_admin)

    page = client.get(url("inventory", organisation))
    response = client.post(url("inventory", organisation), {"applications": ["ncrs", "emis-web"]})

    content = page.content.decode()
    assert (
        '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--m">CIS1 (legacy)</legend>' in content
    )
    assert 'EMIS Web <strong class="nhsuk-tag nhsuk-tag--orange">Unconfirmed</strong>' in content
    assert 'id="id_applications_0"' in content
    assert response.status_code == 302
    assert sorted(a.slug for a in selectors.inventory_for(organisation)) == ["emis-web", "ncrs"]


@pytest.mark.django_db
def test_inventory_post_with_an_unknown_slug_shows_an_error_and_keeps_the_saved_inventory(
    client, planned_organisation, org_admin
):
    client.force_login(org_admin)

    response = client.post(url("inventory", planned_organisation), {"applications": ["ncrs", "made-up"]})

    content = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in content
    assert "Select a valid choice. made-up is not one of the available choices." in content
    assert [a.slug for a in selectors.inventory_for(planned_organisation)] == ["emis-web", "ncrs", "systmone"]


@pytest.mark.django_db
def test_local_application_form_adds_one_and_reports_missing_answers(
    client, organisation, org_admin, catalogue
):
    client.force_login(org_admin)

    bad = client.post(url("local_add", organisation), {"name": "", "supplier": "Acme"})
    good = client.post(
        url("local_add", organisation),
        {"name": "Acme PMR", "supplier": "Acme", "cis_generation": "CIS2", "min_aal": "AAL2"},
    )

    content = bad.content.decode()
    assert '<a href="#id_name">Enter the application&#x27;s name</a>' in content
    assert '<a href="#id_cis_generation_0">Select whether the application uses CIS1 or CIS2</a>' in content
    assert 'value="Acme"' in content
    assert good.status_code == 302
    assert [(a.name, a.supplier, a.is_local) for a in selectors.inventory_for(organisation)] == [
        ("Acme PMR", "Acme", True)
    ]


@pytest.mark.django_db
def test_local_application_can_be_removed(client, organisation, org_admin, catalogue):
    local = services.add_local_application(organisation, name="Gone", cis_generation="CIS2", min_aal="AAL2")
    client.force_login(org_admin)

    confirm = client.get(url("local_remove", organisation, local.pk))
    still_there = Application.objects.filter(pk=local.pk).exists()
    response = client.post(url("local_remove", organisation, local.pk))

    assert "<h1>Are you sure you want to remove Gone?</h1>" in confirm.content.decode()
    assert still_there is True
    assert response["Location"] == url("inventory", organisation)
    assert not Application.objects.filter(pk=local.pk).exists()


@pytest.mark.django_db
def test_estate_page_saves_answers_and_shows_them_next_time(client, organisation, org_admin):
    client.force_login(org_admin)

    client.post(
        url("estate", organisation),
        {
            "hscn": "yes",
            "windows_tpm": "no",
            "ipads": "unknown",
            "smartphones": "yes",
            "shared_workstations": "no",
        },
    )
    page = client.get(url("estate", organisation))

    estate = EstateFacts.objects.get(organisation=organisation)
    assert (estate.hscn, estate.windows_tpm, estate.ipads, estate.shared_workstations) == (
        True,
        False,
        None,
        False,
    )
    assert 'id="id_hscn_0" name="hscn" type="radio" value="yes" checked' in page.content.decode()


@pytest.mark.django_db
def test_estate_page_rejects_a_tampered_answer_with_an_error_summary(client, organisation, org_admin):
    client.force_login(org_admin)

    response = client.post(url("estate", organisation), {"hscn": "maybe"})

    assert "Select a valid choice. maybe is not one of the available choices." in response.content.decode()
    assert not EstateFacts.objects.filter(organisation=organisation).exists()


@pytest.mark.django_db
def test_group_form_adds_a_group_and_reports_errors(client, planned_organisation, org_admin):
    client.force_login(org_admin)

    bad = client.post(url("group_add", planned_organisation), {"name": "Clinicians", "head_count": "0"})
    good = client.post(
        url("group_add", planned_organisation),
        {"name": "Clinicians", "head_count": "9", "applications": ["systmone", "emis-web"]},
    )

    content = bad.content.decode()
    assert '<a href="#id_head_count">Enter how many staff are in the group, 1 or more</a>' in content
    assert '<a href="#id_applications_0">Select at least one application the group uses</a>' in content
    assert good["Location"] == url("plan", planned_organisation)
    group = UserGroup.objects.get(organisation=planned_organisation, name="Clinicians")
    assert (group.head_count, sorted(a.slug for a in group.applications.all())) == (
        9,
        ["emis-web", "systmone"],
    )


@pytest.mark.django_db
def test_group_form_shows_a_duplicate_name_from_the_service(client, planned_organisation, org_admin):
    client.force_login(org_admin)

    response = client.post(
        url("group_add", planned_organisation),
        {"name": "reception", "head_count": "2", "applications": ["ncrs"]},
    )

    assert '<a href="#id_name">There is already a group with this name</a>' in response.content.decode()
    assert UserGroup.objects.filter(organisation=planned_organisation).count() == 1


@pytest.mark.django_db
def test_group_can_be_edited_and_removed(client, planned_organisation, org_admin):
    group = planned_organisation.user_groups.get()
    client.force_login(org_admin)

    page = client.get(url("group_edit", planned_organisation, group.pk))
    confirm = client.get(url("group_remove", planned_organisation, group.pk))
    client.post(
        url("group_edit", planned_organisation, group.pk),
        {"name": "Front desk", "head_count": "3", "applications": ["ncrs"]},
    )
    group.refresh_from_db()
    name_after_edit = group.name
    client.post(url("group_remove", planned_organisation, group.pk))

    assert 'value="Reception"' in page.content.decode()
    assert "<h1>Are you sure you want to remove the Reception group?</h1>" in confirm.content.decode()
    assert name_after_edit == "Front desk"
    assert not UserGroup.objects.filter(pk=group.pk).exists()


@pytest.mark.django_db
def test_choose_page_stops_a_set_that_leaves_an_application_without_a_way_to_sign_in(
    client, planned_organisation, org_admin, catalogue
):
    group = services.save_user_group(
        planned_organisation, name="Clinicians", head_count=5, application_slugs=["systmone", "emis-web"]
    )
    client.force_login(org_admin)

    page = client.get(url("choose", planned_organisation, group.pk))
    response = client.post(
        url("choose", planned_organisation, group.pk), {"authenticators": ["windows-hello"]}, follow=True
    )

    smartcard = catalogue["authenticators"]["smartcard"].name
    assert "Recommended. Covers: EMIS Web, SystmOne" in page.content.decode()
    assert (
        f"Clinicians would have no way to sign in to EMIS Web. Add {smartcard}: it works with EMIS Web."
        in response.content.decode()
    )
    group.refresh_from_db()
    assert group.has_chosen is False


@pytest.mark.django_db
def test_choose_page_refuses_an_empty_choice(client, planned_organisation, org_admin):
    group = planned_organisation.user_groups.get()
    client.force_login(org_admin)

    response = client.post(url("choose", planned_organisation, group.pk), {})

    assert '<a href="#id_authenticators_0">Select at least one authenticator</a>' in response.content.decode()
    group.refresh_from_db()
    assert group.has_chosen is False


# --- Public chooser and API -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_public_chooser_needs_no_login_and_shows_the_form(client, catalogue):
    response = client.get(reverse("authenticators:chooser"))

    content = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Which authenticators can your staff use?</h1>" in content
    assert "Your results" not in content
    assert "Unconfirmed</strong>" in content


@pytest.mark.django_db
def test_public_chooser_shows_the_matrix_and_recommendation(client, catalogue):
    response = client.get(
        reverse("authenticators:chooser"),
        {"submitted": "1", "applications": ["ncrs", "systmone"], "windows_tpm": "no", "ipads": "no"},
    )

    content = response.content.decode()
    assert "Your results" in content
    assert "Which authenticators work with each application you chose</caption>" in content
    assert "<li><strong>Security key</strong> (AAL3)</li>" in content
    assert "FIDO2 security key certified Level 2 or higher (bought locally), one per person" in content
    assert '<span class="nhsuk-body-s">One per person</span>' in content
    assert (
        "Ruled out: Windows Hello needs Windows 10 or later devices with TPM 2.0, and you have none."
        in content
    )
    assert 'value="systmone" checked' in content


@pytest.mark.django_db
def test_public_chooser_reads_the_catalogue_and_the_authenticators_once_each(
    client, catalogue, django_assert_num_queries
):
    with django_assert_num_queries(2):
        response = client.get(reverse("authenticators:chooser"), {"applications": ["ncrs", "systmone"]})

    content = response.content.decode()
    assert "Your results" in content
    # The seven authenticators, and the reasons row for each of the two applications.
    assert content.count('<details class="nhsuk-details">') == 7 + 2


@pytest.mark.django_db
def test_public_chooser_without_applications_shows_an_error_summary(client, catalogue):
    response = client.get(reverse("authenticators:chooser"), {"submitted": "1", "hscn": "yes"})

    content = response.content.decode()
    assert '<a href="#id_applications_0">Select at least one application</a>' in content
    assert "Your results" not in content
    assert 'id="id_hscn_0" name="hscn" type="radio" value="yes" checked' in content


@pytest.mark.django_db
def test_public_chooser_marks_each_wrong_answer_on_its_field(client, catalogue, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = client.get(
            reverse("authenticators:chooser"),
            {"submitted": "1", "applications": ["ncrs"], "ipads": "maybe", "head_count": "0"},
        )

    content = response.content.decode()
    assert "Your results" not in content
    assert (
        '<a href="#id_ipads_0">Select a valid choice. maybe is not one of the available choices.</a>'
        in content
    )
    assert '<a href="#id_head_count">Number of staff must be 1 or more</a>' in content
    assert '<div id="div_id_ipads" class="nhsuk-form-group nhsuk-form-group--error">' in content
    assert '<fieldset class="nhsuk-fieldset" aria-describedby="id_ipads-error">' in content
    assert (
        '<input type="text" name="head_count" value="0" '
        'class="nhsuk-input nhsuk-input--width-5 nhsuk-input--error" inputmode="numeric" spellcheck="false" '
        'aria-describedby="id_head_count-hint id_head_count-error" aria-invalid="true" id="id_head_count">'
    ) in content
    assert 'id="id_applications_ncrs" name="applications" type="checkbox" value="ncrs" checked' in content


@pytest.mark.django_db
def test_api_returns_the_engines_result(client, catalogue):
    response = client.get(
        reverse("authenticators:api_recommendation"),
        {"applications": "emis-web,ncrs", "hscn": "false", "head_count": "3"},
    )

    body = response.json()
    assert response.status_code == 200
    assert body["recommended"] == ["smartcard"]
    assert [w["code"] for w in body["warnings"]] == [
        "cis1_retirement",
        "identity_agent_end",
        "no_hscn",
        "unconfirmed",
    ]
    passkey = next(a for a in body["authenticators"] if a["slug"] == "passkey")
    assert passkey["can_use"] == ["ncrs"]
    assert passkey["cannot_use"] == [
        {
            "application": "emis-web",
            "reason": "This application still uses CIS1, which accepts only smartcards over HSCN",
        }
    ]
    assert {
        k: v for k, v in body["shopping_list"][-1].items() if k in {"category", "quantity", "in_place"}
    } == {"category": "network", "quantity": None, "in_place": False}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "parameter", "error"),
    [
        ({}, "applications", "Give one or more application slugs, separated by commas"),
        ({"applications": " , "}, "applications", "Give one or more application slugs, separated by commas"),
        ({"applications": "ncrs,nope"}, "applications", "Unknown application: nope"),
        ({"applications": "ncrs", "hscn": "perhaps"}, "hscn", "hscn must be true or false"),
        ({"applications": "ncrs", "head_count": "ten"}, "head_count", "head_count must be a whole number"),
        ({"applications": "ncrs", "head_count": "0"}, "head_count", "head_count must be 1 or more"),
    ],
)
def test_api_rejects_bad_parameters_with_a_json_400_naming_the_parameter(
    client, catalogue, query, parameter, error
):
    response = client.get(reverse("authenticators:api_recommendation"), query)

    assert response.status_code == 400
    assert response.json() == {"error": error, "parameter": parameter}


@pytest.mark.django_db
def test_api_does_not_serve_organisations_local_applications(client, organisation, catalogue):
    services.add_local_application(organisation, name="Secret", cis_generation="CIS2", min_aal="AAL2")

    response = client.get(reverse("authenticators:api_recommendation"), {"applications": "local-secret"})

    assert response.json() == {"error": "Unknown application: local-secret", "parameter": "applications"}


@pytest.mark.django_db
def test_public_chooser_describes_each_authenticator_with_issuer_cost_and_sources(client, catalogue):
    response = client.get(reverse("authenticators:chooser"))

    content = response.content.decode()
    assert content.count('<details class="nhsuk-details">') == 7
    assert "Security key (AAL3)</span></summary>" in content
    assert "Bought locally; NHS sources give no price." in content
    assert "Registration Authority only" in content
    assert (
        'href="https://production-like.nhsd.io/services/care-identity-service/applications-and-services/cis2-authentication/passkeys"'
        in content
    )


@pytest.mark.django_db
def test_public_chooser_counts_personal_items_from_the_head_count(client, catalogue):
    response = client.get(
        reverse("authenticators:chooser"),
        {"submitted": "1", "applications": ["emis-web"], "head_count": "12"},
    )

    content = response.content.decode()
    assert "NHS smartcard (supplied by NHS England, issued by your RA), one per person</td>" in content
    assert (
        '<td class="nhsuk-table__cell nhsuk-table__cell--numeric">12 <span class="nhsuk-body-s">'
        "(one per person)</span></td>" in content
    )


@pytest.mark.django_db
def test_public_chooser_reports_a_bad_head_count(client, catalogue):
    response = client.get(
        reverse("authenticators:chooser"),
        {"submitted": "1", "applications": ["emis-web"], "head_count": "lots"},
    )

    content = response.content.decode()
    assert '<a href="#id_head_count">Number of staff must be a whole number, like 12</a>' in content
    assert "Your results" not in content
    assert 'value="lots"' in content


def _cis1_answer_by_authenticator(content: str) -> dict[str, str]:
    answers = {}
    for block in content.split('<details class="nhsuk-details">')[1:]:
        label = block.split('<span class="nhsuk-details__summary-text">', 1)[1].split(" (", 1)[0]
        row = block.split("Works with CIS1</dt>", 1)[1]
        answers[label] = row.split('<dd class="nhsuk-summary-list__value">', 1)[1].split("</dd>", 1)[0]
    return answers


@pytest.mark.django_db
def test_public_chooser_says_works_with_cis1_only_for_authenticators_that_do(client, catalogue):
    response = client.get(reverse("authenticators:chooser"))

    answers = _cis1_answer_by_authenticator(response.content.decode())
    expected = {
        authenticator.label: "Yes, over HSCN" if authenticator.cis1_supported else "No"
        for authenticator in catalogue["authenticators"].values()
    }
    assert answers == expected
    assert list(answers.values()).count("Yes, over HSCN") == 1  # the seed: smartcards only


def test_no_template_passes_yesno_a_label_containing_a_comma():
    """``yesno`` splits its argument on commas, so "Yes, over HSCN,No" shows " over HSCN" for False."""
    import re

    from django.conf import settings

    template_dir = settings.BASE_DIR / "templates"
    offenders = []
    for path in template_dir.rglob("*.html"):
        for argument in re.findall(r'\|yesno:"([^"]*)"', path.read_text()):
            choices = argument.split(",")
            if len(choices) > 3 or any(choice != choice.strip() for choice in choices):
                offenders.append(f"{path.relative_to(template_dir)}: {argument}")
    assert offenders == []


@pytest.mark.django_db
def test_plan_page_gives_each_machine_group_one_answer_with_its_quantities(
    client, planned_organisation, org_admin
):
    reception = planned_organisation.user_groups.get()
    services.choose_authenticators(reception, authenticator_slugs=["smartcard"])
    clinicians = services.save_user_group(
        planned_organisation, name="Clinicians", head_count=6, application_slugs=["emis-web", "ncrs"]
    )
    services.choose_authenticators(clinicians, authenticator_slugs=["smartcard"])
    client.force_login(org_admin)

    content = client.get(url("plan", planned_organisation)).content.decode()

    reception_list = content.split(f'id="shopping-list-{reception.pk}"', 1)[1].split("</table>", 1)[0]
    clinicians_list = content.split(f'id="shopping-list-{clinicians.pk}"', 1)[1].split("</table>", 1)[0]
    assert "NHS Smartcard Connect" in reception_list
    assert "Identity Agent" not in reception_list
    assert "Legacy NHS Identity Agent" in clinicians_list
    assert "Smartcard Connect" not in clinicians_list
    assert "Per device or once" not in content
    assert '4 <span class="nhsuk-body-s">(one per person)</span>' in reception_list
    assert '6 <span class="nhsuk-body-s">(one per person)</span>' in clinicians_list
