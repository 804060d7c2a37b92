from pathlib import PurePath

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.views import View
from django.views.generic import FormView, TemplateView

from cis_portal.fragment_versions import fragment_version
from cis_portal.nhsuk_forms import add_service_errors
from organisations.access import TRAINING_ROLES, OrganisationMemberMixin
from organisations.data_versions import page_cache

from . import csv_io, selectors, services
from .compliance import AMBER_AT_PERCENT, EXPIRING_WINDOW_DAYS, GREEN_AT_PERCENT, TRAINED_STAFF_DEFINITION
from .forms import CompletionForm, LeaverForm, StaffImportForm, StaffMemberForm
from .models import StaffRole

DASHBOARD_LIST_LIMIT = 25
STAFF_PAGE_SIZE = 50
IMPORT_SESSION_KEY = "training_import"


class TrainingMemberMixin(OrganisationMemberMixin):
    allowed_roles = TRAINING_ROLES

    def get_staff_member(self, include_leavers=True):
        # Form views ask in get_initial, get_context_data and form_valid: load the row once.
        if not hasattr(self, "_staff_member"):
            self._staff_member = selectors.get_staff_member(self.organisation, self.kwargs["pk"])
        staff = self._staff_member
        if staff is None or (not include_leavers and not staff.is_active):
            raise Http404("No such member of staff")
        return staff


class DashboardView(TrainingMemberMixin, TemplateView):
    template_name = "training/dashboard.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["figures"] = self.figures_html()
        return context

    def figures_html(self):
        """The figures, rendered once per state of the records: a repeat view of unchanged records
        reads one stamp row and one cached string instead of re-rendering some 60 table rows."""
        today = timezone.localdate()
        summary_key = selectors.summary_cache_key(
            self.organisation, today=today, list_limit=DASHBOARD_LIST_LIMIT
        )
        key = ":".join(
            [
                "training:dashboard",
                fragment_version(FIGURES_TEMPLATES, FIGURES_PRESENTATION_VERSION),
                self.organisation.ods_code,  # in every link
                ",".join(sorted(self.access.roles)),
                translation.get_language(),
                summary_key,
            ]
        )
        figures = page_cache.get(key)
        if figures is None:
            summary = selectors.compliance_summary(
                self.organisation, today=today, list_limit=DASHBOARD_LIST_LIMIT, cache_key=summary_key
            )
            context = {
                "ods_code": self.organisation.ods_code,
                "summary": summary,
                "overdue": summary.overdue,
                "expiring": summary.expiring,
                "list_limit": DASHBOARD_LIST_LIMIT,
                "chart_rows": _chart_rows(summary),
                "green_at": GREEN_AT_PERCENT,
                "amber_at": AMBER_AT_PERCENT,
                "window_days": EXPIRING_WINDOW_DAYS,
                "trained_staff_definition": TRAINED_STAFF_DEFINITION,
            }
            figures = render_to_string(FIGURES_TEMPLATES[0], context)
            page_cache.set(key, figures, FIGURES_CACHE_SECONDS)
        return figures


FIGURES_CACHE_SECONDS = 3600
# The figures fragment and what it includes: a change to either starts a new cache entry.
FIGURES_TEMPLATES = ("training/_dashboard_figures.html", "training/_due_table.html")
# Bump when Python code changes what the figures show (labels, chart geometry) but no template does.
FIGURES_PRESENTATION_VERSION = 1


CHART_BAR_MAX = 300
CHART_ROW_HEIGHT = 46
RAG_FILLS = {"green": "#007f3b", "amber": "#ffb81c", "red": "#d5281b", "none": "#768692"}


def _chart_rows(summary):
    """Positions for the SVG bar chart of per-module compliance (the table shows the same numbers)."""
    rows = []
    for index, entry in enumerate(summary.modules):
        top = index * CHART_ROW_HEIGHT
        width = round(CHART_BAR_MAX * (entry.percent or 0) / 100, 1)
        rows.append(
            {
                "label": entry.module.title,
                "percent": entry.percent,
                "rag": entry.rag,
                "fill": RAG_FILLS[entry.rag],
                "width": width,
                "label_y": top + 14,
                "bar_y": top + 20,
                "value_x": width + 6,
                "value_y": top + 33,
            }
        )
    return {"rows": rows, "height": max(len(rows), 1) * CHART_ROW_HEIGHT, "width": CHART_BAR_MAX + 140}


class StaffListView(TrainingMemberMixin, TemplateView):
    template_name = "training/staff_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        show_leavers = self.request.GET.get("show") == "leavers"
        staff = selectors.staff_for_organisation(self.organisation, include_leavers=True)
        staff = staff.filter(left_on__isnull=not show_leavers)
        page = Paginator(staff, STAFF_PAGE_SIZE).get_page(self.request.GET.get("page"))
        statuses = selectors.statuses_for_staff_members(page.object_list) if not show_leavers else {}
        rows = []
        for member in page.object_list:
            member_statuses = [status for _, status in statuses.get(member.pk, [])]
            rows.append(
                {
                    "staff": member,
                    "compliant": sum(1 for s in member_statuses if s.is_compliant),
                    "applicable": len(member_statuses),
                    "needs_action": [s for s in member_statuses if not s.is_compliant],
                }
            )
        context.update(page=page, rows=rows, show_leavers=show_leavers)
        return context


class StaffCreateView(TrainingMemberMixin, FormView):
    template_name = "training/staff_form.html"
    form_class = StaffMemberForm

    def form_valid(self, form):
        try:
            staff = services.add_staff_member(
                self.organisation, acting_user=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{staff.full_name} was added to your staff list")
        return redirect("training:staff_detail", ods_code=self.organisation.ods_code, pk=staff.pk)


class StaffUpdateView(TrainingMemberMixin, FormView):
    template_name = "training/staff_form.html"
    form_class = StaffMemberForm

    def get_initial(self):
        staff = self.get_staff_member()
        return {
            "full_name": staff.full_name,
            "email": staff.email,
            "role": staff.role,
            "employment_type": staff.employment_type,
            "supplier_name": staff.supplier_name,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["staff"] = self.get_staff_member()
        return context

    def form_valid(self, form):
        staff = self.get_staff_member()
        try:
            services.update_staff_member(staff, acting_user=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{staff.full_name}'s details were updated")
        return redirect("training:staff_detail", ods_code=self.organisation.ods_code, pk=staff.pk)


class StaffDetailView(TrainingMemberMixin, TemplateView):
    template_name = "training/staff_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        staff = self.get_staff_member()
        statuses = selectors.statuses_for_staff_members([staff]) if staff.is_active else {}
        context.update(
            staff=staff,
            statuses=statuses.get(staff.pk, []),
            completions=selectors.completions_for_staff_member(staff),
        )
        return context


class StaffLeaveView(TrainingMemberMixin, FormView):
    template_name = "training/staff_leave.html"
    form_class = LeaverForm

    def get_initial(self):
        return {"left_on": timezone.localdate()}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["staff"] = self.get_staff_member(include_leavers=False)
        return context

    def form_valid(self, form):
        staff = self.get_staff_member(include_leavers=False)
        try:
            services.mark_staff_member_left(
                staff, left_on=form.cleaned_data["left_on"], acting_user=self.request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, f"{staff.full_name} is recorded as having left")
        return redirect("training:staff_list", ods_code=self.organisation.ods_code)


class StaffReinstateView(TrainingMemberMixin, View):
    def post(self, request, *args, **kwargs):
        staff = self.get_staff_member()
        services.reinstate_staff_member(staff, acting_user=request.user)
        messages.success(request, f"{staff.full_name} is back on your active staff list")
        return redirect("training:staff_detail", ods_code=self.organisation.ods_code, pk=staff.pk)


class CompletionCreateView(TrainingMemberMixin, FormView):
    template_name = "training/completion_form.html"
    form_class = CompletionForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["staff_queryset"] = selectors.staff_for_organisation(self.organisation)
        return kwargs

    def get_initial(self):
        initial = {"completed_on": timezone.localdate()}
        staff_id = self.request.GET.get("staff", "")
        if staff_id.isdigit():
            initial["staff"] = [int(staff_id)]
        return initial

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            completions = services.record_completions(
                list(data["staff"]),
                module_version=data["module_version"],
                completed_on=data["completed_on"],
                method=data["method"],
                evidence_note=data["evidence_note"],
                evidence_file=data["evidence_file"],
                acting_user=self.request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        people = "1 person" if len(completions) == 1 else f"{len(completions)} people"
        messages.success(self.request, f"Training recorded for {people}: {data['module_version']}")
        if len(completions) == 1:
            return redirect(
                "training:staff_detail", ods_code=self.organisation.ods_code, pk=completions[0].staff_id
            )
        return redirect("training:staff_list", ods_code=self.organisation.ods_code)


class StaffImportView(TrainingMemberMixin, FormView):
    """Upload a CSV and see every row checked. Nothing is saved until the import is confirmed."""

    template_name = "training/staff_import.html"
    form_class = StaffImportForm

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["roles"] = StaffRole.choices
        return context

    def form_valid(self, form):
        try:
            rows = csv_io.read_rows(form.cleaned_data["file"].read())
        except csv_io.ImportFileError as error:
            form.add_error("file", str(error))
            return self.form_invalid(form)
        previews = csv_io.preview(self.organisation, rows)
        valid = all(item.is_valid for item in previews)
        # Only the checked values are kept, in the user's own session and tied to this organisation.
        if valid:
            self.request.session[IMPORT_SESSION_KEY] = {"organisation": self.organisation.pk, "rows": rows}
        else:
            self.request.session.pop(IMPORT_SESSION_KEY, None)
        return self.render_to_response(
            self.get_context_data(
                form=StaffImportForm(),
                previews=previews,
                valid=valid,
                error_count=sum(1 for item in previews if not item.is_valid),
            )
        )


class StaffImportConfirmView(TrainingMemberMixin, View):
    def post(self, request, *args, **kwargs):
        pending = request.session.get(IMPORT_SESSION_KEY)
        import_url = reverse("training:staff_import", args=[self.organisation.ods_code])
        if not pending or pending.get("organisation") != self.organisation.pk:
            messages.error(request, "There is no checked file waiting to be imported: upload it again")
            return redirect(import_url)
        try:
            created = services.import_staff_members(
                self.organisation, rows=pending["rows"], acting_user=request.user
            )
        except ValidationError as error:
            request.session.pop(IMPORT_SESSION_KEY, None)
            messages.error(request, "Nothing was imported. " + " ".join(error.messages))
            return redirect(import_url)
        request.session.pop(IMPORT_SESSION_KEY, None)
        messages.success(request, f"{len(created)} staff records were imported")
        return redirect("training:staff_list", ods_code=self.organisation.ods_code)


class StaffImportTemplateView(TrainingMemberMixin, View):
    def get(self, request, *args, **kwargs):
        response = HttpResponse(csv_io.template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="staff-import-template.csv"'
        return response


class StaffExportView(TrainingMemberMixin, View):
    def get(self, request, *args, **kwargs):
        staff = selectors.staff_for_organisation(self.organisation, include_leavers=True)
        response = HttpResponse(csv_io.export_csv(staff), content_type="text/csv; charset=utf-8")
        filename = f"training-staff-{self.organisation.ods_code}-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response


class EvidenceDownloadView(TrainingMemberMixin, View):
    """The evidence file kept with a completion, only for the organisation's own members."""

    def get(self, request, *args, **kwargs):
        completion = selectors.completion_with_evidence(self.organisation, self.kwargs["pk"])
        if completion is None:
            raise Http404("No such evidence")
        suffix = PurePath(completion.evidence_file.name).suffix
        filename = f"evidence-{completion.staff.full_name}-{completion.completed_on:%Y-%m-%d}{suffix}"
        try:
            evidence = completion.evidence_file.open("rb")
        except FileNotFoundError as error:  # the row outlived its file (restored database, cleared storage)
            raise Http404("The evidence file is no longer stored") from error
        return FileResponse(evidence, as_attachment=True, filename=filename)


class ModuleListView(TrainingMemberMixin, TemplateView):
    template_name = "training/modules.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["modules"] = selectors.active_modules()
        return context
