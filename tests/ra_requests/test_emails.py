"""The words of the emails the organisation's contact gets about its request."""

import pytest

from notifications.models import OutboundEmail
from ra_requests import services

pytestmark = pytest.mark.django_db


def _status_email(ra_request, status):
    return OutboundEmail.objects.get(
        dedupe_key__startswith=f"ra_request:{ra_request.pk}:status:",
        subject__endswith=f": {status} [{ra_request.reference}]",
    )


def test_decline_email_says_each_thing_once_and_not_who_has_it(ra_request, ra_team_member, icb):
    services.decline_ra_request(
        ra_request, reason="outside_area", acting_user=ra_team_member, comment="You are in Cumbria."
    )

    body = _status_email(ra_request, "declined").body

    paragraphs = body.split("\n\n")
    assert paragraphs[:3] == [
        f"{icb.name} has declined your request for RA support because: the organisation is outside our area.",
        "Their note, as they wrote it:\n> You are in Cumbria.",
        "What you can do next: Your local provider cannot help. You can send this request, with everything "
        "you have already told us, to the national RA team.",
    ]
    assert "It is with" not in body
    assert body.count("national RA team") == 1
    assert body.lower().count("declined") == 1


def test_resolved_email_does_not_say_the_request_is_still_with_the_provider(ra_request, ra_team_member, icb):
    services.start_work_on_ra_request(ra_request, acting_user=ra_team_member)
    services.resolve_ra_request(ra_request, acting_user=ra_team_member)

    body = _status_email(ra_request, "resolved").body

    assert body.startswith(f"{icb.name} has resolved your request for RA support.")
    assert "It is with" not in body


def test_open_status_email_says_where_the_request_is(ra_request, ra_team_member, icb):
    services.acknowledge_ra_request(ra_request, acting_user=ra_team_member)

    body = _status_email(ra_request, "acknowledged").body

    assert body.startswith(f"Your request for RA support is now acknowledged. It is with {icb.name}.")
