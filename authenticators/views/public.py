"""The public chooser and the JSON API: no login, catalogue applications only."""

from django.http import JsonResponse
from django.views.generic import TemplateView

from .. import rules, selectors
from ..forms import ChooserForm
from ..presentation import (
    application_sections,
    authenticator_facts,
    matrix_rows,
)


class ChooserView(TemplateView):
    """The public chooser: no login. A GET form so results can be bookmarked and shared."""

    template_name = "authenticators/chooser.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        catalogue = list(selectors.catalogue_applications())
        authenticators = list(selectors.catalogue_authenticators())
        submitted = "applications" in self.request.GET or "submitted" in self.request.GET
        form = ChooserForm(self.request.GET if submitted else None, catalogue=catalogue)
        result = None
        if submitted and form.is_valid():
            chosen = set(form.cleaned_data["applications"])
            specs = [a.to_spec() for a in catalogue if a.slug in chosen]
            result = rules.recommend(
                specs,
                [a.to_spec() for a in authenticators],
                form.estate(),
                head_count=form.cleaned_data["head_count"],
            )
        selected = set(form["applications"].value() or []) if submitted else set()
        context.update(
            form=form,
            result=result,
            rows=matrix_rows(result) if result else [],
            sections=application_sections("applications", catalogue, selected),
            questions=[form[name] for name in rules.ESTATE_QUESTIONS],
            catalogue_authenticators=authenticator_facts(authenticators),
        )
        return context


API_BOOLEANS = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}


def api_error(message: str, parameter: str) -> JsonResponse:
    return JsonResponse({"error": message, "parameter": parameter}, status=400)


def recommendation_api(request):
    """GET /authenticators/api/recommendation?applications=ncrs,systmone&hscn=true&head_count=12"""
    if request.method != "GET":
        return JsonResponse({"error": "Use GET", "parameter": ""}, status=405)
    raw = request.GET.get("applications", "")
    slugs = [s.strip() for s in raw.split(",") if s.strip()]
    if not slugs:
        return api_error("Give one or more application slugs, separated by commas", "applications")
    specs, unknown = selectors.catalogue_specs_for_slugs(slugs)
    if unknown:
        return api_error(f"Unknown application: {', '.join(unknown)}", "applications")
    facts = {}
    for name in rules.ESTATE_QUESTIONS:
        value = request.GET.get(name)
        if value is None or value == "":
            continue
        if value.strip().lower() not in API_BOOLEANS:
            return api_error(f"{name} must be true or false", name)
        facts[name] = API_BOOLEANS[value.strip().lower()]
    head_count = None
    if request.GET.get("head_count"):
        try:
            head_count = int(request.GET["head_count"])
        except ValueError:
            return api_error("head_count must be a whole number", "head_count")
        if head_count < 1:
            return api_error("head_count must be 1 or more", "head_count")
    result = rules.recommend(
        specs, selectors.authenticator_specs(), rules.EstateFacts(**facts), head_count=head_count
    )
    return JsonResponse(result.as_dict())
