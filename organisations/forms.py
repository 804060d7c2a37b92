"""Forms for signing in, signing up, invitations and the team page."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import (
    AuthenticationForm,
    BaseUserCreationForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import ValidationError
from django.db.models import Case, Value, When

from cis_portal.nhsuk_forms import SingleLineCharField

from . import emails, selectors
from .models import Membership, Organisation, Role, User
from .validators import normalise_ods_code, validate_ods_code

NEW_PASSWORDS_HINT = (
    "Use at least 12 characters. Do not use a common password, your name or email address, or only numbers."
)
INVALID_LOGIN = (
    "Enter a correct email address and password. If you have forgotten your password, you can reset it."
)
UNCONFIRMED_LOGIN = (
    "You need to confirm your email address before you can sign in. Use the link in the email we sent "
    "you, or ask for a new link below."
)


class EmailLowercaseField(forms.EmailField):
    """An email address, lower-cased, with the NHS.UK message for one in the wrong format."""

    default_error_messages = {
        "invalid": "Enter an email address in the correct format, like name@example.nhs.uk"
    }

    def __init__(self, *, max_length=254, widget=None, **kwargs):
        widget = widget or forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"})
        super().__init__(max_length=max_length, widget=widget, **kwargs)

    def clean(self, value):
        return (super().clean(value) or "").lower()


class SignInForm(AuthenticationForm):
    """Email and password. The same message for an unknown email and a wrong password."""

    username = EmailLowercaseField(
        label="Email address",
        error_messages={"required": "Enter your email address", "invalid": INVALID_LOGIN},
    )
    password = forms.CharField(
        label="Password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password"},
    )

    error_messages = {
        "invalid_login": INVALID_LOGIN,
        "inactive": UNCONFIRMED_LOGIN,
    }


class PasswordPairMixin(forms.Form):
    password1 = forms.CharField(
        label="Create a password",
        strip=False,
        help_text=NEW_PASSWORDS_HINT,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Create a password"},
    )
    password2 = forms.CharField(
        label="Confirm your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter the same password again"},
    )

    def clean_password2(self):
        password1, password2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if password1 and password2 and password1 != password2:
            raise ValidationError("The passwords do not match. Enter the same password twice")
        return password2


class NameFieldsMixin(forms.Form):
    first_name = SingleLineCharField(
        label="First name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name", "spellcheck": "false"}),
        error_messages={"required": "Enter your first name"},
    )
    last_name = SingleLineCharField(
        label="Last name",
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name", "spellcheck": "false"}),
        error_messages={"required": "Enter your last name"},
    )


class OrganisationFieldsForm(forms.Form):
    """The organisation a new admin registers: ODS code, name, type and ICB."""

    ods_code = forms.CharField(
        label="Your organisation's ODS code",
        max_length=12,
        help_text="The code the Organisation Data Service gives your organisation, "
        "like A81001 for a GP practice, RJ1 for a trust or FA123 for a pharmacy.",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocapitalize": "characters"}),
        error_messages={"required": "Enter your organisation's ODS code"},
    )
    organisation_name = SingleLineCharField(
        label="Organisation name",
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
        error_messages={"required": "Enter your organisation's name"},
    )
    organisation_type = forms.ChoiceField(
        label="What type of organisation is it?",
        choices=Organisation.OrganisationType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the type of organisation"},
    )
    icb = forms.ModelChoiceField(
        label="Integrated care board (ICB)",
        queryset=None,
        empty_label="Select your ICB",
        help_text="The ICB for the area your organisation is in.",
        error_messages={"required": "Select your integrated care board", "invalid_choice": "Select an ICB"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["icb"].queryset = selectors.active_icbs()

    def use_ods_lookup(self, lookup: selectors.OdsLookup) -> None:
        """Fill in what the open ODS data says about the code; the person can change any of it.

        A split ICB's successors come first in the ICB list, the likely one marked and selected.
        """
        self.initial["ods_code"] = lookup.ods_code
        if not lookup.is_known:
            return
        self.initial["organisation_name"] = lookup.known.name.title()
        self.initial["organisation_type"] = lookup.known.organisation_type
        self.initial["icb"] = lookup.icb or lookup.likely_icb
        if lookup.icb_choices:
            field = self.fields["icb"]
            first = {icb.pk: position for position, icb in enumerate(lookup.icb_choices)}
            field.queryset = field.queryset.annotate(
                split_order=Case(
                    *(When(pk=pk, then=Value(position)) for pk, position in first.items()),
                    default=Value(len(first)),
                )
            ).order_by("split_order", "name")
            likely = lookup.likely_icb.pk if lookup.likely_icb else None
            field.label_from_instance = lambda icb: f"{icb.name} (likely)" if icb.pk == likely else icb.name

    def clean_ods_code(self):
        ods_code = normalise_ods_code(self.cleaned_data["ods_code"])
        validate_ods_code(ods_code)
        return ods_code


class SignUpForm(NameFieldsMixin, OrganisationFieldsForm):
    """No password here: whoever opens the confirmation link, and so owns the address, chooses it."""

    email = EmailLowercaseField(
        label="Work email address",
        help_text="We will send a link to this address to confirm it is yours.",
        error_messages={"required": "Enter your work email address"},
    )

    field_order = [
        "email",
        "first_name",
        "last_name",
        "ods_code",
        "organisation_name",
        "organisation_type",
        "icb",
    ]


class ConfirmEmailForm(PasswordPairMixin, forms.Form):
    """The password chosen by whoever opened the confirmation link."""


class ResendConfirmationForm(forms.Form):
    email = EmailLowercaseField(
        label="Email address",
        help_text="The address you signed up with.",
        error_messages={"required": "Enter your email address"},
    )


class InviteMemberForm(forms.Form):
    email = EmailLowercaseField(
        label="Email address",
        help_text="Their work email address. We will send the invitation here.",
        # Someone else's address: the browser must not offer the admin's own.
        widget=forms.EmailInput(attrs={"spellcheck": "false"}),
        error_messages={"required": "Enter the email address of the person to invite"},
    )
    role = forms.ChoiceField(
        label="Which role will they have?",
        choices=Role.choices,
        widget=forms.RadioSelect,
        help_text="Organisation admins manage the readiness work and the team. IT leads look after "
        "technical staff training.",
        error_messages={"required": "Select a role"},
    )


class AcceptInvitationForm(NameFieldsMixin, PasswordPairMixin, forms.Form):
    field_order = ["first_name", "last_name", "password1", "password2"]


class AcceptAsSignedInUserForm(forms.Form):
    """No fields: a signed-in invitee only presses the button."""


class RemoveMembershipForm(forms.Form):
    membership = forms.ModelChoiceField(
        queryset=Membership.objects.none(),
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": "That person no longer has this role"},
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = organisation.memberships.select_related("user")


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, with the email written to the notifications outbox."""

    email = EmailLowercaseField(
        label="Email address",
        help_text="The address you sign in with. If it has an account, we will send a reset link.",
        error_messages={"required": "Enter your email address"},
    )

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email, **kwargs):
        from django.urls import reverse

        path = reverse("organisations:password_reset_confirm", args=[context["uid"], context["token"]])
        subject, body = emails.password_reset_email(link=emails.absolute_url(path))
        emails.queue_account_email(
            kind="password-reset",
            secret=f"{context['uid']}:{context['token']}",
            to=to_email,
            subject=subject,
            body=body,
        )


# --- Admin ----------------------------------------------------------------------------------


class AdminUserCreationForm(BaseUserCreationForm):
    class Meta:
        model = User
        fields = ["email", "first_name", "last_name"]


class AdminUserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class NewPasswordForm(SetPasswordForm):
    """Django's set-password form in the portal's words, with a weak password's error on the new password
    field (Django puts it on the confirmation field, away from the box that needs changing)."""

    new_password1 = forms.CharField(
        label="New password",
        strip=False,
        help_text=NEW_PASSWORDS_HINT,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter a new password"},
    )
    new_password2 = forms.CharField(
        label="Confirm your new password",
        strip=False,
        help_text="Enter the same password again, so we know it has no typing mistake.",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": "Enter your new password again"},
    )
    error_messages = {"password_mismatch": "The passwords do not match. Enter the same password twice"}

    # Django's validators' messages, by error code, in the portal's words.
    WEAK_PASSWORD_MESSAGES = {
        "password_too_short": "Your password must be at least 12 characters",
        "password_too_common": "Choose a less common password: this one is often used",
        "password_entirely_numeric": "Your password cannot be only numbers",
        "password_too_similar": "Your password is too like your email address or name",
    }

    def clean(self):
        self.validate_passwords("new_password1", "new_password2")
        password = self.cleaned_data.get("new_password1")
        if password:
            try:
                password_validation.validate_password(password, self.user)
            except ValidationError as error:
                self.add_error(
                    "new_password1",
                    [
                        self.WEAK_PASSWORD_MESSAGES.get(item.code, item.messages[0])
                        for item in error.error_list
                    ],
                )
        return forms.Form.clean(self)
