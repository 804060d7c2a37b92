"""The directory health page for national administrators: filters, CSV export, inviting RA team members."""

import csv

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cis_portal.nhsuk_forms import add_service_errors
from organisations.access import is_national_admin
from organisations.services.ra_teams import invite_ra_team_member

from .directory_health import directory_health, provider_regions
from .health_forms import HealthFilterForm, InviteRATeamMemberForm


def _national_admin_only(request):
    if not is_national_admin(request.user):
        raise PermissionDenied("Only national administrators can see directory health")


def _filtered_rows(filter_form):
    data = filter_form.cleaned_data if filter_form.is_valid() else {}
    return directory_health(
        state=data.get("state", ""), kind=data.get("kind", ""), region=data.get("region", "")
    )


@login_required
@require_http_methods(["GET", "POST"])
def health(request):
    _national_admin_only(request)
    filter_form = HealthFilterForm(request.GET, regions=provider_regions())
    invite_form = InviteRATeamMemberForm(request.POST or None)
    if request.method == "POST" and invite_form.is_valid():
        data = invite_form.cleaned_data
        try:
            invite_ra_team_member(
                data["provider"],
                email=data["email"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                acting_user=request.user,
            )
        except ValidationError as error:
            add_service_errors(invite_form, error)
        else:
            messages.success(
                request, f"{data['email']} is now in {data['provider'].name}'s RA team and has been emailed."
            )
            return redirect(request.get_full_path())
    rows = _filtered_rows(filter_form)
    return render(
        request,
        "ra_requests/directory_health.html",
        {
            "rows": rows,
            "filter_form": filter_form,
            "form": invite_form,
            "csv_query": request.GET.urlencode(),
        },
    )


@login_required
@require_GET
def health_csv(request):
    _national_admin_only(request)
    rows = _filtered_rows(HealthFilterForm(request.GET, regions=provider_regions()))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="ra-directory-health-{timezone.localdate():%Y-%m-%d}.csv"'
    )
    writer = csv.writer(response)
    writer.writerow(
        [
            "ODS code",
            "Provider",
            "Kind",
            "Region",
            "State",
            "Last confirmed",
            "RA contact email",
            "Registered organisations",
            "GP practices in open data",
            "Open requests",
        ]
    )
    for row in rows:
        writer.writerow(
            [
                row.provider.ods_code,
                row.provider.name,
                row.provider.get_kind_display(),
                row.provider.region,
                row.entry.label,
                row.entry.confirmed_at.date().isoformat() if row.entry.confirmed_at else "",
                row.provider.ra_contact_email,
                row.registered_organisations,
                row.known_practices,
                row.open_requests,
            ]
        )
    return response
