"""The readiness wizard: task list, one page per step, check your answers and confirmation.

Views stay thin: they read through ``selectors`` and ``steps`` and write through ``services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.views.generic import FormView, TemplateView

from cis_portal.nhsuk_forms import add_service_errors
from organisations.access import WIZARD_ROLES, OrganisationMemberMixin

from . import selectors, services, steps
from .forms import DetailsCorrectionForm, SubmitAnswersForm

RETURN_TO_CHECK = "check"


def step_url(organisation, step, *, return_to_check: bool = False) -> str:
    url = reverse("onboarding:step", args=[organisation.ods_code, step.slug])
    return f"{url}?return={RETURN_TO_CHECK}" if return_to_check else url


class WizardMixin(OrganisationMemberMixin):
    allowed_roles = WIZARD_ROLES
    # Every wizard page reads the journey: it comes with the membership, not in a query of its own.
    organisation_related = ("readiness_journey",)

    def get_journey(self):
        if not hasattr(self, "_journey"):
            self._journey = selectors.journey_loaded_with(self.organisation)
        return self._journey


class TaskListView(WizardMixin, TemplateView):
    template_name = "onboarding/task_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        journey = self.get_journey()
        rows = steps.section_rows(journey)
        for row in rows:
            row["url"] = (
                step_url(self.organisation, row["step"]) if steps.can_start(row["step"], journey) else ""
            )
        completed = sum(1 for row in rows if row["state"] == steps.SectionState.COMPLETED)
        resume = steps.resume_step(journey)
        context.update(
            journey=journey,
            rows=rows,
            completed_count=completed,
            section_count=len(rows),
            all_completed=steps.all_steps_completed(journey),
            resume_url=step_url(self.organisation, resume) if resume else "",
            resume_step=resume,
        )
        return context


class StepView(WizardMixin, TemplateView):
    """GET shows the saved answers; POST validates, saves through the service, then moves on."""

    def dispatch(self, request, *args, **kwargs):
        self.step = steps.get_step(kwargs["slug"])
        if self.step is None:
            raise Http404("No such question")
        return super().dispatch(request, *args, **kwargs)

    def get_template_names(self):
        return [self.step.template_name]

    @property
    def returning_to_check(self) -> bool:
        return self.request.GET.get("return") == RETURN_TO_CHECK

    def _blocked_redirect(self, journey):
        if not self.step.applies(journey):
            messages.info(self.request, f"You do not need to answer '{self.step.title}' given your answers.")
            return HttpResponseRedirect(reverse("onboarding:task_list", args=[self.organisation.ods_code]))
        if not steps.can_start(self.step, journey):
            messages.info(self.request, f"{self.step.title}: {steps.blocking_reason(self.step, journey)}")
            return HttpResponseRedirect(reverse("onboarding:task_list", args=[self.organisation.ods_code]))
        return None

    def build_form(self, data=None):
        journey = self.get_journey()
        form_class = self.step.get_form_class()
        initial = form_class.initial_from(
            organisation=self.organisation,
            journey=journey,
            answers=journey.answers_for(self.step.slug),
            user=self.request.user,
        )
        initial["version"] = journey.version
        return form_class(data=data, initial=initial, organisation=self.organisation, journey=journey)

    def get(self, request, *args, **kwargs):
        blocked = self._blocked_redirect(self.get_journey())
        if blocked:
            return blocked
        return self.render_to_response(self.get_context_data(form=self.build_form()))

    def post(self, request, *args, **kwargs):
        blocked = self._blocked_redirect(self.get_journey())
        if blocked:
            return blocked
        form = self.build_form(data=request.POST)
        applied_before = {step.slug for step in steps.applicable_steps(self.get_journey())}
        if form.is_valid():
            try:
                journey = services.save_step(
                    self.organisation,
                    step_slug=self.step.slug,
                    answers=form.to_answers(),
                    expected_version=form.cleaned_data["version"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return HttpResponseRedirect(self.next_url(journey, applied_before))
        return self.render_to_response(self.get_context_data(form=form))

    def next_url(self, journey, applied_before: set[str]) -> str:
        check_url = reverse("onboarding:check_answers", args=[self.organisation.ods_code])
        if self.returning_to_check:
            # A changed answer can bring in a question that did not apply before (say, "no RA
            # support yet" brings in the request): ask it, then come back to check your answers.
            brought_in = [
                step
                for step in steps.applicable_steps(journey)
                if step.slug not in applied_before
                and not journey.is_step_completed(step.slug)
                and steps.can_start(step, journey)
            ]
            if brought_in:
                return step_url(self.organisation, brought_in[0], return_to_check=True)
            return check_url
        following = steps.get_step(journey.current_step) if journey.current_step else None
        if following is not None and steps.can_start(following, journey):
            return step_url(self.organisation, following)
        if steps.all_steps_completed(journey):
            return check_url
        return reverse("onboarding:task_list", args=[self.organisation.ods_code])

    def back_url(self, journey) -> str:
        if self.returning_to_check:
            return reverse("onboarding:check_answers", args=[self.organisation.ods_code])
        applicable = steps.applicable_steps(journey)
        slugs = [step.slug for step in applicable]
        if self.step.slug in slugs and slugs.index(self.step.slug) > 0:
            return step_url(self.organisation, applicable[slugs.index(self.step.slug) - 1])
        return reverse("onboarding:task_list", args=[self.organisation.ods_code])

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        journey = self.get_journey()
        section = next(s for s in steps.SECTIONS if self.step.slug in s.steps)
        context.update(
            step=self.step,
            section=section,
            journey=journey,
            back_url=self.back_url(journey),
            submit_label=kwargs["form"].action_label
            or ("Save and return to check your answers" if self.returning_to_check else "Save and continue"),
        )
        context.update(kwargs["form"].page_context())
        return context


class CheckAnswersView(WizardMixin, TemplateView):
    template_name = "onboarding/check_answers.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        journey = self.get_journey()
        groups = []
        for step in steps.applicable_steps(journey):
            answers = journey.answers_for(step.slug)
            completed = journey.is_step_completed(step.slug)
            rows = []
            changeable = steps.can_start(step, journey)
            if completed:
                form_class = step.get_form_class()
                rows = form_class(organisation=self.organisation, journey=journey).summary_rows(answers)
                changeable = changeable and form_class.can_change(answers)
            groups.append(
                {
                    "step": step,
                    "completed": completed,
                    "rows": rows,
                    "change_url": step_url(self.organisation, step, return_to_check=True)
                    if changeable
                    else "",
                }
            )
        context.update(
            journey=journey,
            groups=groups,
            missing=[group["step"] for group in groups if not group["completed"]],
        )
        return context

    def post(self, request, *args, **kwargs):
        form = SubmitAnswersForm(request.POST)
        if form.is_valid():
            try:
                services.submit_journey(
                    self.organisation, expected_version=form.cleaned_data["version"], acting_user=request.user
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return HttpResponseRedirect(
                    reverse("onboarding:confirmation", args=[self.organisation.ods_code])
                )
        return self.render_to_response(self.get_context_data(form=form))


class ConfirmationView(WizardMixin, TemplateView):
    template_name = "onboarding/confirmation.html"

    def get(self, request, *args, **kwargs):
        journey = self.get_journey()
        if not journey.is_submitted:
            return HttpResponseRedirect(
                reverse("onboarding:check_answers", args=[self.organisation.ods_code])
            )
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        journey = self.get_journey()
        context.update(journey=journey, ra_answers=journey.answers_for("ra-request"))
        return context


class DetailsCorrectionView(WizardMixin, FormView):
    """Asks the national administrators, by email, to correct the organisation's name, ODS code or type."""

    template_name = "onboarding/details_correction.html"
    form_class = DetailsCorrectionForm
    organisation_related = ()  # the correction does not read the journey

    def form_valid(self, form):
        try:
            services.request_details_correction(
                self.organisation,
                what_is_wrong=form.cleaned_data["what_is_wrong"],
                acting_user=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            "We have sent your correction to the national administrators. They will reply by email.",
        )
        return HttpResponseRedirect(
            reverse("onboarding:step", args=[self.organisation.ods_code, "organisation-details"])
        )
