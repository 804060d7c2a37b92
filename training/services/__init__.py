"""Every change to training records goes through these functions (split by sub-domain)."""

from .completions import (
    EVIDENCE_EXTENSIONS,
    MAX_EVIDENCE_BYTES,
    record_completion,
    record_completions,
    validate_evidence_file,
)
from .modules import create_module, publish_module_version, update_module, validate_refresh_months
from .reminders import send_training_digests, send_training_reminders
from .staff import (
    add_staff_member,
    import_staff_members,
    mark_staff_member_left,
    reinstate_staff_member,
    update_staff_member,
)

__all__ = [
    "EVIDENCE_EXTENSIONS",
    "MAX_EVIDENCE_BYTES",
    "add_staff_member",
    "create_module",
    "import_staff_members",
    "mark_staff_member_left",
    "publish_module_version",
    "record_completion",
    "record_completions",
    "reinstate_staff_member",
    "send_training_digests",
    "send_training_reminders",
    "update_module",
    "update_staff_member",
    "validate_evidence_file",
    "validate_refresh_months",
]
