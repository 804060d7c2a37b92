from django import forms

from cis_portal.nhsuk_forms import NHSDateField, SingleLineCharField

from .models import CompletionMethod, EmploymentType, ModuleVersion, StaffRole

MAX_IMPORT_BYTES = 1024 * 1024


class StaffMemberForm(forms.Form):
    full_name = SingleLineCharField(
        label="Full name",
        max_length=200,
        error_messages={"required": "Enter the person's full name"},
    )
    email = forms.EmailField(
        label="Work email address",
        help_text="Reminders are sent here.",
        error_messages={
            "required": "Enter the person's work email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    role = forms.ChoiceField(
        label="Role",
        choices=StaffRole.choices,
        widget=forms.RadioSelect,
        help_text="Some modules apply only to some roles.",
        error_messages={"required": "Select the person's role"},
    )
    employment_type = forms.ChoiceField(
        label="Employed in-house or outsourced?",
        choices=EmploymentType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the person is in-house or outsourced"},
    )
    supplier_name = SingleLineCharField(
        label="Supplier name",
        max_length=200,
        required=False,
        help_text="Only for outsourced staff: the company that employs them.",
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("employment_type") == EmploymentType.OUTSOURCED and not cleaned.get("supplier_name"):
            self.add_error("supplier_name", "Enter the supplier's name for outsourced staff")
        return cleaned


class LeaverForm(forms.Form):
    left_on = NHSDateField(
        label="Leaving date",
        help_text="For example, 27 3 2026. Leavers drop out of compliance figures and reminders; "
        "their training history is kept.",
        allow_future=False,
        error_messages={"required": "Enter the leaving date"},
    )


class ModuleVersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, version):
        return f"{version.module.title}, version {version.number}"


class CompletionForm(forms.Form):
    staff = forms.ModelMultipleChoiceField(
        label="Who completed the training?",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select one person, or everyone who attended the same session.",
        error_messages={"required": "Select at least one person who completed the training"},
    )
    module_version = ModuleVersionChoiceField(
        label="Module and version",
        queryset=None,
        help_text="Choose the version the training covered; an older version counts as needing a refresher.",
        error_messages={"required": "Select the module and version"},
    )
    completed_on = NHSDateField(
        label="Date completed",
        help_text="For example, 27 3 2026.",
        allow_future=False,
        error_messages={"required": "Enter the date the training was completed"},
    )
    method = forms.ChoiceField(
        label="How was the training done?",
        choices=CompletionMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the training was done"},
    )
    evidence_note = forms.CharField(
        label="Evidence note (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="For example, the certificate number or who ran the session.",
    )
    evidence_file = forms.FileField(
        label="Evidence file (optional)",
        required=False,
        help_text="A certificate or attendance list: PDF, PNG, JPG, DOCX or TXT, smaller than 5MB.",
    )

    def __init__(self, *args, staff_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_queryset
        self.fields["module_version"].queryset = (
            ModuleVersion.objects.filter(module__is_active=True)
            .select_related("module")
            .order_by("module__title", "-number")
        )


class StaffImportForm(forms.Form):
    file = forms.FileField(
        label="Upload a CSV file",
        help_text="Columns: full_name, email, role, employment_type, supplier_name. Smaller than 1MB.",
        error_messages={"required": "Select a CSV file to upload", "empty": "The selected file is empty"},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise forms.ValidationError("The selected file must be a CSV")
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError("The selected file must be smaller than 1MB")
        return upload
