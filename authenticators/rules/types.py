"""The engine's vocabulary: constants and the frozen dataclasses it takes and returns."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

AAL2 = "AAL2"
AAL3 = "AAL3"
CIS1 = "CIS1"
CIS2 = "CIS2"

CIS1_RETIREMENT = datetime.date(2027, 2, 28)
IDENTITY_AGENT_LAST_DAY = datetime.date(2027, 2, 28)

# Beyond this many useful candidates the exhaustive search would grow past 2^n subsets worth
# trying in a request; the catalogue has seven.
MAX_EXHAUSTIVE_CANDIDATES = 16


@dataclass(frozen=True)
class AuthenticatorSpec:
    slug: str
    name: str
    aal: str
    cis1_supported: bool = False
    hardware: tuple[str, ...] = ()
    software: tuple[str, ...] = ()
    personal_item: str = ""  # what each person needs one of (a card, a key, an iPad, a phone)
    needs_purchase: bool = False  # hardware the organisation must buy
    requires_smartphone: bool = False
    requires_tpm: bool = False
    requires_ipad: bool = False
    bound_to_one_device: bool = False

    @property
    def label(self) -> str:
        """The name without its parenthetical, e.g. "Windows Hello"."""
        return self.name.split(" (", 1)[0]


@dataclass(frozen=True)
class ApplicationSpec:
    slug: str
    name: str
    generation: str
    min_aal: str
    confidence: str = ""  # "", "medium" or "low"; "low" is shown as unconfirmed

    @property
    def is_unconfirmed(self) -> bool:
        return self.confidence == "low"


@dataclass(frozen=True)
class EstateFacts:
    """What the organisation has. ``None`` means "not known" and rules nothing out."""

    hscn: bool | None = None
    windows_tpm: bool | None = None
    ipads: bool | None = None
    smartphones: bool | None = None
    shared_workstations: bool | None = None


ESTATE_QUESTIONS = {
    "hscn": "Is the organisation connected to HSCN (the Health and Social Care Network)?",
    "windows_tpm": "Do staff use Windows 10 or later devices with TPM 2.0 (needed for Windows Hello)?",
    "ipads": "Does the organisation have its own iPads with Touch ID or Face ID, one per person?",
    "smartphones": "Do staff have smartphones they can use to sign in?",
    "shared_workstations": "Do staff share workstations or devices?",
}


@dataclass(frozen=True)
class Verdict:
    usable: bool
    reason: str


@dataclass(frozen=True)
class MatrixRow:
    application: ApplicationSpec
    verdicts: tuple[Verdict, ...]  # one per authenticator, in the result's authenticator order


@dataclass(frozen=True)
class Warning:
    code: str
    message: str


@dataclass(frozen=True)
class ShoppingItem:
    category: str  # "hardware", "software" or "network"
    description: str
    authenticators: tuple[str, ...]
    quantity: int | None = None  # people who need one, when the head count is known
    in_place: bool = False
    per_person: bool = False  # one each (a card, a key, an iPad) rather than per device or once
    per_workstation: bool = False  # one on (or for) each workstation the staff use


@dataclass(frozen=True)
class Recommendation:
    applications: tuple[ApplicationSpec, ...]
    authenticators: tuple[AuthenticatorSpec, ...]
    estate: EstateFacts
    rows: tuple[MatrixRow, ...]
    recommended: tuple[str, ...]
    why: tuple[str, ...]
    uncoverable: tuple[str, ...]
    warnings: tuple[Warning, ...]
    shopping_list: tuple[ShoppingItem, ...]
    unusable_reasons: dict[str, str] = field(default_factory=dict)

    def usable_for(self, authenticator_slug: str) -> tuple[str, ...]:
        index = self._index(authenticator_slug)
        return tuple(row.application.slug for row in self.rows if row.verdicts[index].usable)

    def usable_for_app(self, application_slug: str) -> tuple[str, ...]:
        """Slugs of the authenticators that can sign in to ``application_slug``."""
        for row in self.rows:
            if row.application.slug == application_slug:
                return tuple(
                    a.slug for a, v in zip(self.authenticators, row.verdicts, strict=True) if v.usable
                )
        raise KeyError(application_slug)

    def verdict(self, authenticator_slug: str, application_slug: str) -> Verdict:
        index = self._index(authenticator_slug)
        for row in self.rows:
            if row.application.slug == application_slug:
                return row.verdicts[index]
        raise KeyError(application_slug)

    def _index(self, authenticator_slug: str) -> int:
        for index, authenticator in enumerate(self.authenticators):
            if authenticator.slug == authenticator_slug:
                return index
        raise KeyError(authenticator_slug)

    def as_dict(self) -> dict:
        return {
            "applications": [
                {
                    "slug": a.slug,
                    "name": a.name,
                    "cis_generation": a.generation,
                    "min_aal": a.min_aal,
                    "unconfirmed": a.is_unconfirmed,
                }
                for a in self.applications
            ],
            "authenticators": [
                {
                    "slug": auth.slug,
                    "name": auth.name,
                    "aal": auth.aal,
                    "can_use": [row.application.slug for row in self.rows if row.verdicts[index].usable],
                    "cannot_use": [
                        {"application": row.application.slug, "reason": row.verdicts[index].reason}
                        for row in self.rows
                        if not row.verdicts[index].usable
                    ],
                }
                for index, auth in enumerate(self.authenticators)
            ],
            "recommended": list(self.recommended),
            "why": list(self.why),
            "uncoverable_applications": list(self.uncoverable),
            "warnings": [{"code": w.code, "message": w.message} for w in self.warnings],
            "shopping_list": [
                {
                    "category": item.category,
                    "description": item.description,
                    "authenticators": list(item.authenticators),
                    "quantity": item.quantity,
                    "per_person": item.per_person,
                    "in_place": item.in_place,
                }
                for item in self.shopping_list
            ],
        }


def unique_sorted(items, key=lambda item: item.slug):
    """One item per slug, sorted by slug. Of duplicates the smallest ``repr`` wins, whatever the order."""
    seen = {}
    for item in items:
        slug = key(item)
        if slug not in seen or repr(item) < repr(seen[slug]):
            seen[slug] = item
    return tuple(seen[k] for k in sorted(seen))
