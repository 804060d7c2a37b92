"""Time and queries for the training compliance dashboard with 10, 1,000 and 10,000 staff.

Run: .venv/bin/python bench/training_dashboard.py   (DATABASE_URL=postgres://... for PostgreSQL)
Each organisation's staff have completions for about four in five of the modules that apply to
them (a quarter with an older completion kept as history), spread over the last 14 months so
every status occurs. Target: the same query count for every size, and the cached median time for
10,000 staff within 1.5x of the time for 10 (the cache check reads one stamp row, whatever the
head count). Measured both ways: "worked out" clears the cache first (as
after any change to the records), "from cache" is a repeat view of unchanged records.
"""

import datetime
import random
import statistics

from _common import database_description, django_test_database, measure, print_table, save_results

SIZES = (10, 1_000, 10_000)
ROUNDS = 7


def build(size: int, lead_email: str):
    from django.conf import settings
    from django.utils import timezone

    from organisations import services as organisation_services
    from organisations.models import Organisation, RAProvider, Role, User
    from training import reference_data
    from training.compliance import add_months
    from training.models import Completion, ModuleVersion, StaffMember, StaffRole, TrainingModule

    if not TrainingModule.objects.exists():
        reference_data.load(settings.REFERENCE_DATA_DIR)
    icb, _ = RAProvider.objects.get_or_create(ods_code="QE1", defaults={"name": "Bench ICB", "kind": "icb"})
    organisation = Organisation.objects.create(
        ods_code=f"B{size:05d}"[:6],
        name=f"Bench organisation {size}",
        organisation_type="gp_practice",
        icb=icb,
    )
    lead = User.objects.create_user(lead_email, "bench-password-2026")
    organisation_services.add_membership(organisation, user=lead, role=Role.IT_LEAD)

    rng = random.Random(size)
    roles = StaffRole.values
    staff = StaffMember.objects.bulk_create(
        [
            StaffMember(
                organisation=organisation,
                full_name=f"Person {n:05d}",
                email=f"person{n}@b{size}.example.org",
                role=roles[n % len(roles)],
                employment_type="outsourced" if n % 3 == 0 else "in_house",
                supplier_name="Bench IT Ltd" if n % 3 == 0 else "",
                left_on=datetime.date(2025, 1, 1) if n % 20 == 0 else None,
            )
            for n in range(size)
        ],
        batch_size=2_000,
    )
    versions = {v.module_id: v for v in ModuleVersion.objects.select_related("module")}
    today = timezone.localdate()
    completions = []
    for person in staff:
        for module_id, version in versions.items():
            module = version.module
            if module.applies_to_roles and person.role not in module.applies_to_roles:
                continue
            if rng.random() < 0.2:
                continue  # never completed
            latest = add_months(today, -rng.randint(0, 14)) - datetime.timedelta(days=rng.randint(0, 27))
            dates = [latest] + ([add_months(latest, -module.refresh_months)] if rng.random() < 0.25 else [])
            completions.extend(
                Completion(
                    staff=person,
                    module_id=module_id,
                    module_version=version,
                    version_number=version.number,
                    completed_on=day,
                    method="e_learning",
                )
                for day in dates
            )
    Completion.objects.bulk_create(completions, batch_size=5_000)
    return organisation, lead, len(completions)


def main() -> None:
    with django_test_database():
        from django.test import Client
        from django.urls import reverse

        from organisations.data_versions import page_cache

        pages, completions = {}, {}
        for size in SIZES:
            organisation, lead, completions[size] = build(size, f"lead{size}@example.org")
            client = Client()
            client.force_login(lead)
            pages[size] = (client, reverse("training:dashboard", args=[organisation.ods_code]))

        def get(size, *, cold):
            if cold:
                page_cache.clear()  # as after any change to the organisation's records
            client, url = pages[size]
            response = client.get(url)
            assert response.status_code == 200, response.status_code

        # Sizes take turns, round after round, so a busy machine slows them all alike.
        runs = {(size, cold): [] for size in SIZES for cold in (True, False)}
        for _ in range(ROUNDS):
            for size in SIZES:
                for cold in (True, False):
                    repeat = 3 if size < 10_000 else 1
                    runs[size, cold].append(measure(lambda s=size, c=cold: get(s, cold=c), repeat=repeat))
        results = {
            f"{size} {'cold' if cold else 'cached'}": {
                "staff": size,
                "cold": cold,
                "median_ms": statistics.median(m.median_ms for m in measurements),
                "min_ms": min(m.min_ms for m in measurements),
                "queries": measurements[-1].queries,
            }
            for (size, cold), measurements in runs.items()
        }
        print_table(
            ["Staff", "Completions", "Figures", "Queries", "Median ms", "Fastest ms"],
            [
                [
                    r["staff"],
                    completions[r["staff"]],
                    "worked out" if r["cold"] else "from cache",
                    r["queries"],
                    r["median_ms"],
                    r["min_ms"],
                ]
                for r in results.values()
            ],
            title=f"GET /training/<ods_code>/ on {database_description()}, {ROUNDS} rounds",
        )
        for label in ("cold", "cached"):
            for size in SIZES[1:]:
                ratio = results[f"{size} {label}"]["median_ms"] / results[f"10 {label}"]["median_ms"]
                target = " (target 1.5x or less)" if label == "cached" else ""
                print(f"{size:,} vs 10 staff, {label}: {ratio:.2f}x the median time{target}")
            queries = {r["queries"] for r in results.values() if r["cold"] == (label == "cold")}
            assert len(queries) == 1, f"query count grows with staff ({label})"
        save_results("training_dashboard", results)


if __name__ == "__main__":
    main()
