"""Compliance figures computed by the database, so the dashboard costs the same for 10 or 10,000 staff.

The rules are those of ``compliance.status_for``; here they become per-module date boundaries so
SQL can classify each (person, module) pair. ``selectors.compliance_in_python`` applies the same
rules row by row; a test checks the two agree.
"""

import datetime
import hashlib
from collections import Counter

from django.db import connection

from .compliance import COMPLIANT_STATUSES, EXPIRING_WINDOW_DAYS, ModuleStatus, Status, add_months, status_for
from .models import Completion, ModuleVersion, RecordsStamp, StaffMember, TrainingModule


def data_stamp(organisation) -> str:
    """A short text that changes whenever anything the organisation's compliance depends on changes.

    The organisation's records stamp (a new token with every write to its staff or completions,
    see ``services.records_stamp``), and the modules' and versions' last changes. One query that
    reads one row by primary key and three small reference tables: the same cost for 10 staff or
    10,000.
    """
    stamp = RecordsStamp._meta.db_table
    module = TrainingModule._meta.db_table
    version = ModuleVersion._meta.db_table
    sql = f"""
        SELECT (SELECT token FROM {stamp} WHERE organisation_id = %s),
               (SELECT MAX(updated_at) FROM {module}),
               (SELECT MAX(id) FROM {version}),
               (SELECT MAX(published_at) FROM {version})
    """  # noqa: S608 - only table names from the models' Meta are interpolated
    with connection.cursor() as cursor:
        cursor.execute(sql, [organisation.pk])
        text = "|".join(str(value) for value in cursor.fetchone())
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def last_completion_date_expiring_by(day: datetime.date, refresh_months: int) -> datetime.date:
    """The latest completion date whose expiry (completion + refresher period) falls on or before ``day``."""
    candidate = add_months(day, -refresh_months)
    while add_months(candidate + datetime.timedelta(days=1), refresh_months) <= day:
        candidate += datetime.timedelta(days=1)
    return candidate


def _classified_sql(organisation, modules_and_rules, today):
    """SQL (a WITH clause) giving each active person's status for each module that applies to them."""
    completion = Completion._meta.db_table
    staff = StaffMember._meta.db_table
    module_ids = [module.pk for module, _ in modules_and_rules]
    # Within a module the order matters: overdue beats refresher due beats expiring.
    count = len(modules_and_rules)
    whens = " ".join(
        ["WHEN module_id = %s AND last_on <= %s THEN 'overdue'"] * count
        + ["WHEN module_id = %s AND version < %s THEN 'refresher_due'"] * count
        + ["WHEN module_id = %s AND last_on <= %s THEN 'expiring'"] * count
    )
    case_params = []
    for module, rules in modules_and_rules:
        # Overdue from the day after the due date: the due date itself is still in date.
        yesterday = today - datetime.timedelta(days=1)
        case_params += [module.pk, last_completion_date_expiring_by(yesterday, rules.refresh_months)]
    for module, rules in modules_and_rules:
        case_params += [module.pk, rules.current_version]
    for module, rules in modules_and_rules:
        horizon = today + datetime.timedelta(days=EXPIRING_WINDOW_DAYS)
        case_params += [module.pk, last_completion_date_expiring_by(horizon, rules.refresh_months)]

    restricted = [
        (module, module.applies_to_roles) for module, _ in modules_and_rules if module.applies_to_roles
    ]
    applies_params: list = []
    if restricted:
        clauses = [f"module_id NOT IN ({', '.join(['%s'] * len(restricted))})"]
        applies_params += [module.pk for module, _ in restricted]
        for module, roles in restricted:
            clauses.append(f"(module_id = %s AND role IN ({', '.join(['%s'] * len(roles))}))")
            applies_params += [module.pk, *roles]
        applies = " OR ".join(clauses)
    else:
        applies = "1 = 1"

    # Only table names from the models' Meta and %s placeholders go into the text; values are parameters.
    sql = f"""
        WITH pairs AS (
            SELECT staff_id, module_id, MAX(completed_on) AS last_on, MAX(version_number) AS version
            FROM {completion}
            WHERE staff_id IN (SELECT id FROM {staff} WHERE organisation_id = %s AND left_on IS NULL)
            GROUP BY staff_id, module_id
        ), classified AS (
            SELECT pairs.staff_id, module_id, s.role AS role, s.employment_type AS employment_type,
                   last_on, version, CASE {whens} ELSE 'in_date' END AS status
            FROM pairs JOIN {staff} s ON s.id = pairs.staff_id
            WHERE module_id IN ({", ".join(["%s"] * len(module_ids))}) AND ({applies})
        )
    """  # noqa: S608 - see the comment above
    return sql, [organisation.pk, *case_params, *module_ids, *applies_params]


def dashboard_rows(organisation, modules_and_rules, today, limit):
    """One query for the whole dashboard. Returns (count rows, first due).

    Count rows are (kind, module id, role, employment type, status, number, count): kind "pair"
    counts the (person, module) pairs with each status; kind "staff" counts the people of each role
    with ``number`` modules in date. First due lists up to ``limit`` people per module and status
    who are overdue, due a refresher or expiring soon, as (StaffMember with name, email, role and
    employment type loaded, module id, ModuleStatus from ``status_for``).
    """
    if not modules_and_rules:
        return [], []
    with_sql, params = _classified_sql(organisation, modules_and_rules, today)
    compliant = ", ".join(f"'{status.value}'" for status in COMPLIANT_STATUSES)
    query = f"""
        SELECT 'due', ranked.module_id, s.role, s.employment_type, ranked.status, ranked.version, 0,
               ranked.staff_id, ranked.last_on, s.full_name, s.email
        FROM (
            SELECT staff_id, module_id, last_on, version, status,
                   ROW_NUMBER() OVER (
                       PARTITION BY module_id, status
                       ORDER BY CASE WHEN status = 'refresher_due' THEN version ELSE 0 END, last_on, staff_id
                   ) AS position
            FROM classified
            WHERE status IN ('overdue', 'refresher_due', 'expiring')
        ) ranked
        JOIN {StaffMember._meta.db_table} s ON s.id = ranked.staff_id
        WHERE position <= %s
        UNION ALL
        SELECT 'pair', module_id, role, employment_type, status, 0, COUNT(*), NULL, NULL, NULL, NULL
        FROM classified GROUP BY module_id, role, employment_type, status
        UNION ALL
        SELECT 'staff', 0, role, '', '', in_date, COUNT(*), NULL, NULL, NULL, NULL
        FROM (
            SELECT staff_id, role, SUM(CASE WHEN status IN ({compliant}) THEN 1 ELSE 0 END) AS in_date
            FROM classified GROUP BY staff_id, role
        ) per_person
        GROUP BY role, in_date
    """  # noqa: S608 - only a table name from the model's Meta and our own status names
    with connection.cursor() as cursor:
        cursor.execute(with_sql + query, [*params, limit])
        rows = cursor.fetchall()

    rules_by_module = {module.pk: rules for module, rules in modules_and_rules}
    counts, due = [], []
    for kind, module_id, role, employment_type, status, number, count, staff_id, last_on, name, email in rows:
        if kind != "due":
            counts.append((kind, module_id, role, employment_type, status, number, count))
            continue
        if isinstance(last_on, str):  # SQLite hands back MAX() of a date column as text
            last_on = datetime.date.fromisoformat(last_on)
        module_status: ModuleStatus = status_for(rules_by_module[module_id], (last_on, number), today)
        staff = StaffMember(
            id=staff_id, full_name=name, email=email, role=role, employment_type=employment_type
        )
        due.append((staff, module_id, module_status))
    return counts, due


def tally(rows, modules_and_rules):
    """Turn ``dashboard_rows`` count rows into counts per module, in date per employment type, and
    (role, modules in date, people) for working out who is fully up to date."""
    pair_counts: dict[int, Counter] = {module.pk: Counter() for module, _ in modules_and_rules}
    compliant_by_employment: Counter = Counter()
    in_date_people: list[tuple[str, int, int]] = []
    for kind, module_id, role, employment_type, status, number, count in rows:
        if kind == "pair":
            pair_counts[module_id][Status(status)] += count
            if status in COMPLIANT_STATUSES:
                compliant_by_employment[employment_type] += count
        else:
            in_date_people.append((role, number, count))
    return pair_counts, compliant_by_employment, in_date_people
