"""CSV import and export of staff records, with tablib doing the parsing and writing."""

from dataclasses import dataclass, field

import tablib
from django.core.exceptions import ValidationError

from .models import EmploymentType, StaffMember, StaffRole

COLUMNS = ["full_name", "email", "role", "employment_type", "supplier_name"]
REQUIRED_COLUMNS = ["full_name", "email", "role", "employment_type"]
MAX_ROWS = 2000


class ImportFileError(Exception):
    """The file as a whole cannot be read (not a CSV, wrong columns, too many rows)."""


@dataclass
class PreviewRow:
    line: int
    values: dict
    errors: list[str] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def role_label(self) -> str:
        """The role's name for people; an unknown value is shown as given."""
        return _label(StaffRole, self.values["role"])

    @property
    def employment_type_label(self) -> str:
        return _label(EmploymentType, self.values["employment_type"])


def _label(choices, value: str) -> str:
    return choices(value).label if value in choices.values else value


def _allowed(choices) -> str:
    values = list(choices.values)
    return ", ".join(values[:-1]) + " or " + values[-1]


def _unknown_choice_message(what: str, choices, given: str) -> str:
    if not given:
        return f"The {what} is empty. Use {_allowed(choices)}"
    return f'The {what} "{given}" is not one the portal knows. Use {_allowed(choices)}'


def template_csv() -> str:
    """The header row of an import file, for people to fill in."""
    return tablib.Dataset(headers=COLUMNS).export("csv")


def _lookup(choices, raw: str) -> str:
    text = (raw or "").strip().lower().replace("-", "_").replace(" ", "_")
    for value, label in choices:
        if text in {value, label.lower().replace("-", "_").replace(" ", "_")}:
            return value
    return (raw or "").strip()


def read_rows(raw: bytes) -> list[dict]:
    """The file's data rows as dicts with our column names. Raises ImportFileError."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError("The selected file must be a CSV saved as UTF-8") from error
    if not text.strip():
        raise ImportFileError("The selected file is empty")
    if "\x00" in text:  # PostgreSQL cannot store it; a spreadsheet's CSV never has one
        raise ImportFileError("The selected file must be a CSV saved as UTF-8")
    try:
        dataset = tablib.Dataset().load(text, format="csv")
    except Exception as error:  # tablib raises several kinds for malformed input
        raise ImportFileError("The selected file could not be read as a CSV") from error
    headers = [(h or "").strip().lower().replace(" ", "_") for h in (dataset.headers or [])]
    missing = [column for column in REQUIRED_COLUMNS if column not in headers]
    if missing:
        raise ImportFileError(f"The file's first row must name the columns; missing: {', '.join(missing)}")
    if dataset.height == 0:
        raise ImportFileError("The selected file has no rows under its header row")
    if dataset.height > MAX_ROWS:
        raise ImportFileError(f"The file has {dataset.height} rows; import at most {MAX_ROWS} at a time")
    rows = []
    for record in dataset:
        values = dict(zip(headers, record, strict=False))
        row = {column: str(values.get(column) or "").strip() for column in COLUMNS}
        row["role"] = _lookup(StaffRole.choices, row["role"])
        row["employment_type"] = _lookup(EmploymentType.choices, row["employment_type"])
        row["email"] = row["email"].lower()
        rows.append(row)
    return rows


def preview(organisation, rows: list[dict]) -> list[PreviewRow]:
    """Check every row as the import will, without saving anything."""
    from .services.staff import _clean_staff_fields

    taken_emails = set(StaffMember.objects.for_organisation(organisation).values_list("email", flat=True))
    previews = []
    first_line_for_email = {}
    for line, row in enumerate(rows, start=2):
        item = PreviewRow(line=line, values=row)
        try:
            _clean_staff_fields(organisation, taken_emails=taken_emails, **row)
        except ValidationError as error:
            # The form's "Select the person's role" does not help with a file: say what it held instead.
            plain_words = {
                "role": _unknown_choice_message("role", StaffRole, row["role"]),
                "employment_type": _unknown_choice_message(
                    "employment type", EmploymentType, row["employment_type"]
                ),
            }
            item.errors = [
                plain_words.get(name, message)
                for name, messages in error.message_dict.items()
                for message in messages
            ]
        email = row["email"]
        if email and email in first_line_for_email:
            item.errors.append(f"The email address is also on row {first_line_for_email[email]}")
        first_line_for_email.setdefault(email, line)
        previews.append(item)
    return previews


def _safe_cell(value: str) -> str:
    # Spreadsheet programs run cells starting with these as formulas.
    return f"'{value}" if value[:1] in {"=", "+", "-", "@", "\t", "\r"} else value


def export_csv(staff_members) -> str:
    dataset = tablib.Dataset(headers=[*COLUMNS, "left_on"])
    for staff in staff_members.order_by("full_name", "id"):
        dataset.append(
            [
                _safe_cell(staff.full_name),
                _safe_cell(staff.email),
                staff.role,
                staff.employment_type,
                _safe_cell(staff.supplier_name),
                staff.left_on.isoformat() if staff.left_on else "",
            ]
        )
    return dataset.export("csv")
