"""Thin views for accounts, the team page and the home page: the work is in services.py."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters
from django.views.generic import TemplateView

from cis_portal.nhsuk_forms import add_service_errors

from . import forms, home, rate_limits, selectors, services
from .access import (
    TEAM_ROLES,
    OrganisationMemberMixin,
    is_national_admin,
    ra_provider_for_user,
)

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
SIGNUP_EMAIL_SESSION_KEY = "organisations.signup_email"


def too_many_emails(form, refusal: rate_limits.Refusal, render_invalid):
    """The form again, with the rate-limit message in its error summary, as 429 Too Many Requests."""
    form.add_error(None, refusal.message)
    response = render_invalid(form)
    response.status_code = 429
    response["Retry-After"] = str(refusal.retry_after_seconds)
    return response


class HomeView(TemplateView):
    """What the portal is for when signed out; what each of the user's roles can do when signed in."""

    template_name = "home.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        if user.is_authenticated:
            cards = selectors.organisation_cards(user)
            for card in cards:
                card["links"] = home.organisation_links(card["access"])
            context["organisations"] = cards
            context["ra_provider"] = ra_provider_for_user(user)
            if context["ra_provider"]:
                context["ra_team_links"] = home.ra_team_links()
            context["is_national_admin"] = is_national_admin(user)
            if context["is_national_admin"]:
                context["national_admin_links"] = home.national_admin_links()
            context["waiting_claims"] = selectors.claims_awaiting_approval(user)
        return context


# --- Signing in and out ----------------------------------------------------------------------


class SignInView(auth_views.LoginView):
    form_class = forms.SignInForm
    template_name = "organisations/login.html"
    redirect_authenticated_user = True


class SignOutView(auth_views.LogoutView):
    """POST only (Django's default): a link or prefetch cannot sign anyone out."""


class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.OutboxPasswordResetForm
    template_name = "organisations/password_reset_form.html"
    success_url = reverse_lazy("organisations:password_reset_done")

    def form_valid(self, form):
        refusal = rate_limits.count_account_email(self.request, address=form.cleaned_data["email"])
        if refusal:
            return too_many_emails(form, refusal, self.form_invalid)
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "organisations/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.NewPasswordForm
    template_name = "organisations/password_reset_confirm.html"
    success_url = reverse_lazy("organisations:password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        services.clear_failed_sign_ins(form.user)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "organisations/password_reset_complete.html"


# --- The team page and invitations -----------------------------------------------------------


def render_team_page(request, organisation, *, invite_form=None, remove_form=None, status=200):
    members = selectors.team_members(organisation)
    invite_form = invite_form or forms.InviteMemberForm()
    context = {
        "organisation": organisation,
        "members": members,
        "admin_count": sum(1 for member in members if member["is_admin"]),
        "invitations": selectors.pending_invitations(organisation),
        "invite_form": invite_form,
        "remove_form": remove_form,
        # Every form on the page, for the error summary and the "Error: " title prefix.
        "forms": [form for form in (remove_form, invite_form) if form is not None],
    }
    return render(request, "organisations/team.html", context, status=status)


class TeamView(OrganisationMemberMixin, View):
    """Members, waiting invitations and the invite form. Organisation admins only."""

    allowed_roles = TEAM_ROLES

    def get(self, request, ods_code):
        return render_team_page(request, self.organisation)

    def post(self, request, ods_code):
        form = forms.InviteMemberForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            refusal = rate_limits.count_account_email(request, address=email, kind="invitations")
            if refusal:
                return too_many_emails(
                    form, refusal, lambda form: render_team_page(request, self.organisation, invite_form=form)
                )
            try:
                invitation = services.invite_member(
                    self.organisation,
                    email=form.cleaned_data["email"],
                    role=form.cleaned_data["role"],
                    invited_by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                role = services.role_phrase(invitation.role)
                messages.success(request, f"Invitation sent to {invitation.email} as {role}.")
                return redirect("organisations:team", ods_code=self.organisation.ods_code)
        return render_team_page(request, self.organisation, invite_form=form, status=400)


class RemoveMembershipView(OrganisationMemberMixin, View):
    allowed_roles = TEAM_ROLES
    http_method_names = ["post"]

    def post(self, request, ods_code):
        form = forms.RemoveMembershipForm(request.POST, organisation=self.organisation)
        if form.is_valid():
            membership = form.cleaned_data["membership"]
            role = services.role_phrase(membership.role)
            description = f"{membership.user.display_name} is no longer {role} at {self.organisation.name}."
            try:
                services.remove_membership(membership, acting_user=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, description)
                return redirect("organisations:team", ods_code=self.organisation.ods_code)
        return render_team_page(request, self.organisation, remove_form=form, status=400)


class CancelInvitationView(OrganisationMemberMixin, View):
    allowed_roles = TEAM_ROLES
    http_method_names = ["post"]

    def post(self, request, ods_code, pk):
        invitation = get_object_or_404(self.organisation.invitations, pk=pk, accepted_at=None)
        services.cancel_invitation(invitation, acting_user=request.user)
        messages.success(request, f"The invitation to {invitation.email} has been withdrawn.")
        return redirect("organisations:team", ods_code=self.organisation.ods_code)


@method_decorator(sensitive_post_parameters("password1", "password2"), name="dispatch")
class AcceptInvitationView(View):
    """Signed-in invitees accept with a button; new people choose a name and password."""

    template_name = "organisations/accept_invitation.html"

    def dispatch(self, request, token):
        try:
            self.invitation = services.invitation_for_token(token)
        except ValidationError as error:
            return render(
                request,
                "organisations/link_problem.html",
                {"expired": error.code == services.LINK_EXPIRED, "kind": "invite", "code": error.code},
            )
        return super().dispatch(request, token)

    def get(self, request, token):
        return self._render(form=forms.AcceptInvitationForm())

    def post(self, request, token):
        user = request.user if request.user.is_authenticated else None
        form = None if user else forms.AcceptInvitationForm(request.POST)
        if form is not None and not form.is_valid():
            return self._render(form=form, status=400)
        try:
            if user:
                membership = services.accept_invitation(token, user=user)
            else:
                data = form.cleaned_data
                membership = services.accept_invitation(
                    token,
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    password=data["password1"],
                )
        except ValidationError as error:
            # A signed-in invitee has no fields to fill in: an empty bound form carries the error.
            form = form or forms.AcceptAsSignedInUserForm(data={})
            form.is_valid()
            add_service_errors(form, error)
            return self._render(form=form, status=400)
        if not user:
            login(request, membership.user, backend=MODEL_BACKEND)
        messages.success(
            request,
            f"You are now {services.role_phrase(membership.role)} at {membership.organisation.name}.",
        )
        return redirect("home")

    def _render(self, *, form, status=200):
        user = self.request.user
        email = self.invitation.email
        context = {
            "invitation": self.invitation,
            "role_phrase": services.role_phrase(self.invitation.role),
            "form": form,
            "signed_in_as_invitee": user.is_authenticated and user.email.lower() == email.lower(),
            "signed_in_as_someone_else": user.is_authenticated and user.email.lower() != email.lower(),
            "account_exists": services.has_confirmed_account(email),
            "sign_in_url": f"{reverse('organisations:login')}?next={self.request.path}",
        }
        return render(self.request, self.template_name, context, status=status)
