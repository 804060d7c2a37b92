"""The public "Find your RA" pages and their JSON twin. No sign-in: everything shown is open data or a
provider's public directory entry."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from organisations.models import RAProvider
from organisations.ods_data import ods_attribution
from organisations.validators import normalise_ods_code, validate_ods_code

from . import finder
from .finder_forms import FinderICBForm, FinderSearchForm
from .finder_json import answer_as_json

RESULTS_PER_PAGE = 20


def _attribution():
    return ods_attribution(settings.REFERENCE_DATA_DIR)


@require_GET
def search(request):
    form = FinderSearchForm(request.GET if "q" in request.GET else None)
    icb_form = FinderICBForm(request.GET if "icb" in request.GET else None)
    if icb_form.is_bound and icb_form.is_valid():
        return redirect("finder:icb", icb_form.cleaned_data["icb"].ods_code)
    page = None
    if form.is_bound and form.is_valid():
        text = form.cleaned_data["q"]
        if finder.looks_like_ods_code(text) and finder.is_known_ods_code(text):
            return redirect("finder:organisation", normalise_ods_code(text))
        page = Paginator(finder.search_known_organisations(text), RESULTS_PER_PAGE).get_page(
            request.GET.get("page")
        )
    return render(
        request,
        "ra_requests/finder/search.html",
        {"form": form, "icb_form": icb_form, "page": page, "attribution": _attribution()},
    )


@require_GET
def organisation(request, ods_code):
    answer = finder.answer_for_ods_code(ods_code)
    if answer is None:
        raise Http404("No organisation with that ODS code in the open data")
    return render(
        request,
        "ra_requests/finder/answer.html",
        {
            "answer": answer,
            "support": answer.support,
            "attribution": _attribution(),
            "icb_form": FinderICBForm(),
        },
    )


@require_GET
def icb(request, ods_code):
    provider = get_object_or_404(RAProvider, kind=RAProvider.Kind.ICB, ods_code=normalise_ods_code(ods_code))
    return render(
        request,
        "ra_requests/finder/answer.html",
        {"support": finder.ra_support_for_icb(provider), "icb_only": True, "icb_form": FinderICBForm()},
    )


@require_GET
def api_organisation(request, ods_code):
    try:
        validate_ods_code(ods_code)
    except ValidationError:
        return JsonResponse(
            {"error": "invalid_ods_code", "message": "That is not an ODS code, like A81001"}, status=400
        )
    answer = finder.answer_for_ods_code(ods_code)
    if answer is None:
        return JsonResponse(
            {
                "error": "unknown_ods_code",
                "message": "No organisation with that ODS code is in the open data the portal holds.",
                "choose_icb": request.build_absolute_uri(reverse("finder:search")),
            },
            status=404,
        )
    return JsonResponse(answer_as_json(answer, request, attribution=_attribution()))
