import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from organisations.models import RAProvider
from ra_requests import services
from ra_requests.models import RARequest, Status
from tests.factories import RAProviderFactory

pytestmark = pytest.mark.django_db


def form_post(**overrides):
    needed_by = timezone.localdate() + datetime.timedelta(days=20)
    data = {
        "help_needed": ["unlock_renew", "other"],
        "staff_affected": "4",
        "needed_by_day": str(needed_by.day),
        "needed_by_month": str(needed_by.month),
        "needed_by_year": str(needed_by.year),
        "contact_name": "Tom Jones",
        "contact_phone": "01632 960002",
        "contact_email": "tom.jones@riverside.example.org",
        "already_tried": "Self-service unlock: the certificates have expired.",
        "charge_acknowledged": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def urls_for(organisation, ra_request):
    code = organisation.ods_code
    return {
        "list": reverse("ra_requests:list", args=[code]),
        "create": reverse("ra_requests:create", args=[code]),
        "choose_icb": reverse("ra_requests:choose_icb", args=[code]),
        "detail": reverse("ra_requests:detail", args=[code, ra_request.pk]),
        "reply": reverse("ra_requests:reply", args=[code, ra_request.pk]),
        "reopen": reverse("ra_requests:reopen", args=[code, ra_request.pk]),
        "reroute": reverse("ra_requests:reroute", args=[code, ra_request.pk]),
    }


@pytest.mark.parametrize("name", ["list", "create", "choose_icb", "detail", "reply", "reopen", "reroute"])
def test_every_page_is_404_for_another_organisations_admin(
    client, ra_request, organisation, other_org_admin, name
):
    client.force_login(other_org_admin)
    url = urls_for(organisation, ra_request)[name]

    response = (
        client.post(url, {"comment": "x", "version": 1})
        if name in ("reply", "reopen", "reroute")
        else client.get(url)
    )

    assert response.status_code == 404
    assert b"Riverside Surgery" not in response.content
    assert RARequest.objects.get(pk=ra_request.pk).status == Status.SUBMITTED


def test_detail_is_404_for_a_request_of_another_organisation_under_your_own_code(
    client, ra_request, other_organisation, other_org_admin
):
    client.force_login(other_org_admin)

    response = client.get(reverse("ra_requests:detail", args=[other_organisation.ods_code, ra_request.pk]))

    assert response.status_code == 404


def test_pages_redirect_anonymous_visitors_to_sign_in(client, organisation):
    response = client.get(reverse("ra_requests:list", args=[organisation.ods_code]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("organisations:login"))


def test_list_shows_the_route_and_the_organisations_requests(
    client, ra_request, organisation, org_admin, icb
):
    client.force_login(org_admin)

    response = client.get(reverse("ra_requests:list", args=[organisation.ods_code]))

    content = response.content.decode()
    assert f"New requests go to <strong>{icb.name}</strong> because {icb.name} gives RA support" in content
    assert ra_request.reference in content
    assert "Register new users; Issue smartcards" in content
    assert '<strong class="nhsuk-tag nhsuk-tag--blue">Submitted</strong>' in content
    assert f'href="{reverse("onboarding:task_list", args=[organisation.ods_code])}"' in content


def test_create_submits_a_request_and_shows_it(client, organisation, org_admin, icb, national_team):
    client.force_login(org_admin)

    response = client.post(reverse("ra_requests:create", args=[organisation.ods_code]), form_post())

    ra_request = RARequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("ra_requests:detail", args=[organisation.ods_code, ra_request.pk])
    assert ra_request.help_needed_list == ["unlock_renew", "other"]
    assert ra_request.staff_affected == 4
    assert ra_request.submitted_by == org_admin
    assert ra_request.provider == icb


def test_create_with_errors_shows_the_error_summary_and_keeps_what_was_typed(
    client, organisation, org_admin, national_team
):
    client.force_login(org_admin)

    response = client.post(
        reverse("ra_requests:create", args=[organisation.ods_code]),
        form_post(charge_acknowledged=None, needed_by_month="13", staff_affected="0"),
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert RARequest.objects.count() == 0
    assert "nhsuk-error-summary" in content
    assert (
        '<a href="#id_charge_acknowledged">Confirm that you understand RA support may be charged for</a>'
        in content
    )
    assert "Number of staff affected must be 1 or more" in content
    assert "Date needed by must be a real date" in content
    assert "Self-service unlock: the certificates have expired." in content
    assert 'value="tom.jones@riverside.example.org"' in content
    assert 'value="unlock_renew" checked' in content
    assert "<title>Error: Ask for RA support" in content


def test_create_sends_a_split_icb_organisation_to_choose_its_new_icb_first(
    client, organisation, org_admin, icb, national_team
):
    north = RAProviderFactory(ods_code="S9B9J", name="NHS Surrey and Sussex ICB")
    south = RAProviderFactory(ods_code="QRL", name="NHS Hampshire and Isle of Wight ICB")
    icb.status, icb.closed_on = RAProvider.Status.CLOSED, datetime.date(2026, 4, 1)
    icb.save()
    icb.successors.set([north, south])
    client.force_login(org_admin)

    to_choose = client.get(reverse("ra_requests:create", args=[organisation.ods_code]))
    page = client.get(to_choose["Location"])
    missing = client.post(to_choose["Location"], {})
    chosen = client.post(to_choose["Location"], {"icb": south.pk})

    assert to_choose["Location"] == reverse("ra_requests:choose_icb", args=[organisation.ods_code])
    assert "NHS Hampshire and Isle of Wight ICB" in page.content.decode()
    assert "<legend" in page.content.decode()
    assert "Select the ICB your organisation now belongs to" in missing.content.decode()
    assert chosen["Location"] == reverse("ra_requests:create", args=[organisation.ods_code])
    organisation.refresh_from_db()
    assert organisation.icb == south


def test_detail_shows_the_routing_reason_and_a_timeline_with_emails_sent(
    client, ra_request, organisation, org_admin, icb
):
    client.force_login(org_admin)

    response = client.get(reverse("ra_requests:detail", args=[organisation.ods_code, ra_request.pk]))

    content = response.content.decode()
    assert f"Routed to <strong>{icb.name}</strong> because {icb.name} gives RA support" in content
    assert "Email sent: RA support request from Riverside Surgery" in content
    assert "Email sent: Your RA support request: submitted" in content
    assert "Phoned the ICB smartcard line twice; no answer." in content
    assert "default target is for the RA team to acknowledge it by" in content


def test_reply_while_waiting_restarts_the_clock(client, ra_request, organisation, org_admin, ra_team_member):
    services.acknowledge_ra_request(ra_request, acting_user=ra_team_member)
    waiting = services.ask_organisation(ra_request, acting_user=ra_team_member, comment="Which staff?")
    client.force_login(org_admin)

    response = client.post(
        reverse("ra_requests:reply", args=[organisation.ods_code, ra_request.pk]),
        {"reply-comment": "Two new nurses", "reply-version": waiting.version},
    )

    assert response.status_code == 302
    ra_request.refresh_from_db()
    assert ra_request.status == Status.IN_PROGRESS
    assert ra_request.events.last().comment == "Two new nurses"


def test_empty_reply_is_refused_with_the_error_and_the_same_form(
    client, ra_request, organisation, org_admin, ra_team_member
):
    services.acknowledge_ra_request(ra_request, acting_user=ra_team_member)
    waiting = services.ask_organisation(ra_request, acting_user=ra_team_member, comment="Which staff?")
    client.force_login(org_admin)

    response = client.post(
        reverse("ra_requests:reply", args=[organisation.ods_code, ra_request.pk]),
        {"reply-comment": "", "reply-version": waiting.version},
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert '<a href="#id_reply-comment">Enter your reply</a>' in content
    assert "Answer the question the RA team asked. Your reply restarts their clock." in content
    assert RARequest.objects.get(pk=ra_request.pk).status == Status.WAITING_FOR_ORGANISATION


def test_reply_with_a_stale_page_keeps_the_text_and_explains(
    client, ra_request, organisation, org_admin, ra_team_member
):
    services.acknowledge_ra_request(ra_request, acting_user=ra_team_member)
    waiting = services.ask_organisation(ra_request, acting_user=ra_team_member, comment="Which staff?")
    services.resolve_ra_request(ra_request, acting_user=ra_team_member)
    client.force_login(org_admin)

    response = client.post(
        reverse("ra_requests:reply", args=[organisation.ods_code, ra_request.pk]),
        {"reply-comment": "Two new nurses", "reply-version": waiting.version},
    )

    content = response.content.decode()
    assert response.status_code == 400
    assert "Someone else changed this request while you were looking at it" in content
    assert RARequest.objects.get(pk=ra_request.pk).status == Status.RESOLVED


def test_declined_request_offers_the_next_step_and_reroutes(
    client, ra_request, organisation, org_admin, ra_team_member, national_team
):
    declined = services.decline_ra_request(ra_request, reason="outside_area", acting_user=ra_team_member)
    client.force_login(org_admin)

    page = client.get(
        reverse("ra_requests:detail", args=[organisation.ods_code, ra_request.pk])
    ).content.decode()
    response = client.post(
        reverse("ra_requests:reroute", args=[organisation.ods_code, ra_request.pk]),
        {"reroute-version": declined.version},
    )

    assert "Declined: The organisation is outside our area" in page
    assert "What you can do next: Send the request to the national RA team." in page
    assert response.status_code == 302
    ra_request.refresh_from_db()
    assert (ra_request.status, ra_request.provider) == (Status.REROUTED, national_team)


def test_self_service_decline_shows_guidance_without_a_reroute_button(
    client, ra_request, organisation, org_admin, ra_team_member
):
    services.decline_ra_request(ra_request, reason="self_service_unlock", acting_user=ra_team_member)
    client.force_login(org_admin)

    page = client.get(
        reverse("ra_requests:detail", args=[organisation.ods_code, ra_request.pk])
    ).content.decode()

    assert "What you can do next: Use self-service smartcard unlock." in page
    assert "Send this request to the national RA team" not in page
    assert "Reopen request" in page


def test_reopen_needs_a_reason_and_keeps_the_page(
    client, ra_request, organisation, org_admin, ra_team_member
):
    resolved = services.resolve_ra_request(
        services.acknowledge_ra_request(ra_request, acting_user=ra_team_member), acting_user=ra_team_member
    )
    client.force_login(org_admin)
    url = reverse("ra_requests:reopen", args=[organisation.ods_code, ra_request.pk])

    empty = client.post(url, {"reopen-comment": "", "reopen-version": resolved.version})
    done = client.post(url, {"reopen-comment": "Cards still locked", "reopen-version": resolved.version})

    assert "Say why you are reopening the request" in empty.content.decode()
    assert done.status_code == 302
    assert RARequest.objects.get(pk=ra_request.pk).status == Status.SUBMITTED


def test_reopen_is_offered_until_30_days_after_closing_and_not_after(
    client, ra_request, organisation, org_admin
):
    closed_at = timezone.now() - datetime.timedelta(days=29)
    RARequest.objects.filter(pk=ra_request.pk).update(status=Status.RESOLVED, closed_at=closed_at)
    client.force_login(org_admin)
    url = reverse("ra_requests:detail", args=[organisation.ods_code, ra_request.pk])

    within = client.get(url).content.decode()
    RARequest.objects.filter(pk=ra_request.pk).update(closed_at=closed_at - datetime.timedelta(days=2))
    after = client.get(url).content.decode()

    deadline = timezone.localtime(closed_at + datetime.timedelta(days=30))
    assert f"You can reopen this request until {deadline:%-d %B %Y}." in within
    assert "Reopen request" in within
    assert "Reopen request" not in after


def _form_key(client, organisation) -> str:
    import re

    page = client.get(reverse("ra_requests:create", args=[organisation.ods_code])).content.decode()
    return re.search(r'name="idempotency_key" value="([0-9a-f-]{36})"', page).group(1)


def test_create_the_same_form_posted_twice_makes_one_request(client, organisation, org_admin, national_team):
    from notifications.models import OutboundEmail

    client.force_login(org_admin)
    key = _form_key(client, organisation)
    url = reverse("ra_requests:create", args=[organisation.ods_code])

    first = client.post(url, form_post(idempotency_key=key))
    emails_after_first = OutboundEmail.objects.count()
    second = client.post(url, form_post(idempotency_key=key))

    ra_request = RARequest.objects.get()
    detail = reverse("ra_requests:detail", args=[organisation.ods_code, ra_request.pk])
    assert (first["Location"], second["Location"]) == (detail, detail)
    assert OutboundEmail.objects.count() == emails_after_first


def test_create_two_forms_make_two_requests(client, organisation, org_admin, national_team):
    client.force_login(org_admin)
    url = reverse("ra_requests:create", args=[organisation.ods_code])

    client.post(url, form_post(idempotency_key=_form_key(client, organisation)))
    client.post(url, form_post(idempotency_key=_form_key(client, organisation)))

    assert RARequest.objects.count() == 2


def test_create_key_of_another_organisation_does_not_show_its_request(
    client, organisation, org_admin, other_organisation, other_org_admin, national_team
):
    client.force_login(other_org_admin)
    key = _form_key(client, other_organisation)
    client.post(
        reverse("ra_requests:create", args=[other_organisation.ods_code]), form_post(idempotency_key=key)
    )
    client.force_login(org_admin)

    response = client.post(
        reverse("ra_requests:create", args=[organisation.ods_code]), form_post(idempotency_key=key)
    )

    own = RARequest.objects.get(organisation=organisation)
    assert response["Location"] == reverse("ra_requests:detail", args=[organisation.ods_code, own.pk])
    assert RARequest.objects.count() == 2


def test_create_form_starts_with_the_contact_the_portal_already_has(
    client, organisation, org_admin, national_team, submit
):
    from ra_requests.forms import RARequestForm

    client.force_login(org_admin)
    org_admin.first_name, org_admin.last_name = "Asha", "Patel"
    org_admin.save()
    first = client.get(reverse("ra_requests:create", args=[organisation.ods_code])).context["form"]
    submit(
        organisation, org_admin, contact_phone="01632 960 123", contact_email="asha.p@riverside.example.org"
    )

    second = client.get(reverse("ra_requests:create", args=[organisation.ods_code])).context["form"]

    assert isinstance(first, RARequestForm)
    assert [first[name].value() for name in ("contact_name", "contact_phone", "contact_email")] == [
        "Asha Patel",
        "",
        "admin@riverside.example.org",
    ]
    assert [second[name].value() for name in ("contact_name", "contact_phone", "contact_email")] == [
        "Asha Patel",
        "01632 960 123",
        "asha.p@riverside.example.org",
    ]


def test_detail_and_admin_name_the_same_next_target_as_the_sla(
    client, ra_request, organisation, org_admin, ra_team_member
):
    from ra_requests.admin.requests import RARequestAdmin
    from ra_requests.models import RARequest as Model

    detail = reverse("ra_requests:detail", args=[organisation.ods_code, ra_request.pk])
    client.force_login(org_admin)
    before = client.get(detail).content.decode()
    services.acknowledge_ra_request(ra_request, acting_user=ra_team_member)
    ra_request.refresh_from_db()
    after = client.get(detail).content.decode()
    admin_column = RARequestAdmin(Model, None).sla_due(ra_request)

    assert "for the RA team to acknowledge it by" in before
    assert "for the RA team to resolve it by" in after
    assert str(admin_column).startswith("Resolve by ")
    assert (ra_request.next_target, ra_request.sla_due_at()) == ("resolve", ra_request.resolve_due_at)
    services.resolve_ra_request(ra_request, acting_user=ra_team_member)
    ra_request.refresh_from_db()
    assert (ra_request.next_target, ra_request.sla_due_at()) == ("", None)


def test_request_list_says_who_each_request_is_waiting_for(
    client, organisation, org_admin, ra_team_member, national_team, submit
):
    waiting = submit(organisation, org_admin)
    services.acknowledge_ra_request(waiting, acting_user=ra_team_member)
    services.ask_organisation(waiting, acting_user=ra_team_member, comment="How many staff?")
    declined = submit(organisation, org_admin)
    services.decline_ra_request(declined, reason="outside_area", acting_user=ra_team_member)
    submitted = submit(organisation, org_admin)
    client.force_login(org_admin)

    content = client.get(reverse("ra_requests:list", args=[organisation.ods_code])).content.decode()

    rows = {
        request.reference: content.split(f">{request.reference}</a>", 1)[1].split("</tr>", 1)[0]
        for request in (waiting, declined, submitted)
    }
    assert '<td class="nhsuk-table__cell">You: reply to the RA team</td>' in rows[waiting.reference]
    assert (
        '<td class="nhsuk-table__cell">You: Send the request to the national RA team</td>'
        in rows[declined.reference]
    )
    assert '<td class="nhsuk-table__cell">The RA team</td>' in rows[submitted.reference]
