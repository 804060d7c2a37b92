"""The organisation's plan: overview, printable view, matrix and CSV export."""

import csv

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.views import View
from django.views.generic import TemplateView

from cis_portal.fragment_versions import fragment_version
from organisations.access import PLAN_ROLES, OrganisationMemberMixin
from organisations.data_versions import cached
from organisations.models import Organisation

from .. import rules, selectors
from ..presentation import matrix_rows


class PlanView(OrganisationMemberMixin, TemplateView):
    template_name = "authenticators/plan.html"
    allowed_roles = PLAN_ROLES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["plan_body"] = plan_body_html(self.organisation, can_edit=self.access.plan)
        return context


class PrintView(OrganisationMemberMixin, TemplateView):
    template_name = "authenticators/print.html"
    allowed_roles = PLAN_ROLES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summary = selectors.plan_summary(self.organisation)
        context.update(summary=summary, estate_answers=estate_answers(summary.estate))
        return context


# The body and what it includes: a change to any of them starts new cache entries.
PLAN_BODY_TEMPLATES = (
    "authenticators/_plan_body.html",
    "authenticators/includes/warnings.html",
    "authenticators/includes/recommendation.html",
    "authenticators/includes/shopping_list.html",
)
# Bump when Python code changes what the body shows (estate questions and answers, links) but no
# template does.
PLAN_BODY_PRESENTATION_VERSION = 1


def plan_body_html(organisation: Organisation, *, can_edit: bool) -> str:
    """The plan page's body, rendered once per state of the organisation's plan and the catalogue:
    a repeat view reads one data version and one cached string instead of the plan and some 20 links.

    It depends on the viewer only through ``can_edit`` (the editing links), and holds nothing about
    the request (no CSRF token, no messages, no user).
    """

    def render() -> str:
        summary = selectors.plan_summary(organisation)
        return render_to_string(
            PLAN_BODY_TEMPLATES[0],
            {
                "organisation": organisation,
                "summary": summary,
                "can_edit": can_edit,
                "estate_answers": estate_answers(summary.estate),
                "links": plan_links(organisation.ods_code, can_edit),
                "group_links": [group_links(organisation.ods_code, g, can_edit) for g in summary.groups],
            },
        )

    return cached(
        "plan-page-body",
        organisation.pk,
        render,
        parts=(
            "editor" if can_edit else "reader",
            translation.get_language(),
            fragment_version(PLAN_BODY_TEMPLATES, PLAN_BODY_PRESENTATION_VERSION),
        ),
    )


PAGE_LINKS = ("matrix", "print", "csv")
EDITING_LINKS = ("inventory", "estate", "group_add")


def plan_links(ods_code: str, can_edit: bool) -> dict[str, str]:
    """The plan page's links, each reversed once here rather than by a ``{% url %}`` tag."""
    names = PAGE_LINKS + EDITING_LINKS if can_edit else PAGE_LINKS
    return {name: reverse(f"authenticators:{name}", args=[ods_code]) for name in names}


def group_links(ods_code: str, group, can_edit: bool) -> dict:
    """A group's card on the plan page: the group and, for an editor, its three links."""
    if not can_edit:
        return {"group": group}
    args = [ods_code, group.group_id]
    return {
        "group": group,
        "choose": reverse("authenticators:choose", args=args),
        "edit": reverse("authenticators:group_edit", args=args),
        "remove": reverse("authenticators:group_remove", args=args),
    }


class MatrixView(OrganisationMemberMixin, TemplateView):
    template_name = "authenticators/matrix.html"
    allowed_roles = PLAN_ROLES

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        summary = selectors.plan_summary(self.organisation)
        context.update(summary=summary, result=summary.overall, rows=matrix_rows(summary.overall))
        return context


class CsvExportView(OrganisationMemberMixin, View):
    allowed_roles = PLAN_ROLES

    def get(self, request, *args, **kwargs):
        summary = selectors.plan_summary(self.organisation)
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="authenticator-plan-{self.organisation.ods_code}.csv"'
        )
        writer = csv.writer(response)
        writer.writerow(["Section", "Group", "Item", "Quantity", "Authenticators", "Notes"])
        for group in summary.groups:
            writer.writerow(
                safe_row(
                    [
                        "User group",
                        group.name,
                        "; ".join(a.name for a in group.applications),
                        group.head_count,
                        "; ".join(summary.authenticator_name(s) for s in group.effective),
                        ("Chosen" if group.has_chosen else "Recommended (not yet chosen)")
                        + (f". Leaves uncovered: {'; '.join(group.uncovered)}" if group.uncovered else ""),
                    ]
                )
            )
        for item in summary.shopping_list:
            writer.writerow(
                safe_row(
                    [
                        f"Shopping list: {item.category}",
                        "",
                        item.description,
                        "" if item.quantity is None else item.quantity,
                        "; ".join(summary.authenticator_name(s) for s in item.authenticators),
                        "Already in place" if item.in_place else "",
                    ]
                )
            )
        for warning in summary.warnings:
            writer.writerow(safe_row(["Warning", "", warning.message, "", "", ""]))
        return response


def safe_row(values):
    """Stops a spreadsheet treating user-entered text (group and application names) as a formula."""
    return [
        f"'{v}" if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r") else v for v in values
    ]


def estate_answers(estate: rules.EstateFacts):
    words = {True: "Yes", False: "No", None: "Not sure"}
    return [(question, words[getattr(estate, name)]) for name, question in rules.ESTATE_QUESTIONS.items()]
