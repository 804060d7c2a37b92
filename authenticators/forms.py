from django import forms

from cis_portal.nhsuk_forms import SingleLineCharField

from . import rules
from .models import AAL, Generation

# A whole number: a text box with a numeric keyboard, as the NHS design system advises.
HEAD_COUNT_WIDGET_ATTRS = {"class": "nhsuk-input--width-5", "inputmode": "numeric", "spellcheck": "false"}

YES_NO_UNKNOWN = [("yes", "Yes"), ("no", "No"), ("unknown", "Not sure")]
TRI_STATE = {"yes": True, "no": False, "unknown": None, "": None}


def tri_state_initial(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "unknown"}[value]


class InventoryForm(forms.Form):
    applications = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, catalogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = [(a.slug, a.name) for a in catalogue]


class LocalApplicationForm(forms.Form):
    name = SingleLineCharField(
        label="Application name",
        max_length=150,
        error_messages={"required": "Enter the application's name"},
    )
    supplier = SingleLineCharField(label="Supplier (optional)", max_length=200, required=False)
    cis_generation = forms.ChoiceField(
        label="Which CIS authentication service does it use?",
        choices=Generation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the application uses CIS1 or CIS2"},
    )
    min_aal = forms.ChoiceField(
        label="Which assurance level does it need?",
        choices=AAL.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the assurance level the application needs"},
        help_text="If the supplier says it accepts Microsoft Authenticator or passkeys, it is AAL2. "
        "CIS1 applications are always treated as AAL3.",
    )


class UserGroupForm(forms.Form):
    name = SingleLineCharField(
        label="Group name",
        max_length=100,
        help_text="For example, reception or clinicians",
        error_messages={"required": "Enter a name for the group"},
    )
    head_count = forms.IntegerField(
        label="Number of staff in the group",
        widget=forms.TextInput(attrs=HEAD_COUNT_WIDGET_ATTRS),
        min_value=1,
        max_value=100000,
        error_messages={
            "required": "Enter how many staff are in the group",
            "invalid": "Number of staff must be a whole number, like 12",
            "min_value": "Enter how many staff are in the group, 1 or more",
            "max_value": "Number of staff must be 100,000 or fewer",
        },
    )
    applications = forms.MultipleChoiceField(
        label="Which applications does this group use?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one application the group uses"},
    )

    def __init__(self, *args, inventory, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = [(a.slug, a.name) for a in inventory]


def _estate_field(name: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=rules.ESTATE_QUESTIONS[name],
        choices=YES_NO_UNKNOWN,
        widget=forms.RadioSelect(attrs={"class": "nhsuk-radios--inline"}),
        required=False,
    )


class EstateForm(forms.Form):
    hscn = _estate_field("hscn")
    windows_tpm = _estate_field("windows_tpm")
    ipads = _estate_field("ipads")
    smartphones = _estate_field("smartphones")
    shared_workstations = _estate_field("shared_workstations")

    def facts(self) -> dict[str, bool | None]:
        return {name: TRI_STATE[self.cleaned_data.get(name) or ""] for name in rules.ESTATE_QUESTIONS}


class ChooseAuthenticatorsForm(forms.Form):
    authenticators = forms.MultipleChoiceField(
        label="Which authenticators will you offer this group?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one authenticator"},
    )

    def __init__(self, *args, authenticators, group_plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.authenticators = authenticators
        self.group_plan = group_plan
        self.fields["authenticators"].choices = [(a.slug, a.label) for a in authenticators]

    def clean_authenticators(self):
        """Stops a choice that leaves an application without a way to sign in when another
        authenticator would cover it (the wizard's authenticators step applies the same rule)."""
        from .presentation import coverage_gap_errors

        chosen = self.cleaned_data["authenticators"]
        errors = coverage_gap_errors(self.group_plan, chosen, self.authenticators)
        if errors:
            raise forms.ValidationError(errors)
        return chosen


class ChooserForm(EstateForm):
    """The public chooser: applications and the estate questions, submitted with GET."""

    applications = forms.MultipleChoiceField(
        label="Which applications do your staff use?",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one application"},
    )

    head_count = forms.IntegerField(
        label="How many staff need to sign in? (optional)",
        widget=forms.TextInput(attrs=HEAD_COUNT_WIDGET_ATTRS),
        help_text="Used to count smartcards, security keys or iPads on the shopping list",
        required=False,
        min_value=1,
        max_value=100000,
        error_messages={
            "invalid": "Number of staff must be a whole number, like 12",
            "min_value": "Number of staff must be 1 or more",
            "max_value": "Number of staff must be 100,000 or fewer",
        },
    )

    def __init__(self, *args, catalogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].choices = [(a.slug, a.name) for a in catalogue]

    def estate(self) -> rules.EstateFacts:
        return rules.EstateFacts(**self.facts())
