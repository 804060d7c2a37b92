"""The plan page's body is rendered once per state of the plan and cached (plan_body_html): it is
the HTML the page gave before, it follows every change, and it never carries one viewer's or one
request's content to another."""

import re
from pathlib import Path

import pytest
from django.db import connection
from django.template import engines
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from authenticators import selectors, services
from authenticators.models import UserGroup
from authenticators.views.plan import estate_answers, group_links, plan_body_html, plan_links
from organisations.models import Organisation

pytestmark = pytest.mark.django_db

# plan.html as it was before its body was cached: what the page must still give, byte for byte.
TEMPLATE_BEFORE = (Path(__file__).parent / "plan_page_before_cached_body.html").read_text(encoding="utf-8")
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def plan_url(organisation) -> str:
    return reverse("authenticators:plan", args=[organisation.ods_code])


def page_before(response, organisation, *, can_edit=True) -> str:
    """The page as the template before the cache rendered it, for the same request."""
    summary = selectors.build_plan_summary(organisation)
    context = {
        "organisation": organisation,
        "view": response.context["view"],
        "summary": summary,
        "can_edit": can_edit,
        "estate_answers": estate_answers(summary.estate),
        "links": plan_links(organisation.ods_code, can_edit),
        "group_links": [group_links(organisation.ods_code, g, can_edit) for g in summary.groups],
    }
    return engines["django"].from_string(TEMPLATE_BEFORE).render(context, request=response.wsgi_request)


def without_csrf_token(html: str) -> str:
    return CSRF_TOKEN.sub('name="csrfmiddlewaretoken" value=""', html)


@pytest.fixture
def full_plan(planned_organisation, org_admin):
    """Two groups, one chosen with a gap, one not chosen; an application in no group; a local one;
    estate facts; so every branch of the body shows."""
    organisation = planned_organisation
    services.add_local_application(organisation, name="Ward rota <b>", cis_generation="CIS1", min_aal="AAL3")
    services.save_estate_facts(organisation, hscn=True, smartphones=False, shared_workstations=True)
    services.save_user_group(
        organisation,
        name="Clinicians & GPs",
        head_count=7,
        application_slugs=["systmone", "local-ward-rota-b"],
    )
    reception = UserGroup.objects.get(organisation=organisation, name="Reception")
    services.choose_authenticators(reception, authenticator_slugs=["windows-hello"])
    return organisation


def test_plan_page_gives_the_same_html_as_before_for_a_full_plan(client, full_plan, org_admin):
    client.force_login(org_admin)
    client.get(plan_url(full_plan))  # the second view is served from the cache

    response = client.get(plan_url(full_plan))

    html = response.content.decode()
    assert "Clinicians &amp; GPs" in html
    assert "Ward rota &lt;b&gt;" in html
    assert without_csrf_token(html) == without_csrf_token(page_before(response, full_plan))


def test_plan_page_gives_the_same_html_as_before_without_groups(client, organisation, org_admin, catalogue):
    services.save_application_inventory(organisation, catalogue_slugs=["ncrs", "e-rs"])
    client.force_login(org_admin)
    client.get(plan_url(organisation))

    response = client.get(plan_url(organisation))

    assert "Recommended authenticators" in response.content.decode()
    assert without_csrf_token(response.content.decode()) == without_csrf_token(
        page_before(response, organisation)
    )


def test_plan_page_gives_the_same_html_as_before_for_an_empty_plan(
    client, organisation, org_admin, catalogue
):
    client.force_login(org_admin)
    client.get(plan_url(organisation))

    response = client.get(plan_url(organisation))

    assert "You have not listed any applications yet." in response.content.decode()
    assert without_csrf_token(response.content.decode()) == without_csrf_token(
        page_before(response, organisation)
    )


def test_a_body_without_editing_links_is_the_same_as_before_and_kept_apart(client, full_plan, org_admin):
    client.force_login(org_admin)
    response = client.get(plan_url(full_plan))
    editor = plan_body_html(full_plan, can_edit=True)

    reader = plan_body_html(full_plan, can_edit=False)

    before = page_before(response, full_plan, can_edit=False)
    assert reader in before
    assert editor not in before
    assert reverse("authenticators:inventory", args=[full_plan.ods_code]) in editor
    assert reverse("authenticators:inventory", args=[full_plan.ods_code]) not in reader
    assert plan_body_html(full_plan, can_edit=True) == editor


def test_plan_page_repeat_view_reads_only_the_data_version(client, planned_organisation, org_admin):
    client.force_login(org_admin)
    with CaptureQueriesContext(connection) as first:
        client.get(plan_url(planned_organisation))
    with CaptureQueriesContext(connection) as repeat:
        client.get(plan_url(planned_organisation))

    # Session, user, membership with its organisation, the body's data version; the first view
    # then the plan summary's data version and its three reads.
    assert len(first) == 8
    assert len(repeat) == 4
    assert "organisations_dataversion" in repeat.captured_queries[-1]["sql"]
    assert not any("authenticators_" in query["sql"] for query in repeat.captured_queries)


def test_each_viewer_sees_their_own_name_around_the_shared_body(
    client, planned_organisation, org_admin, it_lead
):
    client.force_login(org_admin)
    first = client.get(plan_url(planned_organisation)).content.decode()
    client.force_login(it_lead)

    second = client.get(plan_url(planned_organisation)).content.decode()

    assert org_admin.display_name in first
    assert it_lead.display_name in second
    assert org_admin.display_name not in second
    assert "csrfmiddlewaretoken" not in plan_body_html(planned_organisation, can_edit=True)


def test_the_body_follows_the_organisations_name(client, planned_organisation, org_admin):
    client.force_login(org_admin)
    client.get(plan_url(planned_organisation))

    Organisation.objects.filter(pk=planned_organisation.pk).update(name="Riverside Health Centre")

    assert "Riverside Health Centre (A81001)" in client.get(plan_url(planned_organisation)).content.decode()


def test_the_body_is_cached_per_language(planned_organisation, django_assert_num_queries):
    plan_body_html(planned_organisation, can_edit=True)

    with translation.override("cy"), django_assert_num_queries(2):  # rendered again: the body's and
        plan_body_html(planned_organisation, can_edit=True)  # the (cached) summary's data version


def test_a_changed_template_shows_without_waiting_for_the_cache(
    client, planned_organisation, org_admin, settings, tmp_path
):
    client.force_login(org_admin)
    client.get(plan_url(planned_organisation))
    original = Path(settings.BASE_DIR / "templates/authenticators/includes/warnings.html").read_text()
    changed = tmp_path / "authenticators" / "includes" / "warnings.html"
    changed.parent.mkdir(parents=True)
    changed.write_text(original.replace("Check before you go live", "Check these first"))

    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]},
    ]

    assert "Check these first" in client.get(plan_url(planned_organisation)).content.decode()
