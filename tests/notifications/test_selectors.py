import pytest

from notifications import selectors, services

pytestmark = pytest.mark.django_db


def queue(key, topic, organisation=None):
    return services.queue_email(
        dedupe_key=key, to=["x@example.org"], subject=key, body="", topic=topic, organisation=organisation
    )


def test_emails_for_topic_returns_only_that_topic_oldest_first():
    first = queue("ra_request:1:submitted", "ra_request:1")
    queue("ra_request:2:submitted", "ra_request:2")
    second = queue("ra_request:1:acknowledged", "ra_request:1")

    assert list(selectors.emails_for_topic("ra_request:1")) == [first, second]


def test_emails_for_organisation_leaves_out_other_organisations(organisation, other_organisation):
    ours = queue("ours", "", organisation)
    queue("theirs", "", other_organisation)

    assert list(selectors.emails_for_organisation(organisation)) == [ours]
