"""Signing up, claiming an organisation and confirming the email address: thin views over the
account and claim services."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import FormView, TemplateView

from cis_portal.nhsuk_forms import add_service_errors

from . import forms, rate_limits, selectors, services
from .validators import is_ods_code
from .views import MODEL_BACKEND, SIGNUP_EMAIL_SESSION_KEY, too_many_emails

# --- Signing up and confirming the email address ---------------------------------------------


class OdsLookupMixin:
    """``?ods=<code>`` fills in the organisation from the open ODS data (name, type, ICB); the page
    says what was found and where it came from. A malformed code is left for the form to check."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        self.ods_lookup = None
        code = self.request.GET.get("ods", "").strip()
        if code and self.request.method == "GET" and is_ods_code(code):
            self.ods_lookup = selectors.ods_lookup(code)
            form.use_ods_lookup(self.ods_lookup)
        return form

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["ods_lookup"] = self.ods_lookup
        return context


class SignUpView(OdsLookupMixin, FormView):
    form_class = forms.SignUpForm
    template_name = "organisations/signup.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            # Someone with an account registers further organisations without a second account.
            return redirect("organisations:register_organisation")
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form):
        data = form.cleaned_data
        refusal = rate_limits.count_account_email(self.request, address=data["email"])
        if refusal:
            return too_many_emails(form, refusal, self.form_invalid)
        try:
            user = services.register_organisation_admin(
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                ods_code=data["ods_code"],
                organisation_name=data["organisation_name"],
                organisation_type=data["organisation_type"],
                icb=data["icb"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        self.request.session[SIGNUP_EMAIL_SESSION_KEY] = user.email
        return redirect("organisations:signup_done")


class RegisterOrganisationView(LoginRequiredMixin, OdsLookupMixin, FormView):
    """A signed-in person claims another organisation; most claims wait for the RA team's approval."""

    form_class = forms.OrganisationFieldsForm
    template_name = "organisations/register_organisation.html"

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            claim = services.register_organisation(
                self.request.user,
                ods_code=data["ods_code"],
                organisation_name=data["organisation_name"],
                organisation_type=data["organisation_type"],
                icb=data["icb"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if claim.status == claim.Status.APPROVED:
            messages.success(
                self.request, f"You are now the organisation admin for {claim.organisation.name}."
            )
            return redirect("home")
        return redirect("organisations:claim", pk=claim.pk)


class ClaimView(LoginRequiredMixin, TemplateView):
    """Where the signed-in user's claim to an organisation stands: "waiting for approval" and after."""

    template_name = "organisations/claim.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["claim"] = get_object_or_404(
            self.request.user.organisation_claims.select_related("reviewing_provider", "organisation"),
            pk=kwargs["pk"],
        )
        return context


class WithdrawClaimView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        claim = get_object_or_404(request.user.organisation_claims, pk=pk)
        try:
            services.withdraw_claim(claim, acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("organisations:claim", pk=claim.pk)
        messages.success(request, f"You have withdrawn your request to join {claim.organisation_name}.")
        return redirect("home")


class SignUpDoneView(TemplateView):
    template_name = "organisations/signup_done.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["email"] = self.request.session.get(SIGNUP_EMAIL_SESSION_KEY, "")
        context["resend_form"] = forms.ResendConfirmationForm(initial={"email": context["email"]})
        return context


@method_decorator(sensitive_post_parameters("password1", "password2"), name="dispatch")
class ConfirmEmailView(View):
    """GET shows the password form; POST confirms the address with the password its owner chose.

    Link checkers that open links change nothing. The link works once.
    """

    template_name = "organisations/confirm_email.html"
    invalid_template_name = "organisations/link_problem.html"

    def get(self, request, token):
        try:
            services.check_confirmation_token(token)
        except ValidationError as error:
            return self._problem(request, error)
        return render(request, self.template_name, {"form": forms.ConfirmEmailForm()})

    def post(self, request, token):
        try:
            services.check_confirmation_token(token)
        except ValidationError as error:
            return self._problem(request, error)
        form = forms.ConfirmEmailForm(request.POST)
        if form.is_valid():
            try:
                user = services.confirm_email(token, password=form.cleaned_data["password1"])
            except ValidationError as error:
                if getattr(error, "code", None) in (
                    services.LINK_EXPIRED,
                    services.LINK_INVALID,
                    services.LINK_USED,
                ):
                    return self._problem(request, error)
                add_service_errors(form, error)
            else:
                login(request, user, backend=MODEL_BACKEND)
                messages.success(request, "Your email address is confirmed and you are signed in.")
                waiting = selectors.claims_awaiting_approval(user)
                if waiting and not user.memberships.exists():
                    return redirect("organisations:claim", pk=waiting[0].pk)
                return redirect("home")
        return render(request, self.template_name, {"form": form}, status=400)

    def _problem(self, request, error):
        return render(
            request,
            self.invalid_template_name,
            {
                "expired": error.code == services.LINK_EXPIRED,
                "code": error.code,
                "resend_form": forms.ResendConfirmationForm(),
                "kind": "confirm",
            },
        )


class ResendConfirmationView(FormView):
    form_class = forms.ResendConfirmationForm
    template_name = "organisations/resend_confirmation.html"

    def form_valid(self, form):
        refusal = rate_limits.count_account_email(self.request, address=form.cleaned_data["email"])
        if refusal:
            return too_many_emails(form, refusal, self.form_invalid)
        services.resend_confirmation(email=form.cleaned_data["email"])
        self.request.session[SIGNUP_EMAIL_SESSION_KEY] = form.cleaned_data["email"]
        context = {"email": form.cleaned_data["email"]}
        return render(self.request, "organisations/resend_confirmation_done.html", context)
