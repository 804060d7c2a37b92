"""Races on PostgreSQL: invariants that must hold when the same moment brings two requests.

Each racer runs in its own thread with its own database connection, as two web workers would.
"""

import contextlib
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.test import Client

from organisations import services
from organisations.models import Membership, Organisation, OrganisationClaim, Role, User
from tests.factories import OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*functions, timeout: float = 30) -> list[dict]:
    """Start every function at once, each in a thread with its own connection; their outcomes in order."""
    start = threading.Barrier(len(functions))
    boxes: list[dict] = [{} for _ in functions]

    def run(function, box):
        try:
            start.wait(timeout=10)
            box["result"] = function()
        except Exception as error:
            box["error"] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in zip(functions, boxes, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a racer is stuck"
    return boxes


def holding_open(change, barrier: threading.Barrier):
    """Run ``change`` in a transaction kept open until the other racer has had its chance to check.

    Without a real lock both racers see two admins and both go ahead; with one, the other racer
    is waiting for this one's lock, the barrier times out and this transaction commits.
    """
    with transaction.atomic():
        try:
            return change()
        finally:
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.wait(timeout=2)


def two_admins():
    organisation = OrganisationFactory(ods_code="A81001")
    first, second = UserFactory(email="first@example.org"), UserFactory(email="second@example.org")
    for user in (first, second):
        services.add_membership(organisation, user=user, role=Role.ORG_ADMIN)
    return organisation, first, second


def test_two_admins_removing_each_other_at_once_leave_one_admin():
    organisation, first, second = two_admins()
    both_checked = threading.Barrier(2)

    def remove(acting_user, removed_user):
        membership = Membership.objects.get(organisation=organisation, user=removed_user)
        return holding_open(
            lambda: services.remove_membership(membership, acting_user=acting_user), both_checked
        )

    outcomes = run_together(lambda: remove(first, second), lambda: remove(second, first))

    admins = list(
        Membership.objects.filter(organisation=organisation, role=Role.ORG_ADMIN).values_list(
            "user__email", flat=True
        )
    )
    assert len(admins) == 1
    # The loser is refused either as no longer an admin or as about to remove the last one.
    errors = [box.get("error") for box in outcomes]
    assert sum(isinstance(error, (ValidationError, PermissionDenied)) for error in errors) == 1
    assert sum(error is None for error in errors) == 1


def test_admin_site_deleting_one_admin_while_demoting_the_other_leaves_one_admin():
    organisation, first, second = two_admins()
    services.add_membership(organisation, user=UserFactory(), role=Role.IT_LEAD)
    both_checked = threading.Barrier(2)
    first_membership = Membership.objects.get(user=first)
    second_membership = Membership.objects.get(user=second)
    outcomes = run_together(
        lambda: holding_open(lambda: services.delete_membership(first_membership), both_checked),
        lambda: holding_open(
            lambda: services.change_membership_role(second_membership, role=Role.IT_LEAD), both_checked
        ),
    )

    assert Membership.objects.filter(organisation=organisation, role=Role.ORG_ADMIN).count() == 1
    errors = [box.get("error") for box in outcomes]
    assert sum(isinstance(error, ValidationError) for error in errors) == 1


def test_two_admins_posting_removal_of_each_other_at_once_leave_one_admin():
    organisation, first, second = two_admins()
    url = f"/account/{organisation.ods_code}/team/remove/"
    first_membership = Membership.objects.get(user=first)
    second_membership = Membership.objects.get(user=second)

    def post(acting_user, membership):
        client = Client()
        client.force_login(acting_user)
        return client.post(url, {"membership": membership.pk}).status_code

    outcomes = run_together(lambda: post(first, second_membership), lambda: post(second, first_membership))

    assert [box.get("error") for box in outcomes] == [None, None]
    # The loser is refused: "only organisation admin" (400), no longer an admin when the service
    # re-checks under the lock (403), or already not an admin when its request arrived (404).
    statuses = sorted(box["result"] for box in outcomes)
    assert statuses[0] == 302, statuses
    assert statuses[1] in (400, 403, 404), statuses
    assert Membership.objects.filter(organisation=organisation, role=Role.ORG_ADMIN).count() == 1


def test_three_parallel_posts_of_one_ra_request_form_make_one_request_and_one_email_each():
    import datetime
    import re

    from django.utils import timezone

    from notifications.models import OutboundEmail
    from ra_requests.models import RARequest
    from tests.factories import NationalRATeamFactory, RAProviderFactory

    NationalRATeamFactory()
    icb = RAProviderFactory(ods_code="QE1", ra_contact_email="ra.qe1@example.org")
    organisation = OrganisationFactory(ods_code="A81001", icb=icb)
    admin = UserFactory(email="admin@example.org")
    services.add_membership(organisation, user=admin, role=Role.ORG_ADMIN)
    url = f"/ra-requests/{organisation.ods_code}/new/"
    browser = Client()
    browser.force_login(admin)
    page = browser.get(url).content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f-]{36})"', page).group(1)
    needed_by = timezone.localdate() + datetime.timedelta(days=20)
    data = {
        "idempotency_key": key,
        "help_needed": ["unlock_renew"],
        "staff_affected": "4",
        "needed_by_day": str(needed_by.day),
        "needed_by_month": str(needed_by.month),
        "needed_by_year": str(needed_by.year),
        "contact_name": "Tom Jones",
        "contact_phone": "01632 960002",
        "contact_email": "tom@example.org",
        "already_tried": "Self-service unlock.",
        "charge_acknowledged": "on",
    }

    def post():
        client = Client()
        client.force_login(admin)
        response = client.post(url, data)
        return response.status_code, response.get("Location")

    outcomes = run_together(post, post, post)

    assert [box.get("error") for box in outcomes] == [None, None, None]
    ra_request = RARequest.objects.get()
    detail = f"/ra-requests/{organisation.ods_code}/{ra_request.pk}/"
    assert [box["result"] for box in outcomes] == [(302, detail)] * 3
    recipients = sorted(address for email in OutboundEmail.objects.all() for address in email.to)
    assert recipients == ["ra.qe1@example.org", "tom@example.org"]


SIGN_UP = {
    "first_name": "Asha",
    "last_name": "Patel",
    "password1": "lighthouse-harbour-2026",
    "password2": "lighthouse-harbour-2026",
    "ods_code": "A81234",
    "organisation_name": "Canal Street Surgery",
    "organisation_type": "gp_practice",
}


def test_three_parallel_sign_ups_for_one_new_code_all_get_a_page_not_a_500():
    from tests.factories import RAProviderFactory

    icb = RAProviderFactory(ods_code="QE1")

    def sign_up(email):
        response = Client(raise_request_exception=False).post(
            "/account/sign-up/", {**SIGN_UP, "email": email, "icb": icb.pk}
        )
        return response.status_code

    outcomes = run_together(*(lambda n=n: sign_up(f"person{n}@example.org") for n in range(3)))

    assert [box.get("result") for box in outcomes] == [302, 302, 302]
    assert OrganisationClaim.objects.filter(ods_code="A81234").count() == 3


def test_three_parallel_sign_ups_with_one_email_give_one_account_and_two_clear_messages():
    from tests.factories import RAProviderFactory

    icb = RAProviderFactory(ods_code="QE1")

    def sign_up():
        response = Client(raise_request_exception=False).post(
            "/account/sign-up/", {**SIGN_UP, "email": "asha@example.org", "icb": icb.pk}
        )
        content = response.content.decode()
        # Which message the losers get depends on how far the winner had got: each says what to do.
        clear_messages = (
            "An account already exists for this email address",
            "An account for this email address is waiting for the address to be confirmed",
            "An account was created for this email address a moment ago",
        )
        return (response.status_code, any(message in content for message in clear_messages))

    outcomes = run_together(sign_up, sign_up, sign_up)

    assert sorted(box.get("result") for box in outcomes) == [(200, True), (200, True), (302, False)]
    assert User.objects.filter(email="asha@example.org").count() == 1
    assert OrganisationClaim.objects.count() == 1


def test_three_parallel_organisation_registrations_by_one_user_give_one_claim_and_two_clear_messages():
    from tests.factories import RAProviderFactory

    icb = RAProviderFactory(ods_code="QE1")
    user = UserFactory(email="asha@example.org")

    def register():
        client = Client(raise_request_exception=False)
        client.force_login(user)
        data = {key: SIGN_UP[key] for key in ("ods_code", "organisation_name", "organisation_type")}
        response = client.post("/account/organisations/new/", {**data, "icb": icb.pk})
        return response.status_code, "You have already asked" in response.content.decode()

    outcomes = run_together(register, register, register)

    assert sorted(box.get("result") for box in outcomes) == [(200, True), (200, True), (302, False)]
    assert OrganisationClaim.objects.filter(claimant=user).count() == 1


def test_three_parallel_approvals_for_one_new_code_make_one_organisation_with_three_admins():
    from tests.factories import NationalRATeamFactory, RAProviderFactory

    NationalRATeamFactory()
    icb = RAProviderFactory(ods_code="QE1")
    national_admin = services.make_national_admin(UserFactory())
    claims = [
        services.submit_claim(
            UserFactory(),
            ods_code="A81234",
            organisation_name="Canal",
            organisation_type="gp_practice",
            icb=icb,
        )
        for _ in range(3)
    ]

    outcomes = run_together(
        *(lambda c=c: services.approve_claim(c, acting_user=national_admin) for c in claims)
    )

    assert [box.get("error") for box in outcomes] == [None, None, None]
    organisation = Organisation.objects.get(ods_code="A81234")
    assert organisation.memberships.filter(role=Role.ORG_ADMIN).count() == 3


def test_three_parallel_creations_of_one_organisation_give_one_and_clear_errors():
    from tests.factories import RAProviderFactory

    icb = RAProviderFactory(ods_code="QE1")

    def create():
        return services.create_organisation(
            ods_code="A81234", name="Canal", organisation_type="gp_practice", icb=icb
        ).pk

    outcomes = run_together(create, create, create)

    errors = [box.get("error") for box in outcomes if "error" in box]
    assert len(errors) == 2
    assert all(isinstance(error, ValidationError) for error in errors), errors
    assert Organisation.objects.filter(ods_code="A81234").count() == 1
