"""Find-your-RA search over the 6,253 GP practices: median time of the page for name, postcode and code
searches, and of the JSON answer. Target: name search median within 50 ms on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cis_bench .venv/bin/python bench/find_your_ra.py
    .venv/bin/python bench/find_your_ra.py          # SQLite in memory
"""

from _common import database_description, django_test_database, measure, print_table, timed

SEARCHES = [
    ("Name: one word", "/directory/?q=surgery"),
    ("Name: two words", "/directory/?q=medical+centre"),
    ("Name: rare", "/directory/?q=densham"),
    ("Postcode", "/directory/?q=TS18+1HU"),
    ("Page 5 of a common word", "/directory/?q=surgery&page=5"),
    ("ODS code (redirect)", "/directory/?q=A81001"),
    ("Answer page", "/directory/organisations/A81001/"),
    ("JSON answer", "/directory/api/organisations/A81001"),
]


def main() -> None:
    with django_test_database():
        from django.conf import settings
        from django.test import Client

        from organisations import reference_data

        _, seconds = timed(lambda: reference_data.load(settings.REFERENCE_DATA_DIR))
        settings.ALLOWED_HOSTS = ["testserver"]
        client = Client()
        rows = []
        for label, url in SEARCHES:
            result = measure(lambda url=url: client.get(url), repeat=21, warmup=2)
            rows.append([label, result.median_ms, result.min_ms, result.max_ms, result.queries])
        print_table(
            ["Search", "Median ms", "Min ms", "Max ms", "Queries"],
            rows,
            title=f"Find your RA on {database_description()} (reference data loaded in {seconds:.1f} s)",
        )


if __name__ == "__main__":
    main()
