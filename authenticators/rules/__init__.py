"""The authenticator decision rules: pure Python on frozen dataclasses, no database.

The public chooser, the organisation's plan pages, the JSON API and the readiness wizard all
call ``recommend`` so they can never disagree. The rules follow cis-facts.md §2-3:

- an application still on CIS1 accepts only a smartcard, over HSCN, through the legacy
  Identity Agent;
- a CIS2 application that needs AAL3 accepts only AAL3 authenticators;
- a CIS2 application enabled for AAL2 accepts every authenticator.

Facts about the estate (HSCN, TPM 2.0 Windows devices, iPads, staff smartphones, shared
workstations) then rule authenticators out, each with a reason a person can read. An unknown
fact (``None``) rules nothing out.

Inputs are sorted by slug before anything else happens, so the result never depends on the order
they were given in.
"""

from .advice import explain, merge_shopping_lists, shopping_list, warnings_for
from .engine import application_verdict, estate_exclusion, recommend, smallest_cover, uncovered_by
from .types import (
    AAL2,
    AAL3,
    CIS1,
    CIS1_RETIREMENT,
    CIS2,
    ESTATE_QUESTIONS,
    IDENTITY_AGENT_LAST_DAY,
    MAX_EXHAUSTIVE_CANDIDATES,
    ApplicationSpec,
    AuthenticatorSpec,
    EstateFacts,
    MatrixRow,
    Recommendation,
    ShoppingItem,
    Verdict,
    Warning,
)

__all__ = [
    "AAL2",
    "AAL3",
    "CIS1",
    "CIS1_RETIREMENT",
    "CIS2",
    "ESTATE_QUESTIONS",
    "IDENTITY_AGENT_LAST_DAY",
    "MAX_EXHAUSTIVE_CANDIDATES",
    "ApplicationSpec",
    "AuthenticatorSpec",
    "EstateFacts",
    "MatrixRow",
    "Recommendation",
    "ShoppingItem",
    "Verdict",
    "Warning",
    "application_verdict",
    "estate_exclusion",
    "explain",
    "merge_shopping_lists",
    "recommend",
    "shopping_list",
    "smallest_cover",
    "uncovered_by",
    "warnings_for",
]
