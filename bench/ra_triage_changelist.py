"""The RA triage changelist at 250,000 requests: the plain list, search by reference and by ODS code,
and (where the code has them) the open, "assigned to me" and SLA-sorted views.

Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/cis_triage_bench \\
     BENCH_DB_NAME=cis_triage_bench_after .venv/bin/python bench/ra_triage_changelist.py

The data goes into the database named by BENCH_DB_NAME (created, then dropped). It reuses the seed
of bench/ra_requests_scale.py (42 ICBs, 40,000 organisations, 250,000 requests) and assigns 2,000 of
the first ICB's requests to its RA team member. Views the code under test does not have are skipped
(so the same script measures a commit from before them).
"""

import os

from _common import database_description, django_test_database, measure, print_table, setup_django


def _use_bench_database() -> None:
    setup_django()
    from django.db import connections

    connections["default"].settings_dict["TEST"]["NAME"] = os.environ.get("BENCH_DB_NAME", "cis_triage_bench")


def main() -> None:
    _use_bench_database()
    with django_test_database():
        from django.db import connection
        from django.test import Client
        from django.urls import reverse
        from ra_requests_scale import make_directory, seed

        from organisations.data_versions import page_cache
        from ra_requests.admin import RARequestAdmin
        from ra_requests.models import RARequest

        assert connection.vendor == "postgresql", "run this against PostgreSQL (DATABASE_URL=postgres://...)"
        icbs, triage, national, submitter = make_directory()
        seed(icbs, submitter)
        mine = RARequest.objects.filter(provider=icbs[0]).order_by("pk").values_list("pk", flat=True)[:2000]
        RARequest.objects.filter(pk__in=list(mine)).update(assigned_to=triage)
        reference = (
            RARequest.objects.filter(provider=icbs[0]).order_by("pk").values_list("pk", flat=True)[500]
        )
        ods_code = RARequest.objects.get(pk=reference).organisation.ods_code

        filters = {
            getattr(f, "parameter_name", "") for f in RARequestAdmin.list_filter if isinstance(f, type)
        }
        sla_sortable = bool(getattr(RARequestAdmin.sla_due, "admin_order_field", None))
        views = [("Plain list", {}), (f"Search ODS code {ods_code}", {"q": ods_code})]
        views.append((f"Search reference RA-{reference:06d}", {"q": f"RA-{reference:06d}"}))
        if "status" in filters:
            views.append(("Open requests", {"status": "open"}))
        if "assigned" in filters:
            views.append(("Assigned to me", {"assigned": "me"}))
        if sla_sortable:
            views.append(("Sorted by SLA due (open)", {"status": "open", "o": "8"}))

        url = reverse("admin:ra_requests_rarequest_changelist")
        rows = []
        for who, user in (("RA team member", triage), ("National administrator", national)):
            client = Client()
            client.force_login(user)
            for label, params in views:

                def get(client=client, params=params):
                    # Drawn every time: this is the cost of the list at scale (key_pages.py measures
                    # an RA team member's kept page).
                    page_cache.clear()
                    response = client.get(url, params)
                    assert response.status_code == 200, response.status_code
                    return response

                result = measure(get, repeat=9, warmup=2)
                shown = len(get().context["cl"].result_list)
                rows.append([who, label, result.median_ms, result.queries, shown])

    print_table(
        ["Who", "View", "Median ms", "Queries", "Rows shown"],
        rows,
        title=f"GET /admin/ra_requests/rarequest/, 250,000 requests, {database_description()}, median of 9",
    )


if __name__ == "__main__":
    main()
