import re
import unicodedata

from django.core.exceptions import ValidationError

# ODS codes come in a few shapes: GP practices are a letter and five digits (A81001); trusts,
# ICBs and CSUs three characters (RJ1, QE1, 0DE); pharmacies, trust sites, independent providers
# and the ICBs formed in 2026 five characters (FA123, RJ121, 8HV48, S1Y5D). Every code has a letter.
ODS_CODE_PATTERN = re.compile(r"^(?=.*[A-Z])(?:[A-Z0-9]{3}|[A-Z0-9]{5}|[A-Z][0-9]{5})$")

# Codes that belong to RA providers rather than organisations, even before the directory lists
# them: the 2022 ICBs (Q and two characters, as QE1 and QWO), CSUs (0 and two characters, as
# 0DE) and NHS England's national bodies (X24, X26). The 2026 ICBs are found in the directory.
RA_PROVIDER_CODE_PATTERN = re.compile(r"^(?:Q[A-Z0-9]{2}|0[A-Z0-9]{2}|X2[0-9])$")


def normalise_ods_code(value: str) -> str:
    return "".join((value or "").split()).upper()


def validate_ods_code(value: str) -> None:
    if not ODS_CODE_PATTERN.match(normalise_ods_code(value)):
        raise ValidationError(
            "Enter a valid ODS code, like A81001 for a GP practice, RJ1 for a trust or FA123 for a pharmacy",
            code="invalid_ods_code",
        )


def has_control_characters(value: str) -> bool:
    """True if ``value`` holds a line break, tab or other control or invisible formatting character
    (Unicode categories Cc, Cf, Zl and Zp): none belongs in a name or other one-line text."""
    return any(unicodedata.category(character) in {"Cc", "Cf", "Zl", "Zp"} for character in value or "")


def validate_single_line(value: str) -> None:
    if has_control_characters(value):
        raise ValidationError(
            "Enter this on one line, without line breaks, tabs or other special characters",
            code="control_characters",
        )


def is_ods_code(value: str) -> bool:
    return bool(ODS_CODE_PATTERN.match(normalise_ods_code(value)))
