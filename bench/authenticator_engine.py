"""How long the authenticator engine takes for 200 applications and the 7 authenticators.

Run: .venv/bin/python bench/authenticator_engine.py
Target: median under 5 ms per recommendation. Pure Python, no database.
"""

import statistics
import timeit

from _common import BASE_DIR, print_table, save_results, setup_django

RUNS = 500


def main() -> None:
    setup_django()
    from authenticators import rules
    from authenticators.reference_data import application_specs_from_file, authenticator_specs_from_file

    authenticators = authenticator_specs_from_file(BASE_DIR / "reference_data")
    catalogue = application_specs_from_file(BASE_DIR / "reference_data")
    kinds = [(rules.CIS2, rules.AAL2), (rules.CIS2, rules.AAL3), (rules.CIS1, rules.AAL3)]
    synthetic = [
        rules.ApplicationSpec(
            f"app-{n:03d}", f"Application {n:03d}", *kinds[n % 3], confidence=["", "low"][n % 2]
        )
        for n in range(200 - len(catalogue))
    ]
    applications = catalogue + synthetic
    assert len(applications) == 200
    assert len(authenticators) == 7
    cases = [
        ("200 apps, estate unknown", rules.EstateFacts()),
        (
            "200 apps, every estate fact set",
            rules.EstateFacts(
                hscn=False, windows_tpm=False, ipads=False, smartphones=True, shared_workstations=True
            ),
        ),
        ("200 CIS2 AAL2/AAL3 apps only", None),
    ]
    rows = []
    results = {}
    for label, estate in cases:
        apps = [a for a in applications if a.generation == rules.CIS2] if estate is None else applications
        timings = timeit.repeat(
            lambda apps=apps, estate=estate: rules.recommend(apps, authenticators, estate, head_count=25),
            number=1,
            repeat=RUNS,
        )
        median_ms = statistics.median(timings) * 1000
        result = rules.recommend(apps, authenticators, estate)
        rows.append([label, len(apps), median_ms, min(timings) * 1000, ", ".join(result.recommended)])
        results[label] = {"applications": len(apps), "median_ms": median_ms, "runs": RUNS}
    print_table(
        ["Case", "Applications", "Median ms", "Min ms", "Recommended"],
        rows,
        title=f"rules.recommend, 7 authenticators, median of {RUNS} runs (target < 5 ms)",
    )
    save_results("authenticator_engine", results)


if __name__ == "__main__":
    main()
