"""The decline reasons every RA team started with, installed by a data migration.

After installation they are rows national administrators edit in the admin (``DeclineReason``);
changing this list changes only what a new database starts with.
"""

NATIONAL_TEAM_NEXT_STEP = "Send the request to the national RA team"
NATIONAL_TEAM_GUIDANCE = (
    "Your local provider cannot help. You can send this request, with everything you have "
    "already told us, to the national RA team."
)

# Only the self-service app needs the National Insurance number; that app is still marked in development.
SELF_SERVICE_AUTHENTICATOR_GUIDANCE = (
    "Staff who already have an authenticator can add a non-smartcard one themselves by signing in to "
    "Care Identity Management. Staff without one can use the self-service 'Add an authenticator' "
    "service, which NHS England still marks as in development: it needs their National Insurance "
    "number on their Care Identity profile and a code sent to their email address."
)

DEFAULT_DECLINE_REASONS = [
    {
        "code": "outside_area",
        "label": "The organisation is outside our area",
        "next_step": NATIONAL_TEAM_NEXT_STEP,
        "next_step_guidance": NATIONAL_TEAM_GUIDANCE,
        "offers_national_reroute": True,
    },
    {
        "code": "not_supported",
        "label": "We do not give RA support to this type of organisation",
        "next_step": NATIONAL_TEAM_NEXT_STEP,
        "next_step_guidance": NATIONAL_TEAM_GUIDANCE,
        "offers_national_reroute": True,
    },
    {
        "code": "self_service_unlock",
        "label": "The smartcard can be unlocked with self-service unlock",
        "next_step": "Use self-service smartcard unlock",
        "next_step_guidance": (
            "Staff can unlock their own smartcard without an RA: they get a code by email or text "
            "message that lasts 15 minutes. It does not work if the card's certificates have expired "
            "or their profile has no email address or mobile number."
        ),
        "offers_national_reroute": False,
    },
    {
        "code": "self_service_authenticator",
        "label": "Staff can add non-smartcard authenticators themselves",
        "next_step": "Add an authenticator yourself",
        "next_step_guidance": SELF_SERVICE_AUTHENTICATOR_GUIDANCE,
        "offers_national_reroute": False,
    },
    {
        "code": "has_own_ra",
        "label": "The organisation has its own RA team",
        "next_step": "Ask your own organisation's RA team",
        "next_step_guidance": (
            "Ask your organisation's own RA manager or RA agents, who can do this under the "
            "National RA Policy."
        ),
        "offers_national_reroute": False,
    },
    {
        "code": "duplicate",
        "label": "This duplicates another open request",
        "next_step": "Follow your other open request",
        "next_step_guidance": "Keep following your other open request: it covers the same help.",
        "offers_national_reroute": False,
    },
]


def install_default_decline_reasons(model) -> None:
    """Create the reasons missing from ``model``'s table (the migration passes its historical model);
    rows already there are left as they are."""
    for position, fields in enumerate(DEFAULT_DECLINE_REASONS, start=1):
        model.objects.get_or_create(code=fields["code"], defaults={**fields, "position": position})
