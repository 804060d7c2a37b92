import pytest
from django.core import mail
from django.urls import reverse

from notifications import services
from notifications.models import OutboundEmail

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:notifications_outboundemail_changelist")


@pytest.fixture
def emails():
    sent = services.queue_email(
        dedupe_key="sent", to=["ra.team@example.org"], subject="Request acknowledged", body="Done."
    )
    services.deliver_email(sent.pk)
    failed = services.queue_email(
        dedupe_key="failed", to=["nobody@example.org"], subject="Escalation to national team", body="Overdue."
    )
    OutboundEmail.objects.filter(pk=failed.pk).update(
        status="failed", attempts=1, last_error="550 No such user"
    )
    mail.outbox.clear()
    return {"sent": sent, "failed": failed}


@pytest.fixture
def admin_client_for(client, role_groups):
    def log_in(user):
        client.force_login(user)
        return client

    return log_in


def test_admin_failed_filter_shows_failed_email_with_its_error(admin_client_for, national_admin, emails):
    response = admin_client_for(national_admin).get(CHANGELIST, {"status__exact": "failed"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "Escalation to national team" in content
    assert "Failed: 550 No such user" in content
    assert "Request acknowledged" not in content


def test_admin_search_finds_email_by_recipient(admin_client_for, national_admin, emails):
    response = admin_client_for(national_admin).get(CHANGELIST, {"q": "nobody@example"})

    content = response.content.decode()
    assert "Escalation to national team" in content
    assert "Request acknowledged" not in content


def test_admin_retry_sending_action_sends_the_failed_email(
    admin_client_for, national_admin, emails, django_capture_on_commit_callbacks
):
    client = admin_client_for(national_admin)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            CHANGELIST,
            {"action": "retry_sending", "_selected_action": [emails["failed"].pk, emails["sent"].pk]},
            follow=True,
        )

    messages = [str(message) for message in response.context["messages"]]
    assert messages == [
        "Queued 1 email to send again.",
        "Request acknowledged: Only failed or partly sent emails can be retried; this one is sent.",
    ]
    emails["failed"].refresh_from_db()
    assert emails["failed"].status == OutboundEmail.Status.SENT
    assert [message.to for message in mail.outbox] == [["nobody@example.org"]]


def test_admin_change_page_shows_body_read_only(admin_client_for, national_admin, emails):
    url = reverse("admin:notifications_outboundemail_change", args=[emails["failed"].pk])

    response = admin_client_for(national_admin).get(url)

    content = response.content.decode()
    assert response.status_code == 200
    assert "Overdue." in content
    assert 'name="body"' not in content
    assert 'name="_save"' not in content


def test_admin_outbox_is_closed_to_ra_team_members(admin_client_for, ra_team_member, emails):
    response = admin_client_for(ra_team_member).get(CHANGELIST)

    assert response.status_code == 403


def test_admin_outbox_is_closed_to_organisation_admins(admin_client_for, org_admin, emails):
    response = admin_client_for(org_admin).get(CHANGELIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))
