"""The dashboard's figures are rendered once per state of the records and served from the cache:
a repeat view is cheap, and every kind of write, the day turning and the ODS code show at once."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from training import services
from training.models import CompletionMethod, StaffRole

from .conftest import TODAY, complete, make_staff

pytestmark = pytest.mark.django_db
d = datetime.date
FIGURES = "training/_dashboard_figures.html"


@pytest.fixture
def today(monkeypatch):
    """The dashboard's "today", movable by the test (other dates still convert as usual)."""
    real_localdate = timezone.localdate
    clock = {"today": TODAY}

    def localdate(value=None, timezone=None):
        return clock["today"] if value is None else real_localdate(value, timezone)

    monkeypatch.setattr("django.utils.timezone.localdate", localdate)
    return clock


def dashboard(client, organisation):
    response = client.get(reverse("training:dashboard", args=[organisation.ods_code]))
    assert response.status_code == 200
    return response


def figures_of(response) -> str:
    """The page from the figures on (the header has a per-response CSRF token)."""
    html = response.content.decode()
    return html[html.index('<div class="nhsuk-inset-text">') :]


def rendered_figures(response) -> bool:
    return FIGURES in [template.name for template in response.templates]


@pytest.fixture
def lead_client(client, it_lead):
    client.force_login(it_lead)
    return client


@pytest.fixture
def alice(organisation, foundations):
    """Overdue for foundations on TODAY (15 January 2026)."""
    staff = make_staff(organisation, "Alice Ahmed")
    complete(staff, foundations, d(2024, 6, 1))
    return staff


def test_a_repeat_view_serves_the_figures_from_the_cache_in_the_same_queries_for_any_head_count(
    client, organisation, other_organisation, it_lead, other_it_lead, foundations, today
):
    for number in range(2):
        complete(make_staff(organisation, f"Small {number}"), foundations, d(2025, 6, 1))
    for number in range(40):
        complete(make_staff(other_organisation, f"Large {number}"), foundations, d(2024, 6, 1))
    counts = []
    for user, place in ((it_lead, organisation), (other_it_lead, other_organisation)):
        client.force_login(user)
        first = dashboard(client, place)
        with CaptureQueriesContext(connection) as queries:
            repeat = dashboard(client, place)
        assert rendered_figures(first)
        assert not rendered_figures(repeat)
        assert figures_of(repeat) == figures_of(first)
        counts.append(len(queries))

    # Session, user, membership and the records stamp: nothing that reads staff or completions.
    assert counts == [4, 4]


def test_one_organisations_cached_figures_never_show_on_anothers_dashboard(
    client, organisation, other_organisation, it_lead, other_it_lead, alice, today
):
    client.force_login(it_lead)
    assert "Alice Ahmed" in dashboard(client, organisation).content.decode()

    client.force_login(other_it_lead)
    html = dashboard(client, other_organisation).content.decode()

    assert "Alice Ahmed" not in html
    assert "No staff recorded yet" in html


def _add_staff(organisation, alice, foundations, it_lead):
    make_staff(organisation, "Zoe Zed", acting_user=it_lead)
    return "0 of 2 technical support staff"


def _rename_staff(organisation, alice, foundations, it_lead):
    services.update_staff_member(
        alice,
        full_name="Alicia Ahmed",
        email=alice.email,
        role=alice.role,
        employment_type=alice.employment_type,
        supplier_name="",
        acting_user=it_lead,
    )
    return "Alicia Ahmed"


def _change_role(organisation, alice, foundations, it_lead):
    services.create_module(
        slug="ra",
        title="Working with your RA",
        covers="RA",
        refresh_months=6,
        applies_to_roles=[StaffRole.RA_FACING],
    )
    services.update_staff_member(
        alice,
        full_name=alice.full_name,
        email=alice.email,
        role=StaffRole.RA_FACING,
        employment_type=alice.employment_type,
        supplier_name="",
        acting_user=it_lead,
    )
    return "(0 of the 2 modules your staff need"


def _record_completion(organisation, alice, foundations, it_lead):
    complete(alice, foundations, TODAY - datetime.timedelta(days=2), acting_user=it_lead)
    return "Nobody is overdue."


def _record_completions_for_several(organisation, alice, foundations, it_lead):
    bob = make_staff(organisation, "Bob Brown")
    services.record_completions(
        [alice, bob],
        module_version=foundations.versions.get(),
        completed_on=TODAY - datetime.timedelta(days=2),
        method=CompletionMethod.E_LEARNING,
        acting_user=it_lead,
    )
    return "2 of 2 technical support staff"


def _mark_left(organisation, alice, foundations, it_lead):
    services.mark_staff_member_left(alice, left_on=TODAY - datetime.timedelta(days=1), acting_user=it_lead)
    return "No staff recorded yet"


def _import_staff(organisation, alice, foundations, it_lead):
    row = {
        "full_name": "Bob Brown",
        "email": "bob@example.org",
        "role": StaffRole.DESKSIDE,
        "employment_type": "in_house",
        "supplier_name": "",
    }
    services.import_staff_members(organisation, rows=[row], acting_user=it_lead)
    return "0 of 2 technical support staff"


def _edit_module(organisation, alice, foundations, it_lead):
    foundations.title = "CIS essentials"
    services.update_module(foundations, acting_user=it_lead)
    return "CIS essentials"


def _publish_version(organisation, alice, foundations, it_lead):
    complete(alice, foundations, TODAY - datetime.timedelta(days=2), acting_user=it_lead)
    services.publish_module_version(foundations, change_note="New release.", published_by=it_lead)
    return "Refresher due (new version)"


WRITES = [
    _add_staff,
    _rename_staff,
    _change_role,
    _record_completion,
    _record_completions_for_several,
    _mark_left,
    _import_staff,
    _edit_module,
    _publish_version,
]


@pytest.mark.parametrize("write", WRITES, ids=[write.__name__.strip("_") for write in WRITES])
def test_every_write_to_the_records_shows_on_the_next_view(
    lead_client, organisation, alice, foundations, it_lead, today, write
):
    before = dashboard(lead_client, organisation).content.decode()
    assert not rendered_figures(dashboard(lead_client, organisation))  # cached

    expected = write(organisation, alice, foundations, it_lead)
    after = dashboard(lead_client, organisation)

    assert expected not in before
    assert expected in after.content.decode()
    assert rendered_figures(after)


def test_reinstating_a_leaver_shows_on_the_next_view(lead_client, organisation, alice, it_lead, today):
    services.mark_staff_member_left(alice, left_on=TODAY - datetime.timedelta(days=1), acting_user=it_lead)
    assert "No staff recorded yet" in dashboard(lead_client, organisation).content.decode()

    services.reinstate_staff_member(alice, acting_user=it_lead)

    assert "Alice Ahmed" in dashboard(lead_client, organisation).content.decode()


def test_no_one_can_delete_a_module_in_the_admin_so_no_deletion_leaves_figures_stale(
    client, organisation, alice, foundations, ra_module, admin_user, it_lead, today
):
    client.force_login(admin_user)

    response = client.post(
        reverse("admin:training_trainingmodule_delete", args=[ra_module.pk]), {"post": "yes"}
    )

    # Its versions may not be deleted (published history), so neither may the module.
    assert response.status_code == 403
    client.force_login(it_lead)
    assert "Working with your RA" in dashboard(client, organisation).content.decode()


def test_the_next_day_is_worked_out_afresh(lead_client, organisation, foundations, today):
    complete(make_staff(organisation, "Alice Ahmed"), foundations, d(2025, 1, 20))  # due 20 January 2026
    assert "Nobody is overdue." in dashboard(lead_client, organisation).content.decode()

    today["today"] = d(2026, 1, 21)
    html = dashboard(lead_client, organisation).content.decode()

    assert "Nobody is overdue." not in html
    assert "20 January 2026" in html


def test_a_new_ods_code_shows_in_the_links_at_once(lead_client, organisation, alice, today):
    dashboard(lead_client, organisation)

    organisation.ods_code = "Y12345"
    organisation.save()
    html = dashboard(lead_client, organisation).content.decode()

    assert reverse("training:staff_detail", args=["Y12345", alice.pk]) in html
    assert "A81001" not in html
