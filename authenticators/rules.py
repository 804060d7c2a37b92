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

from __future__ import annotations

import datetime
import itertools
from collections.abc import Iterable
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
    personal_device_only: bool = False
    bound_to_one_device: bool = False
    issued_by: str = ""

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


# --- Single cells -------------------------------------------------------------------------------


def estate_exclusion(authenticator: AuthenticatorSpec, estate: EstateFacts) -> str:
    """Why the estate rules ``authenticator`` out, or "" when it does not."""
    reasons = []
    if authenticator.requires_tpm and estate.windows_tpm is False:
        reasons.append(
            f"{authenticator.label} needs Windows 10 or later devices with TPM 2.0, and you have none"
        )
    if authenticator.requires_ipad and estate.ipads is False:
        reasons.append(
            f"{authenticator.label} needs an organisation-owned iPad with Touch ID or Face ID for each person"
        )
    if authenticator.requires_smartphone and estate.smartphones is False:
        reasons.append(f"{authenticator.label} needs a smartphone, and your staff do not have one to use")
    if authenticator.personal_device_only and estate.shared_workstations is True:
        reasons.append(f"{authenticator.label} is for personal devices, not shared workstations")
    if authenticator.bound_to_one_device and estate.shared_workstations is True:
        reasons.append(
            f"{authenticator.label} is bound to one device, so it does not follow staff "
            "between shared workstations"
        )
    return "; ".join(reasons)


def application_verdict(authenticator: AuthenticatorSpec, application: ApplicationSpec) -> Verdict:
    """Whether ``application`` accepts ``authenticator``, before any estate facts."""
    if application.generation == CIS1:
        if authenticator.cis1_supported:
            return Verdict(True, "CIS1 accepts a smartcard over HSCN with the legacy Identity Agent")
        return Verdict(False, "This application still uses CIS1, which accepts only smartcards over HSCN")
    if application.min_aal == AAL3 and authenticator.aal != AAL3:
        return Verdict(
            False,
            f"This application needs AAL3 (very high confidence); {authenticator.label} is AAL2 only",
        )
    if application.min_aal == AAL3:
        return Verdict(True, "AAL3 authenticator, accepted by an application that needs AAL3")
    return Verdict(True, f"An application enabled for AAL2 accepts {authenticator.aal} authenticators")


def _verdict_table(
    authenticators: tuple[AuthenticatorSpec, ...], estate: EstateFacts
) -> tuple[dict[tuple[str, str], tuple[Verdict, ...]], dict[str, str]]:
    """Verdicts depend only on (generation, AAL): work out each kind once, not once per application."""
    exclusions = {a.slug: estate_exclusion(a, estate) for a in authenticators}
    table = {}
    for generation, aal in ((CIS1, AAL2), (CIS1, AAL3), (CIS2, AAL2), (CIS2, AAL3)):
        probe = ApplicationSpec(slug="", name="", generation=generation, min_aal=aal)
        verdicts = []
        for authenticator in authenticators:
            verdict = application_verdict(authenticator, probe)
            if verdict.usable and exclusions[authenticator.slug]:
                verdict = Verdict(False, exclusions[authenticator.slug])
            verdicts.append(verdict)
        table[(generation, aal)] = tuple(verdicts)
    return table, {slug: reason for slug, reason in exclusions.items() if reason}


# --- The recommendation ---------------------------------------------------------------------------


def _unique_sorted(items, key=lambda item: item.slug):
    """One item per slug, sorted by slug. Of duplicates the smallest ``repr`` wins, whatever the order."""
    seen = {}
    for item in items:
        slug = key(item)
        if slug not in seen or repr(item) < repr(seen[slug]):
            seen[slug] = item
    return tuple(seen[k] for k in sorted(seen))


def smallest_cover(masks: dict[str, int], target: int, purchases: dict[str, bool]) -> tuple[str, ...]:
    """The smallest set of slugs whose masks together cover ``target``.

    Ties go to the set needing fewest hardware purchases, then to the alphabetically first
    slugs, so the answer is deterministic. Exhaustive: with seven authenticators that is 128
    subsets at most.
    """
    if not target:
        return ()
    # Drop candidates that cover nothing, and of candidates that cover exactly the same
    # applications keep only the one that would win a tie anyway.
    best_for_mask: dict[int, str] = {}
    for slug in sorted(masks):
        mask = masks[slug] & target
        if not mask:
            continue
        current = best_for_mask.get(mask)
        if current is None or (purchases[slug], slug) < (purchases[current], current):
            best_for_mask[mask] = slug
    candidates = sorted(best_for_mask.values())
    if len(candidates) > MAX_EXHAUSTIVE_CANDIDATES:
        return _greedy_cover(masks, target, purchases, candidates)
    for size in range(1, len(candidates) + 1):
        best = None
        for combo in itertools.combinations(candidates, size):
            covered = 0
            for slug in combo:
                covered |= masks[slug]
            if covered & target != target:
                continue
            key = (sum(purchases[slug] for slug in combo), combo)
            if best is None or key < best:
                best = key
        if best is not None:
            return best[1]
    return tuple(candidates)


def _greedy_cover(masks, target, purchases, candidates) -> tuple[str, ...]:
    chosen: list[str] = []
    covered = 0
    while covered & target != target:
        slug = min(
            candidates,
            key=lambda s: (-bin(masks[s] & target & ~covered).count("1"), purchases[s], s),
        )
        chosen.append(slug)
        covered |= masks[slug]
    return tuple(sorted(chosen))


def recommend(
    applications: Iterable[ApplicationSpec],
    authenticators: Iterable[AuthenticatorSpec],
    estate: EstateFacts | None = None,
    *,
    head_count: int | None = None,
) -> Recommendation:
    """Which authenticators work with which applications, and the smallest set that covers them all.

    Returns the matrix (every cell with a reason), the recommended set (smallest, then fewest
    hardware purchases, then alphabetical), why it was chosen, the applications nothing can
    cover, warnings (CIS1 retirement, the Identity Agent's end date, unconfirmed rows) and the
    shopping list for the recommended set.
    """
    estate = estate or EstateFacts()
    apps = _unique_sorted(applications)
    auths = _unique_sorted(authenticators)
    table, unusable_reasons = _verdict_table(auths, estate)
    rows = tuple(MatrixRow(app, table[(app.generation, app.min_aal)]) for app in apps)

    masks = dict.fromkeys((a.slug for a in auths), 0)
    for bit, row in enumerate(rows):
        for authenticator, verdict in zip(auths, row.verdicts, strict=True):
            if verdict.usable:
                masks[authenticator.slug] |= 1 << bit
    coverable = 0
    for mask in masks.values():
        coverable |= mask
    uncoverable = tuple(row.application.slug for bit, row in enumerate(rows) if not coverable >> bit & 1)
    purchases = {a.slug: a.needs_purchase for a in auths}
    recommended = smallest_cover(masks, coverable, purchases)

    result = Recommendation(
        applications=apps,
        authenticators=auths,
        estate=estate,
        rows=rows,
        recommended=recommended,
        why=(),
        uncoverable=uncoverable,
        warnings=(),
        shopping_list=(),
        unusable_reasons=unusable_reasons,
    )
    return _replace_details(result, head_count)


def _replace_details(result: Recommendation, head_count: int | None) -> Recommendation:
    from dataclasses import replace

    return replace(
        result,
        why=explain(result),
        warnings=warnings_for(result.applications, result.estate, result.uncoverable),
        shopping_list=shopping_list(
            [a for a in result.authenticators if a.slug in result.recommended],
            result.applications,
            result.estate,
            head_count=head_count,
        ),
    )


def explain(result: Recommendation) -> tuple[str, ...]:
    """Plain-English reasons for the recommended set."""
    by_slug = {a.slug: a for a in result.authenticators}
    names = {a.slug: a.name for a in result.applications}
    lines = []
    if not result.applications:
        return ("Choose the applications your staff use to see which authenticators fit.",)
    cis1 = [a.name for a in result.applications if a.generation == CIS1]
    aal3 = [a.name for a in result.applications if a.generation == CIS2 and a.min_aal == AAL3]
    if cis1:
        verb = "uses" if len(cis1) == 1 else "use"
        lines.append(f"{_join(cis1)} still {verb} CIS1, which accepts only a smartcard over HSCN.")
    if aal3:
        aal3_labels = _join([a.label for a in result.authenticators if a.aal == AAL3])
        verb, pronoun = ("needs", "it") if len(aal3) == 1 else ("need", "them")
        lines.append(
            f"{_join(aal3)} {verb} AAL3, so only AAL3 authenticators ({aal3_labels}) work with {pronoun}."
        )
    if not cis1 and not aal3:
        lines.append("Every application is on CIS2 and accepts AAL2, so any authenticator works.")
    for _slug, reason in sorted(result.unusable_reasons.items()):
        lines.append(f"Ruled out: {reason}.")
    for slug in result.recommended:
        covered = [names[s] for s in result.usable_for(slug)]
        lines.append(f"{by_slug[slug].label} covers {_join(covered)}.")
    if len(result.recommended) > 1:
        lines.append(
            f"No smaller set of authenticators covers every application; of the sets of "
            f"{len(result.recommended)}, this one needs the fewest hardware purchases."
        )
    elif len(result.recommended) == 1:
        lines.append(
            "One authenticator is enough; where several would do, this one needs the least hardware bought."
        )
    if result.uncoverable:
        lines.append(
            f"Nothing you can use covers {_join([names[s] for s in result.uncoverable])}: see the warnings."
        )
    return tuple(lines)


def warnings_for(
    applications: Iterable[ApplicationSpec],
    estate: EstateFacts,
    uncoverable: Iterable[str] = (),
) -> tuple[Warning, ...]:
    """CIS1 retirement, the Identity Agent's end date, HSCN, unconfirmed rows and gaps."""
    apps = _unique_sorted(applications)
    names = {a.slug: a.name for a in apps}
    warnings = []
    cis1 = [a.name for a in apps if a.generation == CIS1]
    if cis1:
        verb, subject = ("uses", "it needs") if len(cis1) == 1 else ("use", "they need")
        warnings.append(
            Warning(
                "cis1_retirement",
                f"{_join(cis1)} still {verb} CIS1 Authentication, which is due to retire at the end of "
                f"February 2027 ({CIS1_RETIREMENT:%-d %B %Y}). Until then {subject} a smartcard over HSCN. "
                "Ask the supplier when they will move to CIS2.",
            )
        )
        warnings.append(
            Warning(
                "identity_agent_end",
                "The legacy NHS Identity Agent works only until "
                f"{IDENTITY_AGENT_LAST_DAY:%-d %B %Y}. Do not install NHS Smartcard Connect on a machine "
                "until every Spine application on it supports CIS2.",
            )
        )
        if estate.hscn is False:
            warnings.append(
                Warning(
                    "no_hscn",
                    "You said the organisation is not connected to HSCN, but CIS1 applications need a "
                    "smartcard over HSCN: you will need an HSCN connection until they move to CIS2.",
                )
            )
    unconfirmed = [a.name for a in apps if a.is_unconfirmed]
    if unconfirmed:
        warnings.append(
            Warning(
                "unconfirmed",
                f"Unconfirmed: the CIS generation or assurance level of {_join(unconfirmed)} is inferred, "
                "not stated by a source. Check with the supplier before you buy anything.",
            )
        )
    missing = [names[s] for s in uncoverable if s in names]
    if missing:
        warnings.append(
            Warning(
                "uncoverable",
                f"No authenticator your estate allows covers {_join(missing)}. Change the estate (for "
                "example buy security keys or devices with TPM 2.0) or check the application's requirements.",
            )
        )
    return tuple(warnings)


def shopping_list(
    chosen: Iterable[AuthenticatorSpec],
    applications: Iterable[ApplicationSpec],
    estate: EstateFacts | None = None,
    *,
    head_count: int | None = None,
) -> tuple[ShoppingItem, ...]:
    """Hardware, software and network items ``chosen`` needs.

    Each person's own item (a smartcard, a security key, an iPad) gets ``head_count`` as its
    quantity; other items are per device or one-off. HSCN appears whenever an application is on
    CIS1 and a chosen authenticator serves it, marked in place when the estate says so.
    """
    estate = estate or EstateFacts()
    auths = _unique_sorted(chosen)
    apps = _unique_sorted(applications)
    items: dict[tuple[str, str], dict] = {}

    def add(category, description, slug, quantity=None, in_place=False, per_person=False):
        entry = items.setdefault(
            (category, description),
            {"authenticators": set(), "quantity": quantity, "in_place": in_place, "per_person": per_person},
        )
        entry["authenticators"].add(slug)

    for authenticator in auths:
        if authenticator.personal_item:
            add("hardware", authenticator.personal_item, authenticator.slug, head_count, per_person=True)
        for item in authenticator.hardware:
            add("hardware", item, authenticator.slug)
        for item in authenticator.software:
            add("software", item, authenticator.slug)
    cis1_served_by = [a.slug for a in auths if a.cis1_supported]
    if any(app.generation == CIS1 for app in apps) and cis1_served_by:
        for slug in cis1_served_by:
            add(
                "network",
                "HSCN connection (CIS1 accepts smartcards only over HSCN)",
                slug,
                in_place=estate.hscn is True,
            )
    order = {"hardware": 0, "software": 1, "network": 2}
    return tuple(
        ShoppingItem(
            category=category,
            description=description,
            authenticators=tuple(sorted(entry["authenticators"])),
            quantity=entry["quantity"],
            in_place=entry["in_place"],
            per_person=entry["per_person"],
        )
        for (category, description), entry in sorted(
            items.items(), key=lambda kv: (order[kv[0][0]], kv[0][1])
        )
    )


def uncovered_by(
    chosen_slugs: Iterable[str],
    applications: Iterable[ApplicationSpec],
    authenticators: Iterable[AuthenticatorSpec],
    estate: EstateFacts | None = None,
) -> tuple[str, ...]:
    """Slugs of the applications that none of ``chosen_slugs`` can sign in to."""
    estate = estate or EstateFacts()
    auths = _unique_sorted(authenticators)
    table, _ = _verdict_table(auths, estate)
    chosen = set(chosen_slugs)
    indexes = [i for i, a in enumerate(auths) if a.slug in chosen]
    return tuple(
        app.slug
        for app in _unique_sorted(applications)
        if not any(table[(app.generation, app.min_aal)][i].usable for i in indexes)
    )


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
