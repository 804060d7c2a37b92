"""Pages where organisation admins and IT leads change the plan; each write goes through services."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import FormView

from organisations.access import PLAN_ROLES, OrganisationMemberMixin

from .. import rules, selectors, services
from ..forms import (
    ChooseAuthenticatorsForm,
    EstateForm,
    InventoryForm,
    LocalApplicationForm,
    UserGroupForm,
    tri_state_initial,
)
from ..models import Application, UserGroup
from ..presentation import application_sections, checkbox_options, matrix_rows


class PlanEditorMixin(OrganisationMemberMixin):
    allowed_roles = PLAN_ROLES


class ServiceFormMixin:
    """Feeds a service's ValidationError back into the form so the error summary shows it."""

    def form_valid(self, form):
        try:
            self.perform(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        return HttpResponseRedirect(self.get_success_url())

    def get_success_url(self):
        return reverse("authenticators:plan", args=[self.organisation.ods_code])


class InventoryView(PlanEditorMixin, ServiceFormMixin, FormView):
    template_name = "authenticators/inventory.html"
    form_class = InventoryForm

    @cached_property
    def catalogue(self):
        return list(selectors.catalogue_applications())

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "catalogue": self.catalogue}

    def get_initial(self):
        inventory = selectors.inventory_for(self.organisation)
        return {"applications": [a.slug for a in inventory if not a.is_local]}

    def perform(self, form):
        services.save_application_inventory(
            self.organisation,
            catalogue_slugs=form.cleaned_data["applications"],
            acting_user=self.request.user,
        )
        messages.success(self.request, "Application inventory saved")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        selected = set(form["applications"].value() or [])
        context["sections"] = application_sections("applications", self.catalogue, selected)
        context["local_applications"] = Application.objects.local_to(self.organisation).order_by("name")
        return context


class LocalApplicationCreateView(PlanEditorMixin, ServiceFormMixin, FormView):
    template_name = "authenticators/local_application_form.html"
    form_class = LocalApplicationForm

    def perform(self, form):
        application = services.add_local_application(
            self.organisation,
            name=form.cleaned_data["name"],
            supplier=form.cleaned_data["supplier"],
            cis_generation=form.cleaned_data["cis_generation"],
            min_aal=form.cleaned_data["min_aal"],
            acting_user=self.request.user,
        )
        messages.success(self.request, f"{application.name} added to your applications")

    def get_success_url(self):
        return reverse("authenticators:inventory", args=[self.organisation.ods_code])


class LocalApplicationDeleteView(PlanEditorMixin, View):
    """GET asks "are you sure?"; POST removes the application."""

    def get(self, request, *args, pk, **kwargs):
        application = get_object_or_404(Application.objects.local_to(self.organisation), pk=pk)
        return render(
            request,
            "authenticators/confirm_remove.html",
            {
                "organisation": self.organisation,
                "thing": application.name,
                "consequence": "It will also be taken out of any staff group that uses it.",
                "cancel_url": reverse("authenticators:inventory", args=[self.organisation.ods_code]),
            },
        )

    def post(self, request, *args, pk, **kwargs):
        application = get_object_or_404(Application.objects.local_to(self.organisation), pk=pk)
        services.remove_local_application(
            application, organisation=self.organisation, acting_user=request.user
        )
        messages.success(request, f"{application.name} removed")
        return HttpResponseRedirect(reverse("authenticators:inventory", args=[self.organisation.ods_code]))


class EstateView(PlanEditorMixin, ServiceFormMixin, FormView):
    template_name = "authenticators/estate.html"
    form_class = EstateForm

    def get_initial(self):
        estate = selectors.estate_for(self.organisation)
        return {name: tri_state_initial(getattr(estate, name)) for name in rules.ESTATE_QUESTIONS}

    def perform(self, form):
        services.save_estate_facts(self.organisation, acting_user=self.request.user, **form.facts())
        messages.success(self.request, "Estate facts saved")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context["questions"] = [form[name] for name in rules.ESTATE_QUESTIONS]
        return context


class UserGroupFormView(PlanEditorMixin, ServiceFormMixin, FormView):
    template_name = "authenticators/group_form.html"
    form_class = UserGroupForm
    group = None

    def setup_group(self):
        pk = self.kwargs.get("pk")
        if pk is not None and self.group is None:
            self.group = get_object_or_404(UserGroup, organisation=self.organisation, pk=pk)

    def get_form_kwargs(self):
        self.setup_group()
        self.inventory = list(selectors.inventory_for(self.organisation))
        return {**super().get_form_kwargs(), "inventory": self.inventory}

    def get_initial(self):
        self.setup_group()
        if self.group is None:
            return {}
        return {
            "name": self.group.name,
            "head_count": self.group.head_count,
            "applications": [a.slug for a in self.group.applications.all()],
        }

    def perform(self, form):
        group = services.save_user_group(
            self.organisation,
            group=self.group,
            name=form.cleaned_data["name"],
            head_count=form.cleaned_data["head_count"],
            application_slugs=form.cleaned_data["applications"],
            acting_user=self.request.user,
        )
        messages.success(self.request, f"{group.name} saved")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        selected = set(form["applications"].value() or [])
        context["group"] = self.group
        context["application_options"] = checkbox_options("applications", self.inventory, selected)
        return context


class UserGroupDeleteView(PlanEditorMixin, View):
    """GET asks "are you sure?"; POST removes the group and its chosen authenticators."""

    def get(self, request, *args, pk, **kwargs):
        group = get_object_or_404(UserGroup, organisation=self.organisation, pk=pk)
        return render(
            request,
            "authenticators/confirm_remove.html",
            {
                "organisation": self.organisation,
                "thing": f"the {group.name} group",
                "consequence": "Its chosen authenticators will be removed from the plan too.",
                "cancel_url": reverse("authenticators:plan", args=[self.organisation.ods_code]),
            },
        )

    def post(self, request, *args, pk, **kwargs):
        group = get_object_or_404(UserGroup, organisation=self.organisation, pk=pk)
        services.delete_user_group(group, organisation=self.organisation, acting_user=request.user)
        messages.success(request, f"{group.name} removed")
        return HttpResponseRedirect(reverse("authenticators:plan", args=[self.organisation.ods_code]))


class ChooseAuthenticatorsView(PlanEditorMixin, ServiceFormMixin, FormView):
    template_name = "authenticators/choose.html"
    form_class = ChooseAuthenticatorsForm

    def get_form_kwargs(self):
        self.group = get_object_or_404(UserGroup, organisation=self.organisation, pk=self.kwargs["pk"])
        self.summary = selectors.plan_summary(self.organisation)
        self.group_plan = next(g for g in self.summary.groups if g.group_id == self.group.pk)
        return {
            **super().get_form_kwargs(),
            "authenticators": self.summary.authenticators,
            "group_plan": self.group_plan,
        }

    def get_initial(self):
        return {"authenticators": list(self.group_plan.effective)}

    def perform(self, form):
        services.choose_authenticators(
            self.group, authenticator_slugs=form.cleaned_data["authenticators"], acting_user=self.request.user
        )
        names = selectors.uncovered_application_names(
            form.cleaned_data["authenticators"],
            self.group_plan.applications,
            self.summary.authenticators,
            self.summary.estate,
        )
        if names:
            messages.warning(
                self.request,
                f"Plan saved for {self.group.name}, but it leaves these applications uncovered: "
                f"{', '.join(names)}",
            )
        else:
            messages.success(self.request, f"Plan saved for {self.group.name}")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        selected = set(form["authenticators"].value() or [])
        result = self.group_plan.recommendation
        options = []
        for index, authenticator in enumerate(result.authenticators):
            usable = [r.application.name for r in result.rows if r.verdicts[index].usable]
            hint = f"Covers: {', '.join(usable)}" if usable else "Covers none of this group's applications"
            if authenticator.slug in result.recommended:
                hint = "Recommended. " + hint
            options.append(
                {
                    "value": authenticator.slug,
                    "label": f"{authenticator.label} ({authenticator.aal})",
                    "hint": hint,
                    "checked": authenticator.slug in selected,
                    "id": f"id_authenticators_{index}",
                }
            )
        context.update(
            group=self.group,
            group_plan=self.group_plan,
            result=result,
            rows=matrix_rows(result),
            authenticator_options=options,
        )
        return context
