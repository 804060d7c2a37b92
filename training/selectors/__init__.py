"""Reads for the training tracker (split by sub-domain)."""

from .bulk import StaffCompliance, compliance_for_organisations, dues_for_reminders
from .compliance import (
    ComplianceSummary,
    Due,
    GroupCompliance,
    ModuleCompliance,
    compliance_in_python,
    compliance_summary,
    statuses_for_staff_members,
    summary_cache_key,
    training_figure,
)
from .modules import active_modules, current_versions, module_rules
from .staff import (
    completion_with_evidence,
    completions_for_staff_member,
    get_staff_member,
    it_lead_emails,
    staff_for_organisation,
)
from .timeline import timeline_events_for_organisation

__all__ = [
    "ComplianceSummary",
    "Due",
    "GroupCompliance",
    "ModuleCompliance",
    "StaffCompliance",
    "active_modules",
    "completion_with_evidence",
    "completions_for_staff_member",
    "compliance_for_organisations",
    "compliance_in_python",
    "compliance_summary",
    "current_versions",
    "dues_for_reminders",
    "get_staff_member",
    "it_lead_emails",
    "module_rules",
    "staff_for_organisation",
    "statuses_for_staff_members",
    "summary_cache_key",
    "timeline_events_for_organisation",
    "training_figure",
]
