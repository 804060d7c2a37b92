"""Queries and time for the ICB overview with 10 and with 2,000 supported organisations.

Run: .venv/bin/python bench/icb_overview.py   (DATABASE_URL=postgres://.../<yourdb> for PostgreSQL)

Each organisation gets a realistic record: two applications (one on CIS1), a staff group with
chosen authenticators, estate facts, two technical staff (one trained), and every fifth an open
RA request, every third its own RA support. The query count must be the same for both sizes.
"""

import datetime

from _common import database_description, django_test_database, measure, print_table, save_results

SIZES = (10, 2000)


def build(icb_code: str, size: int):
    from django.utils import timezone

    from authenticators.models import Application, Authenticator, EstateFacts, InventoryEntry, UserGroup
    from onboarding.models import ReadinessJourney
    from organisations.models import Organisation, RAProvider
    from ra_requests.models import RARequest
    from training.models import Completion, ModuleVersion, StaffMember

    now = timezone.now()
    icb = RAProvider.objects.create(
        ods_code=icb_code,
        name=f"Bench ICB {icb_code}",
        kind=RAProvider.Kind.ICB,
        ra_contact_email="ra@example.org",
    )
    organisations = Organisation.objects.bulk_create(
        [
            Organisation(
                ods_code=f"{icb_code[-1]}{n:05d}",
                name=f"Bench practice {n:05d}",
                organisation_type=("gp_practice" if n % 4 else "community_pharmacy"),
                icb=icb,
            )
            for n in range(size)
        ]
    )
    apps = list(Application.objects.catalogue().filter(slug__in=["ncrs", "emis-web"]))
    smartcard = Authenticator.objects.get(slug="smartcard")
    InventoryEntry.objects.bulk_create(
        [InventoryEntry(organisation=o, application=a) for o in organisations for a in apps]
    )
    EstateFacts.objects.bulk_create([EstateFacts(organisation=o, hscn=True) for o in organisations])
    groups = UserGroup.objects.bulk_create(
        [UserGroup(organisation=o, name="Everyone", head_count=10, plan_chosen_at=now) for o in organisations]
    )
    UserGroup.applications.through.objects.bulk_create(
        [UserGroup.applications.through(usergroup=g, application=a) for g in groups for a in apps]
    )
    UserGroup.chosen_authenticators.through.objects.bulk_create(
        [UserGroup.chosen_authenticators.through(usergroup=g, authenticator=smartcard) for g in groups]
    )
    staff = StaffMember.objects.bulk_create(
        [
            StaffMember(
                organisation=o,
                full_name=f"Person {n}",
                email=f"person{n}@{o.ods_code.lower()}.example.org",
                role="deskside",
                employment_type="in_house",
            )
            for o in organisations
            for n in range(2)
        ]
    )
    versions = list(ModuleVersion.objects.all())
    Completion.objects.bulk_create(
        [
            Completion(
                staff=s,
                module=v.module,
                module_version=v,
                completed_on=datetime.date.today(),
                method="e_learning",
            )
            for s in staff[::2]
            for v in versions
        ]
    )
    RARequest.objects.bulk_create(
        [
            RARequest(
                organisation=o,
                provider=icb,
                routing_reason="Bench",
                help_needed="register_users",
                staff_affected=3,
                needed_by=datetime.date.today() + datetime.timedelta(days=30),
                contact_name="Bench",
                contact_phone="01632 960 001",
                contact_email="bench@example.org",
                already_tried="Nothing",
                charge_acknowledged=True,
                sla_started_at=now,
                acknowledge_due_at=now + datetime.timedelta(days=2),
                resolve_due_at=now + datetime.timedelta(days=14),
            )
            for o in organisations[::5]
        ]
    )
    ReadinessJourney.objects.bulk_create(
        [
            ReadinessJourney(
                organisation=o, answers={"ra-support": {"has_ra_support": "yes", "provider_name": "Own"}}
            )
            for o in organisations[1::3]
        ]
    )
    return icb


def main() -> None:
    with django_test_database():
        from django.conf import settings
        from django.test import Client
        from django.urls import reverse

        from authenticators import reference_data as authenticator_reference_data
        from onboarding.overview import icb_overview
        from organisations import services
        from organisations.models import User
        from training import reference_data as training_reference_data

        authenticator_reference_data.load(settings.REFERENCE_DATA_DIR)
        training_reference_data.load(settings.REFERENCE_DATA_DIR)
        rows, results = [], {}
        for size, code in zip(SIZES, ("QBC", "QBD"), strict=True):
            icb = build(code, size)
            member = User.objects.create_user(f"ra.{code.lower()}@example.org", "bench-password-2026")
            services.add_ra_team_member(icb, user=member)
            client = Client()
            client.force_login(member)
            url = reverse("onboarding:icb_overview")

            def page(client=client, url=url):
                response = client.get(url)
                assert response.status_code == 200, response.status_code

            def csv_export(client=client):
                response = client.get(reverse("onboarding:icb_overview_csv"))
                assert response.status_code == 200, response.status_code

            selector = measure(lambda icb=icb: icb_overview(icb), repeat=7)
            html = measure(page, repeat=7)
            export = measure(csv_export, repeat=5)
            counts = {status: count for status, _, count in icb_overview(icb).counts}
            rows.append([size, "icb_overview()", selector.queries, selector.median_ms])
            rows.append([size, "GET overview page", html.queries, html.median_ms])
            rows.append([size, "GET CSV export", export.queries, export.median_ms])
            results[size] = {"selector": selector, "page": html, "csv": export, "counts": counts}
        print_table(
            ["Organisations", "What", "Queries", "Median ms"],
            rows,
            title=f"ICB overview on {database_description()}",
        )
        for size in SIZES:
            print(f"{size} organisations by status: {results[size]['counts']}")
        assert results[SIZES[0]]["selector"].queries == results[SIZES[1]]["selector"].queries
        assert results[SIZES[0]]["page"].queries == results[SIZES[1]]["page"].queries
        assert results[SIZES[0]]["csv"].queries == results[SIZES[1]]["csv"].queries
        save_results("icb_overview", results)


if __name__ == "__main__":
    main()
