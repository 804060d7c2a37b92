"""Queries and time for an organisation's authenticator plan page with 3 and with 300 applications.

Run: .venv/bin/python bench/authenticator_plan_queries.py   (DATABASE_URL=postgres://... for PostgreSQL)
The query count must be the same for both sizes.
"""

from _common import database_description, django_test_database, measure, print_table, save_results


def build(size: int, admin_email: str):
    from django.conf import settings

    from authenticators import reference_data, services
    from authenticators.models import Application, InventoryEntry
    from organisations import services as organisation_services
    from organisations.models import Organisation, RAProvider, Role, User

    if not RAProvider.objects.filter(ods_code="QE1").exists():
        RAProvider.objects.create(ods_code="QE1", name="Bench ICB", kind=RAProvider.Kind.ICB)
        reference_data.load(settings.REFERENCE_DATA_DIR)
    organisation = Organisation.objects.create(
        ods_code=f"A{size:05d}",
        name=f"Bench practice {size}",
        organisation_type="gp_practice",
        icb=RAProvider.objects.get(ods_code="QE1"),
    )
    admin = User.objects.create_user(admin_email, "bench-password-2026")
    organisation_services.add_membership(organisation, user=admin, role=Role.ORG_ADMIN)
    apps = Application.objects.bulk_create(
        [
            Application(
                organisation=organisation,
                slug=f"local-{n}",
                name=f"Application {n:03d}",
                cis_generation=["CIS1", "CIS2", "CIS2"][n % 3],
                min_aal=["AAL2", "AAL3"][n % 2],
            )
            for n in range(size)
        ]
    )
    InventoryEntry.objects.bulk_create(
        [InventoryEntry(organisation=organisation, application=a) for a in apps]
    )
    services.save_estate_facts(organisation, hscn=True, shared_workstations=True)
    everyone = services.save_user_group(
        organisation, name="Everyone", head_count=20, application_slugs=[a.slug for a in apps]
    )
    services.save_user_group(organisation, name="Reception", head_count=4, application_slugs=[apps[0].slug])
    services.choose_authenticators(everyone, authenticator_slugs=["smartcard", "security-key"])
    return organisation, admin


def main() -> None:
    with django_test_database():
        from django.test import Client
        from django.urls import reverse

        rows = []
        results = {}
        for size in (3, 300):
            organisation, admin = build(size, f"bench{size}@example.org")
            client = Client()
            client.force_login(admin)
            url = reverse("authenticators:plan", args=[organisation.ods_code])

            def get(client=client, url=url):
                response = client.get(url)
                assert response.status_code == 200, response.status_code

            result = measure(get, repeat=15)
            rows.append([size, result.queries, result.median_ms])
            results[size] = result
        print_table(
            ["Applications", "Queries", "Median ms"],
            rows,
            title=f"GET /authenticators/<ods_code>/ on {database_description()}",
        )
        assert results[3].queries == results[300].queries, "query count grows with applications"
        save_results("authenticator_plan_queries", results)


if __name__ == "__main__":
    main()
