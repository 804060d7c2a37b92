"""Forms for the wizard steps that are backed by another part (RA requests, authenticators, training).

They read choices through the parts' selectors; the writes happen in ``step_effects``.
"""

from .plan import ApplicationsForm, AuthenticatorChoiceForm, StaffGroupsForm
from .ra_request import RARequestForm
from .technical_support import TechnicalSupportForm

__all__ = [
    "ApplicationsForm",
    "AuthenticatorChoiceForm",
    "RARequestForm",
    "StaffGroupsForm",
    "TechnicalSupportForm",
]
