"""Which authenticator works with which application, and the smallest covering set."""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable
from dataclasses import replace

from .advice import explain, shopping_list, warnings_for
from .types import (
    AAL2,
    AAL3,
    CIS1,
    CIS2,
    MAX_EXHAUSTIVE_CANDIDATES,
    ApplicationSpec,
    AuthenticatorSpec,
    EstateFacts,
    MatrixRow,
    Recommendation,
    Verdict,
    unique_sorted,
)

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
    # Phone-based methods are not ruled out by shared workstations: the code or passkey lives on
    # each person's own phone (ruled out above when staff have none), whichever PC they sit at.
    # warnings_for says so, because registering them on a shared device is the mistake to avoid.
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


@functools.lru_cache(maxsize=256)
def _verdict_table(
    authenticators: tuple[AuthenticatorSpec, ...], estate: EstateFacts
) -> tuple[dict[tuple[str, str], tuple[Verdict, ...]], dict[str, str]]:
    """Verdicts depend only on (generation, AAL): work out each kind once, not once per application.

    Memoised on its whole (frozen, hashable) input: a plan asks for the same table for the whole
    organisation and for each group (``recommend`` and ``uncovered_by``). Callers must not change
    what it returns.
    """
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
    apps = unique_sorted(applications)
    auths = unique_sorted(authenticators)
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
        unusable_reasons=dict(unusable_reasons),
    )
    return _replace_details(result, head_count)


def _replace_details(result: Recommendation, head_count: int | None) -> Recommendation:
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


def uncovered_by(
    chosen_slugs: Iterable[str],
    applications: Iterable[ApplicationSpec],
    authenticators: Iterable[AuthenticatorSpec],
    estate: EstateFacts | None = None,
) -> tuple[str, ...]:
    """Slugs of the applications that none of ``chosen_slugs`` can sign in to."""
    estate = estate or EstateFacts()
    auths = unique_sorted(authenticators)
    table, _ = _verdict_table(auths, estate)
    chosen = set(chosen_slugs)
    indexes = [i for i, a in enumerate(auths) if a.slug in chosen]
    return tuple(
        app.slug
        for app in unique_sorted(applications)
        if not any(table[(app.generation, app.min_aal)][i].usable for i in indexes)
    )
