"""An RA team member keeps their provider's public directory entry on an NHS-styled page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from cis_portal.nhsuk_forms import add_service_errors

from .access import ra_provider_for_user
from .directory_entries import entry_status
from .directory_forms import DirectoryEntryForm
from .services import directory_entries


def _own_provider(request):
    provider = ra_provider_for_user(request.user)
    if provider is None:
        raise Http404("Only RA team members keep a directory entry")
    return provider


@login_required
@require_http_methods(["GET", "POST"])
def directory_entry(request):
    provider = _own_provider(request)
    form = DirectoryEntryForm(request.POST or None, instance=provider)
    if request.method == "POST" and "confirm" in request.POST:
        try:
            directory_entries.confirm_directory_entry(provider, acting_user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Thank you: your entry is confirmed as correct for the next 6 months.")
            return redirect("organisations:directory_entry")
    elif request.method == "POST" and form.is_valid():
        try:
            directory_entries.update_directory_entry(provider, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Your entry is saved and confirmed for the next 6 months.")
            return redirect("organisations:directory_entry")
    provider.refresh_from_db()
    return render(
        request,
        "organisations/directory_entry.html",
        {"provider": provider, "form": form, "entry": entry_status(provider)},
    )
