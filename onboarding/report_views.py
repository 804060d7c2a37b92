"""Readiness summary, organisation timeline and the ICB overview (with CSV export)."""

from __future__ import annotations

import csv
from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from organisations.access import REPORT_ROLES, OrganisationMemberMixin, ra_provider_for_user
from organisations.models import Organisation

from . import overview, readiness, selectors
from .models import ReadinessStatus


class SummaryView(OrganisationMemberMixin, TemplateView):
    """Computed live on every view; status changes reach the timeline through a periodic job."""

    allowed_roles = REPORT_ROLES
    template_name = "onboarding/summary.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summary = selectors.readiness_summary(self.organisation)
        context.update(
            summary=summary,
            actions=[self.action_link(item) for item in summary.actions],
            cis1_retirement_date=readiness.CIS1_RETIREMENT_DATE,
        )
        return context

    # Where an action's own link (a wizard step, an RA request) is not this user's to open, the part's
    # own page may be: an IT lead plans authenticators and keeps training records, but not in the wizard.
    OTHER_WAY = {
        "plan": ("authenticators:plan", "Go to your authenticator plan"),
        "cis1": ("authenticators:plan", "Go to your authenticator plan"),
        "training": ("training:staff_list", "Go to your technical support staff"),
    }

    def action_link(self, item) -> tuple:
        """(item, url, label): the link this user may follow for the action, or no link."""
        if item.action_url and self.access.may_open(item.action_url):
            return item, item.action_url, item.action_label
        if item.key in self.OTHER_WAY:
            name, label = self.OTHER_WAY[item.key]
            url = reverse(name, args=[self.organisation.ods_code])
            if self.access.may_open(url):
                return item, url, label
        return item, "", ""


class TimelineView(OrganisationMemberMixin, TemplateView):
    allowed_roles = REPORT_ROLES
    template_name = "onboarding/timeline.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        category = self.request.GET.get("category", "")
        if category not in selectors.TIMELINE_CATEGORIES:
            category = ""
        events = selectors.organisation_timeline(self.organisation, category=category)
        context.update(
            entries=[
                {
                    "event": event,
                    "url": event.url if self.access.may_open(event.url) else "",
                    "category_label": selectors.TIMELINE_CATEGORIES.get(event.category, event.category),
                }
                for event in events
            ],
            categories=selectors.TIMELINE_CATEGORIES,
            category=category,
        )
        return context


class RATeamMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.provider = ra_provider_for_user(request.user)
        if self.provider is None:
            raise PermissionDenied("Only RA team members can see the ICB overview")
        return super().dispatch(request, *args, **kwargs)

    def organisation_type(self) -> str:
        value = self.request.GET.get("organisation_type", "")
        return value if value in Organisation.OrganisationType.values else ""

    def status(self) -> str:
        value = self.request.GET.get("status", "")
        return value if value in ReadinessStatus.values else ""

    def filters(self) -> dict:
        return {
            key: value
            for key, value in (("organisation_type", self.organisation_type()), ("status", self.status()))
            if value
        }

    def rows(self, result) -> list:
        status = self.status()
        return result.rows_with_status(status) if status else list(result.rows)


class ICBOverviewView(RATeamMixin, TemplateView):
    """Counts over every organisation; the list itself a page of ``paginate_by`` at a time."""

    template_name = "onboarding/icb_overview.html"
    paginate_by = 100

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organisation_type = self.organisation_type()
        result = overview.icb_overview(self.provider, organisation_type=organisation_type)
        page = Paginator(self.rows(result), self.paginate_by).get_page(self.request.GET.get("page"))
        query = self.filters()
        context.update(
            overview=result,
            page=page,
            status=self.status(),
            status_label=ReadinessStatus(self.status()).label if self.status() else "",
            status_links=[
                (value, label, count, "?" + urlencode({**query, "status": value}))
                for value, label, count in result.counts
            ],
            csv_query=f"?{urlencode(query)}" if query else "",
            organisation_types=Organisation.OrganisationType.choices,
            organisation_type=organisation_type,
            organisation_type_label=dict(Organisation.OrganisationType.choices).get(organisation_type, ""),
            statuses=ReadinessStatus,
        )
        return context


def _safe_cell(value) -> str:
    """Stops a spreadsheet treating text from the portal as a formula."""
    text = str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


CSV_HEADER = [
    "ODS code",
    "Organisation",
    "Type",
    "ICB",
    "Readiness",
    "RA support",
    "Authenticator plan",
    "Technical support staff in date for every module that applies to them (%)",
    "CIS1 applications",
    "Applications without a way to sign in",
]


class ICBOverviewCSVView(RATeamMixin, View):
    def get(self, request, *args, **kwargs):
        result = overview.icb_overview(self.provider, organisation_type=self.organisation_type())
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        filename = f"cis-readiness-{self.provider.ods_code}-{timezone.localdate():%Y-%m-%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        writer = csv.writer(response)
        writer.writerow(CSV_HEADER)
        plan_labels = {
            readiness.ItemState.MET: "Covers every application",
            readiness.ItemState.PARTLY_MET: "Leaves applications uncovered",
            readiness.ItemState.MISSING: "No plan",
        }
        for row in self.rows(result):
            organisation = row.organisation
            writer.writerow(
                [
                    _safe_cell(value)
                    for value in (
                        organisation.ods_code,
                        organisation.name,
                        organisation.get_organisation_type_display(),
                        organisation.icb.name,
                        row.status_label,
                        row.ra_detail,
                        plan_labels[row.plan_state],
                        row.trained_staff.percent_text.rstrip("%"),
                        "; ".join(row.cis1_applications),
                        "; ".join(row.uncovered_applications),
                    )
                ]
            )
        return response
