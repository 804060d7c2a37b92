"""Organisation admins' pages: their requests, the request form, a request's timeline and actions."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from cis_portal.nhsuk_forms import add_service_errors
from organisations.access import RA_REQUEST_ROLES, organisation_member_required

from . import selectors, services
from .forms import ChooseICBForm, CommentForm, RARequestForm, VersionForm
from .models import RARequest


def _get_request(organisation, pk) -> RARequest:
    try:
        return selectors.get_ra_request_for_organisation(organisation, pk)
    except RARequest.DoesNotExist as error:
        raise Http404("No such request") from error


@organisation_member_required(*RA_REQUEST_ROLES)
def request_list(request, organisation):
    route = services.route_for_organisation(organisation)
    return render(
        request,
        "ra_requests/list.html",
        {
            "organisation": organisation,
            # Each row says who it waits for, which reads a declined request's reason: loaded once.
            "ra_requests": selectors.with_decline_reasons(
                selectors.ra_requests_for_organisation(organisation)
            ),
            "route": route,
        },
    )


@organisation_member_required(*RA_REQUEST_ROLES)
def choose_icb(request, organisation):
    route = services.route_for_organisation(organisation)
    if not route.needs_successor_choice:
        return redirect("ra_requests:create", organisation.ods_code)
    form = ChooseICBForm(request.POST if request.method == "POST" else None, choices=route.successor_choices)
    if request.method == "POST" and form.is_valid():
        try:
            services.choose_successor_icb(
                organisation, icb=form.cleaned_data["icb"], acting_user=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Your organisation is now recorded as part of {form.cleaned_data['icb']}."
            )
            return redirect("ra_requests:create", organisation.ods_code)
    return render(
        request, "ra_requests/choose_icb.html", {"organisation": organisation, "form": form, "route": route}
    )


@organisation_member_required(*RA_REQUEST_ROLES)
def create(request, organisation):
    route = services.route_for_organisation(organisation)
    if route.needs_successor_choice:
        return redirect("ra_requests:choose_icb", organisation.ods_code)
    form = RARequestForm(
        request.POST if request.method == "POST" else None,
        initial={"idempotency_key": uuid.uuid4(), **selectors.contact_defaults(organisation, request.user)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            ra_request = services.submit_ra_request(
                organisation, submitted_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Request {ra_request.reference} sent to {ra_request.provider.name}.")
            return redirect("ra_requests:detail", organisation.ods_code, ra_request.pk)
    return render(
        request, "ra_requests/create.html", {"organisation": organisation, "form": form, "route": route}
    )


def _reply_form(data=None, **kwargs) -> CommentForm:
    return CommentForm(
        data,
        label="Your reply",
        required_message="Enter your reply",
        hint="Answer the question the RA team asked. Your reply restarts their clock.",
        prefix="reply",
        **kwargs,
    )


def _reopen_form(data=None, **kwargs) -> CommentForm:
    return CommentForm(
        data,
        label="Why are you reopening the request?",
        required_message="Say why you are reopening the request",
        prefix="reopen",
        **kwargs,
    )


def _detail_context(organisation, ra_request, **forms):
    now = timezone.now()
    context = {
        "organisation": organisation,
        "ra_request": ra_request,
        "timeline": selectors.request_timeline(ra_request),
        "is_overdue": ra_request.is_overdue(now),
        "can_reopen": services.can_reopen(ra_request, now),
        "reopen_until": services.reopen_deadline(ra_request),
        "can_reroute": services.can_reroute_to_national(ra_request),
        "reply_form": _reply_form(initial={"version": ra_request.version}),
        "reopen_form": _reopen_form(initial={"version": ra_request.version}),
        "reroute_form": VersionForm(initial={"version": ra_request.version}, prefix="reroute"),
    }
    context.update(forms)
    context["form"] = next((f for f in forms.values() if f.errors), None)
    return context


@organisation_member_required(*RA_REQUEST_ROLES)
def detail(request, organisation, pk):
    ra_request = _get_request(organisation, pk)
    return render(request, "ra_requests/detail.html", _detail_context(organisation, ra_request))


def _act(request, organisation, pk, *, prefix, form_factory, action, success):
    ra_request = _get_request(organisation, pk)
    form = form_factory(request.POST)
    if form.is_valid():
        try:
            action(ra_request, form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect("ra_requests:detail", organisation.ods_code, ra_request.pk)
    context = _detail_context(organisation, ra_request, **{f"{prefix}_form": form})
    return render(request, "ra_requests/detail.html", context, status=400)


@require_POST
@organisation_member_required(*RA_REQUEST_ROLES)
def reply(request, organisation, pk):
    return _act(
        request,
        organisation,
        pk,
        prefix="reply",
        form_factory=_reply_form,
        action=lambda ra_request, data: services.reply_to_ra_request(
            ra_request, acting_user=request.user, comment=data["comment"], expected_version=data["version"]
        ),
        success="Your reply has been sent to the RA team.",
    )


@require_POST
@organisation_member_required(*RA_REQUEST_ROLES)
def reopen(request, organisation, pk):
    return _act(
        request,
        organisation,
        pk,
        prefix="reopen",
        form_factory=_reopen_form,
        action=lambda ra_request, data: services.reopen_ra_request(
            ra_request, acting_user=request.user, comment=data["comment"], expected_version=data["version"]
        ),
        success="The request has been reopened.",
    )


@require_POST
@organisation_member_required(*RA_REQUEST_ROLES)
def reroute(request, organisation, pk):
    return _act(
        request,
        organisation,
        pk,
        prefix="reroute",
        form_factory=lambda data: VersionForm(data, prefix="reroute"),
        action=lambda ra_request, data: services.reroute_to_national(
            ra_request, acting_user=request.user, expected_version=data["version"]
        ),
        success="The request has been sent to the national RA team.",
    )
