"""Issue 9 item 6: one-line text people type anywhere in the portal refuses line breaks and other
control characters, so it cannot pose as extra paragraphs in a page or an email."""

import pytest
from django.core.exceptions import ValidationError

from authenticators.forms import LocalApplicationForm, UserGroupForm
from onboarding.forms import OrganisationDetailsForm, RASupportForm
from organisations.forms import AcceptInvitationForm, OrganisationFieldsForm, SignUpForm
from ra_requests.forms import RARequestForm
from training.forms import StaffMemberForm

ONE_LINE_MESSAGE = "Enter this on one line, without line breaks, tabs or other special characters"

ONE_LINE_FIELDS = [
    (SignUpForm, "first_name"),
    (SignUpForm, "last_name"),
    (AcceptInvitationForm, "first_name"),
    (AcceptInvitationForm, "last_name"),
    (OrganisationFieldsForm, "organisation_name"),
    (RARequestForm, "contact_name"),
    (RARequestForm, "contact_phone"),
    (StaffMemberForm, "full_name"),
    (StaffMemberForm, "supplier_name"),
    (OrganisationDetailsForm, "contact_name"),
    (OrganisationDetailsForm, "contact_job_title"),
    (OrganisationDetailsForm, "contact_phone"),
    (RASupportForm, "provider_name"),
    (LocalApplicationForm, "name"),
    (LocalApplicationForm, "supplier"),
    (UserGroupForm, "name"),
]


@pytest.mark.parametrize(("form_class", "field"), ONE_LINE_FIELDS, ids=lambda v: getattr(v, "__name__", v))
@pytest.mark.parametrize(
    "typed", ["Bob\nSmith", "Bob\r\nSmith", "Bob\tSmith", "Bob\u2028Smith", "Bob\u202eSmith"]
)
def test_one_line_fields_refuse_control_characters(form_class, field, typed):
    with pytest.raises(ValidationError) as error:
        form_class.base_fields[field].clean(typed)

    assert error.value.messages == [ONE_LINE_MESSAGE]


@pytest.mark.parametrize(("form_class", "field"), ONE_LINE_FIELDS, ids=lambda v: getattr(v, "__name__", v))
def test_one_line_fields_accept_ordinary_text(form_class, field):
    assert form_class.base_fields[field].clean("Siân O'Neill, St. Mary's") == "Siân O'Neill, St. Mary's"
