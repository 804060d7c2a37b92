"""Queries and time for the ICB overview with 10, 2,000 and 40,000 supported organisations, and
for the national overview over all of them (about 42,000 organisations in one database).

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/cis_perf_bench .venv/bin/python bench/icb_overview.py
(``BENCH_ICB_SIZES=10,2000`` for a quicker run, e.g. on SQLite; ``BENCH_KEEPDB=1`` keeps the seeded
database for the next run, which then skips seeding.)

Each organisation gets a realistic record: two applications (one on CIS1), a staff group with
chosen authenticators, estate facts, two technical staff (one trained), and every fifth an open
RA request, every third its own RA support. The hourly job (``record_readiness_statuses``) then
stores every organisation's readiness; its time is reported too. Targets: median page time under
150 ms and the same query count for every size, national view included.
"""

import datetime
import os

from _common import database_description, django_test_database, measure, print_table, save_results, timed

SIZES = tuple(int(size) for size in os.environ.get("BENCH_ICB_SIZES", "10,2000,40000").split(","))
CODES = ("QBC", "QBD", "QBE")
BATCH = 5_000
REGIONS = ("London", "Midlands", "North West")


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
        region=REGIONS[CODES.index(icb_code)],
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
        ],
        batch_size=BATCH,
    )
    apps = list(Application.objects.catalogue().filter(slug__in=["ncrs", "emis-web"]))
    smartcard = Authenticator.objects.get(slug="smartcard")
    InventoryEntry.objects.bulk_create(
        [InventoryEntry(organisation=o, application=a) for o in organisations for a in apps], batch_size=BATCH
    )
    EstateFacts.objects.bulk_create(
        [EstateFacts(organisation=o, hscn=True) for o in organisations], batch_size=BATCH
    )
    groups = UserGroup.objects.bulk_create(
        [
            UserGroup(organisation=o, name="Everyone", head_count=10, plan_chosen_at=now)
            for o in organisations
        ],
        batch_size=BATCH,
    )
    UserGroup.applications.through.objects.bulk_create(
        [UserGroup.applications.through(usergroup=g, application=a) for g in groups for a in apps],
        batch_size=BATCH,
    )
    UserGroup.chosen_authenticators.through.objects.bulk_create(
        [UserGroup.chosen_authenticators.through(usergroup=g, authenticator=smartcard) for g in groups],
        batch_size=BATCH,
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
        ],
        batch_size=BATCH,
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
        ],
        batch_size=BATCH,  # one unbatched insert of 400,000 rows was still committing after 10 minutes
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
        ],
        batch_size=BATCH,
    )
    ReadinessJourney.objects.bulk_create(
        [
            ReadinessJourney(
                organisation=o, answers={"ra-support": {"has_ra_support": "yes", "provider_name": "Own"}}
            )
            for o in organisations[1::3]
        ],
        batch_size=BATCH,
    )
    return icb


def main() -> None:
    with django_test_database(keepdb=os.environ.get("BENCH_KEEPDB") == "1"):
        from django.conf import settings
        from django.db import connection
        from django.test import Client
        from django.urls import reverse

        from authenticators import reference_data as authenticator_reference_data
        from onboarding.services import record_readiness_statuses
        from organisations import services
        from organisations.models import RAProvider, User
        from training import reference_data as training_reference_data

        seeded = RAProvider.objects.filter(ods_code=CODES[0]).exists()
        if seeded:
            User.objects.filter(email__startswith="ra.qb").delete()
            User.objects.filter(email="national@example.org").delete()
        else:
            authenticator_reference_data.load(settings.REFERENCE_DATA_DIR)
            training_reference_data.load(settings.REFERENCE_DATA_DIR)
        icbs = []
        for size, code in zip(SIZES, CODES, strict=False):
            if not seeded:
                _, seconds = timed(lambda size=size, code=code: build(code, size))
                print(f"Seeded {size:,} organisations in {seconds:.1f} s", flush=True)
            icbs.append((size, code, seeded_icb(code)))
        events, job_seconds = timed(record_readiness_statuses)
        total = sum(SIZES)
        print(f"Hourly job: stored readiness of {total:,} organisations in {job_seconds:.1f} s", flush=True)
        _, rerun_seconds = timed(record_readiness_statuses)
        if connection.vendor == "postgresql":
            # As autovacuum would after the first job fills the tables (later runs change few rows).
            with connection.cursor() as cursor:
                for table in ("onboarding_readinessrecord", "onboarding_readinesssupport"):
                    cursor.execute(f"VACUUM ANALYZE {table}")

        rows, results = [], {"job_seconds": job_seconds, "job_rerun_seconds": rerun_seconds}
        icb_queries: dict[str, set[int]] = {}
        for size, code, icb in icbs:
            member = User.objects.create_user(f"ra.{code.lower()}@example.org", "bench-password-2026")
            services.add_ra_team_member(icb, user=member)
            client = Client()
            client.force_login(member)
            html = measure(get(client, reverse("onboarding:icb_overview")), repeat=9)
            last_page = measure(
                get(client, reverse("onboarding:icb_overview") + f"?page={-(-size // 100)}"), repeat=5
            )
            not_ready = measure(
                get(client, reverse("onboarding:icb_overview") + "?status=not_ready"), repeat=5
            )
            export = measure(get(client, reverse("onboarding:icb_overview_csv")), repeat=3)
            rows.append([f"ICB, {size:,}", "overview page", html.queries, html.median_ms])
            rows.append([f"ICB, {size:,}", "last page", last_page.queries, last_page.median_ms])
            rows.append([f"ICB, {size:,}", "not ready only", not_ready.queries, not_ready.median_ms])
            rows.append([f"ICB, {size:,}", "CSV export", export.queries, export.median_ms])
            for what, result in (("page", html), ("last", last_page), ("status", not_ready), ("csv", export)):
                icb_queries.setdefault(what, set()).add(result.queries)
            results[f"icb_{size}"] = {
                "page": html,
                "last_page": last_page,
                "not_ready": not_ready,
                "csv": export,
            }

        national = User.objects.create_user("national@example.org", "bench-password-2026")
        services.make_national_admin(national)
        client = Client()
        client.force_login(national)
        url = reverse("onboarding:icb_overview")
        for label, query in (("all", ""), ("region", "?region=Midlands"), ("not ready", "?status=not_ready")):
            result = measure(get(client, url + query), repeat=9)
            rows.append(
                [f"National, {total:,}", f"overview page ({label})", result.queries, result.median_ms]
            )
            results[f"national_{label}"] = result
        print_table(
            ["Scope, organisations", "What", "Queries", "Median ms"],
            rows,
            title=f"ICB and national overview on {database_description()}",
        )
        print(f"Hourly job over {total:,} organisations: {job_seconds:.1f} s (re-run, nothing changed: "
              f"{rerun_seconds:.1f} s), {events:,} status events")  # fmt: skip
        # The same number of queries for every ICB size (the national page's constancy across sizes
        # is asserted by tests/onboarding/test_overview.py).
        assert all(len(counts) == 1 for counts in icb_queries.values()), icb_queries
        save_results("icb_overview", results)


def seeded_icb(code):
    from organisations.models import RAProvider

    return RAProvider.objects.get(ods_code=code)


def get(client, url):
    def run():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        if response.streaming:
            b"".join(response.streaming_content)

    return run


if __name__ == "__main__":
    main()
