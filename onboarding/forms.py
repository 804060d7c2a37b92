"""One form per wizard step. Each carries the journey ``version`` it was opened at."""

from django import forms
from django.forms.models import ModelChoiceIterator

from cis_portal.compiled_queries import CompiledQuery
from cis_portal.nhsuk_forms import NHSDateField, SingleLineCharField, TelInput
from organisations.selectors import active_icbs

YES_NO = [("yes", "Yes"), ("no", "No")]


class StepForm(forms.Form):
    """Base for every step: knows its organisation and journey, and turns answers to and from JSON."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, organisation, journey, **kwargs):
        self.organisation = organisation
        self.journey = journey
        super().__init__(*args, **kwargs)

    @classmethod
    def initial_from(cls, *, organisation, journey, answers: dict, user=None) -> dict:
        """Initial values for a GET: the saved answers, or defaults when there are none."""
        return dict(answers)

    def to_answers(self) -> dict:
        """The cleaned data as JSON-friendly answers (dates as ISO strings, objects as keys)."""
        answers = {}
        for name, value in self.cleaned_data.items():
            if name == "version":
                continue
            if hasattr(value, "isoformat"):
                value = value.isoformat()
            elif hasattr(value, "pk"):
                value = value.pk
            answers[name] = value
        return answers

    @classmethod
    def can_change(cls, answers: dict) -> bool:
        """Whether check-your-answers offers "Change" links for these answers."""
        return True

    # The button's words when saving the step does something more than save (e.g. sends a request).
    action_label = ""

    def page_context(self) -> dict:
        """Extra context the step's page shows next to the form."""
        return {}

    def summary_rows(self, answers: dict) -> list[tuple[str, str]]:
        """(question, answer) pairs for check-your-answers, in the form's field order."""
        rows = []
        for name, field in self.fields.items():
            if name == "version" or isinstance(field.widget, forms.HiddenInput):
                continue
            rows.append((str(field.label), display_answer(field, answers.get(name))))
        return rows


class SubmitAnswersForm(forms.Form):
    """Check your answers' submit button: the journey version the page was opened at."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def display_answer(field, value) -> str:
    if value in (None, "", [], ()):
        return "Not answered"
    choices = dict(getattr(field, "choices", []) or [])
    if isinstance(field, forms.ModelChoiceField):
        obj = field.queryset.filter(pk=value).first()
        return str(obj) if obj else "Not answered"
    if isinstance(value, list):
        return ", ".join(str(choices.get(item, item)) for item in value)
    if isinstance(field, forms.BooleanField):
        return "Yes" if value else "No"
    if isinstance(field, forms.DateField | NHSDateField):
        import datetime

        day = value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value))
        return f"{day:%-d %B %Y}"
    return str(choices.get(value, value))


# The options of every organisation details page: (id, name) rows, built and compiled once per connection.
ACTIVE_ICB_OPTIONS = CompiledQuery(lambda: active_icbs().values_list("pk", "name"), ())


class ActiveICBChoiceIterator(ModelChoiceIterator):
    """The options as (id, name) rows in one ordinary query. Django's ``.iterator()`` opens a
    server-side cursor on PostgreSQL (declare, fetch, close) and builds a model instance per option,
    which together cost more than the few dozen rows read; the select shows only ids and names."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        yield from ACTIVE_ICB_OPTIONS.rows()


class ActiveICBChoiceField(forms.ModelChoiceField):
    """An active ICB, offered by name. The field's queryset (which checks the answer) and its
    options are the same query, ``active_icbs()``; the options are read through ``ACTIVE_ICB_OPTIONS``."""

    iterator = ActiveICBChoiceIterator

    def __init__(self, **kwargs):
        # The answer keeps the id: nothing else need be read to check it.
        super().__init__(queryset=active_icbs().only("pk", "name"), **kwargs)

    def label_from_instance(self, obj) -> str:
        return obj.name


class OrganisationDetailsForm(StepForm):
    icb = ActiveICBChoiceField(
        label="Integrated care board (ICB)",
        empty_label="Select your ICB",
        help_text="The ICB your organisation belongs to now. If yours merged in April 2026, "
        "choose the new one.",
        error_messages={"required": "Select your integrated care board", "invalid_choice": "Select an ICB"},
    )
    contact_name = SingleLineCharField(
        label="Your full name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"required": "Enter your full name"},
    )
    contact_job_title = SingleLineCharField(
        label="Your job title",
        max_length=200,
        required=False,
    )
    contact_phone = SingleLineCharField(
        label="Phone number",
        max_length=30,
        widget=TelInput(attrs={"autocomplete": "tel"}),
        help_text="A number the RA team can call you on during working hours.",
        error_messages={"required": "Enter a phone number"},
    )
    cis_user_count = forms.IntegerField(
        label="How many of your staff will need to sign in with CIS?",
        min_value=1,
        max_value=100000,
        help_text="An estimate is fine.",
        error_messages={
            "required": "Enter how many staff will need to sign in with CIS",
            "invalid": "Enter a whole number, like 12",
            "min_value": "Enter a number of staff of 1 or more",
            "max_value": "Enter a number of staff of 100,000 or fewer",
        },
    )

    @classmethod
    def initial_from(cls, *, organisation, journey, answers: dict, user=None) -> dict:
        # The organisation record wins over the saved answer: someone may have moved it since.
        initial = {**answers, "icb": organisation.icb_id if organisation.icb.is_active else None}
        if user is not None and not answers:
            # Not answered yet: start from the contact the portal already has for this person.
            from ra_requests.selectors import contact_defaults

            contact = contact_defaults(organisation, user)
            initial.update(contact_name=contact["contact_name"], contact_phone=contact["contact_phone"])
        return initial

    def clean_contact_phone(self):
        phone = self.cleaned_data["contact_phone"].strip()
        digits = [c for c in phone if c.isdigit()]
        if len(digits) < 10 or any(c not in "0123456789 +()-" for c in phone):
            raise forms.ValidationError("Enter a phone number, like 01632 960 001 or +44 1632 960 001")
        return phone


class RASupportForm(StepForm):
    has_ra_support = forms.ChoiceField(
        label="Does your organisation already have Registration Authority (RA) support?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        help_text="An RA checks staff identities, gives them access positions and issues smartcards "
        "and other authenticators. It may be your own RA team, your ICB, a CSU or the national RA team.",
        error_messages={"required": "Select yes if your organisation already has RA support"},
    )
    provider_name = SingleLineCharField(
        label="If yes, who gives you RA support?",
        max_length=200,
        required=False,
        help_text="For example, your own RA team, your ICB or a commissioning support unit (CSU).",
    )

    def page_context(self) -> dict:
        from .selectors import ra_support_for_organisation

        return {"ra_support": ra_support_for_organisation(self.organisation, self.journey)}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("has_ra_support") == "yes" and not cleaned.get("provider_name", "").strip():
            self.add_error("provider_name", "Enter who gives you RA support")
        if cleaned.get("has_ra_support") == "no":
            cleaned["provider_name"] = ""
        return cleaned


class DetailsCorrectionForm(forms.Form):
    what_is_wrong = forms.CharField(
        label="What is wrong with your organisation's details?",
        help_text="Say what the name, ODS code or type should be, and how you know (for example, "
        "the ODS record). Do not include patients' or staff's personal details.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={
            "required": "Enter what is wrong with your organisation's details",
            "max_length": "What is wrong must be 1,000 characters or fewer",
        },
    )
