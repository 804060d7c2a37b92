"""The triage list's table, rendered row by row from the requests the page already loaded.

Django's ``result_list`` tag asks each of the 50 x 10 cells in turn what its field is, how to
display it, whether it links and where to (a URL reverse per link), then escapes it through the
lazy-string machinery: about a third of the page's time. Here each column says once how its cell is
written and what goes in it; the markup is Django's own (classes, the checkbox and its label, a
``th`` for the first link), so the admin's stylesheets and scripts and the accessibility fixes apply.
"""

import html
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.admin import helpers
from django.contrib.admin.templatetags.admin_list import result_headers
from django.contrib.admin.templatetags.admin_urls import add_preserved_filters
from django.contrib.admin.views.main import ChangeList
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.safestring import SafeString, mark_safe

from ..models import RARequest, Status

STATUS_LABELS = dict(Status.choices)
EMPTY = "-"  # the admin's empty_value_display


def describe_age(age) -> str:
    if age.days >= 1:
        return f"{age.days} day{'s' if age.days != 1 else ''}"
    hours = age.seconds // 3600
    return f"{hours} hour{'s' if hours != 1 else ''}" if hours else "under an hour"


def age_changes_at(created_at: datetime, now: datetime) -> datetime:
    """When ``describe_age(now - created_at)`` next reads differently: the next whole hour of age,
    or after a day, the next whole day."""
    age = now - created_at
    if age < timedelta(0):
        return created_at
    if age.days >= 1:
        return created_at + timedelta(days=age.days + 1)
    return created_at + timedelta(hours=age.seconds // 3600 + 1)


def help_summary(ra_request: RARequest) -> str:
    return "; ".join(ra_request.help_needed_labels)


PAUSED = mark_safe('<span class="ra-sla ra-sla--paused">Paused</span>')
OVERDUE = '<span class="ra-sla ra-sla--overdue">Overdue</span> '


def sla_due_html(ra_request: RARequest, now: datetime) -> SafeString:
    """The current deadline in words, in ``now``'s time zone (``timezone.localtime()``); "Overdue"
    and "Paused" are marked in words as well as colour."""
    if ra_request.is_paused:
        return PAUSED
    due = ra_request.sla_due_at()
    if due is None:
        return mark_safe("Closed")
    words = f"{ra_request.next_target.capitalize()} by {due.astimezone(now.tzinfo):%-d %b %Y %H:%M}"
    # Fixed words and a date: nothing to escape.
    return mark_safe(OVERDUE + words if ra_request.is_overdue(now) else words)  # noqa: S308


def _html(value) -> str:
    """``conditional_escape`` without its lazy-string wrapper, which costs more than the escaping
    itself at 500 cells a page."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


@dataclass(frozen=True)
class Page:
    """What every row of one page shares: the time, and the change link around a request's id."""

    now: datetime
    link_head: str
    link_tail: str

    def change_link(self, ra_request: RARequest, text) -> str:
        return f'<a href="{self.link_head}{ra_request.pk}{self.link_tail}">{_html(text)}</a>'


# Each list_display column: how its cell is written (Django's markup for it), and its content
# (already HTML). A column added to list_display needs a line here; the tests render every column.
CELLS = {
    "action_checkbox": lambda r, page: (
        '<td class="action-checkbox"><input type="checkbox" name="'
        + helpers.ACTION_CHECKBOX_NAME
        + f'" value="{r.pk}" class="action-select" '
        f'aria-label="Select this object for an action - {r.reference}"></td>'
    ),
    "reference": lambda r, page: f'<th class="field-reference">{page.change_link(r, r.reference)}</th>',
    "ods_code": lambda r, page: (
        f'<td class="field-ods_code">{page.change_link(r, r.organisation.ods_code)}</td>'
    ),
    "organisation_name": lambda r, page: (
        f'<td class="field-organisation_name">{_html(r.organisation.name)}</td>'
    ),
    "status_tag": lambda r, page: f'<td class="field-status_tag">{_html(STATUS_LABELS[r.status])}</td>',
    "help_summary": lambda r, page: f'<td class="field-help_summary">{_html(help_summary(r))}</td>',
    "provider": lambda r, page: f'<td class="field-provider nowrap">{_html(r.provider.name)}</td>',
    "age": lambda r, page: f'<td class="field-age">{describe_age(page.now - r.created_at)}</td>',
    "sla_due": lambda r, page: f'<td class="field-sla_due">{sla_due_html(r, page.now)}</td>',
    "assigned_to": lambda r, page: (
        f'<td class="field-assigned_to nowrap">{_html(r.assigned_to or EMPTY)}</td>'
    ),
}


# What the rows read: the page loads these columns only (a request alone has 28).
ROW_FIELDS = [
    "created_at",
    "status",
    "help_needed",
    "acknowledge_due_at",
    "resolve_due_at",
    "organisation__ods_code",
    "organisation__name",
    "provider__name",
    "assigned_to__first_name",
    "assigned_to__last_name",
    "assigned_to__email",
]


class TriageChangeList(ChangeList):
    """Django's change list, with the table's headers and rows prepared for
    ``admin/ra_requests/rarequest/triage_table.html``."""

    def get_results(self, request):
        super().get_results(request)
        # Only the page's rows: actions and counts use get_queryset and need every field.
        self.result_list = self.result_list.only(*self.list_select_related, *ROW_FIELDS)

    @cached_property
    def headers(self) -> list[dict]:
        return list(result_headers(self))

    @cached_property
    def num_sorted_fields(self) -> int:
        return sum(1 for header in self.headers if header["sortable"] and header["sorted"])

    @cached_property
    def rows(self) -> list[SafeString]:
        cells = [CELLS[name] for name in self.list_display]
        page = self._page()
        # Each cell escapes what it shows (_html), or shows only digits and fixed words.
        return [mark_safe("".join(cell(r, page) for cell in cells)) for r in self.result_list]  # noqa: S308

    def rows_change_at(self) -> datetime | None:
        """When the rows, as written, stop being true with no write: a request's age reads
        differently, or its deadline passes and it turns overdue. None: only a write changes them."""
        now, moments = self.now, []
        for ra_request in self.result_list:
            moments.append(age_changes_at(ra_request.created_at, now))
            due = ra_request.sla_due_at()
            if due is not None and not ra_request.is_paused and due >= now:
                moments.append(due)
        return min(moments, default=None)

    @cached_property
    def now(self) -> datetime:
        """The moment the rows are written for, in the current time zone."""
        return timezone.localtime()

    def _page(self) -> Page:
        sentinel = "ra-request-id"  # survives reversing and quoting unchanged
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            args=[sentinel],
            current_app=self.model_admin.admin_site.name,
        )
        url = add_preserved_filters({"preserved_filters": self.preserved_filters, "opts": self.opts}, url)
        # The first occurrence is the path's: a search for the sentinel itself comes after it.
        head, _, tail = html.escape(url).partition(sentinel)
        return Page(now=self.now, link_head=head, link_tail=tail)
