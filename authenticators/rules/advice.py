"""The words and lists that go with a recommendation: why, warnings and the shopping list."""

from __future__ import annotations

from collections.abc import Iterable

from .types import (
    AAL3,
    CIS1,
    CIS1_RETIREMENT,
    CIS2,
    IDENTITY_AGENT_LAST_DAY,
    ApplicationSpec,
    AuthenticatorSpec,
    EstateFacts,
    Recommendation,
    ShoppingItem,
    Warning,
    unique_sorted,
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
    apps = unique_sorted(applications)
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
    if estate.shared_workstations is True and any(a.generation != CIS1 and a.min_aal != AAL3 for a in apps):
        warnings.append(
            Warning(
                "shared_devices",
                "On shared workstations, Microsoft Authenticator, passkeys and NHS.net Connect work "
                "only from each person's own phone: never register them on a shared device. For AAL3 "
                "on shared devices a security key (or a smartcard) is the practical choice.",
            )
        )
    unconfirmed = [a.name for a in apps if a.is_unconfirmed]
    if unconfirmed:
        warnings.append(
            Warning(
                "unconfirmed",
                f"Not confirmed: NHS England's pages suggest the CIS generation or assurance level of "
                f"{_join(unconfirmed)} but do not say it. Check with the supplier before you buy anything.",
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


# Smartcard software that depends on how the machine reaches CIS (reference_data/authenticators.json).
CIS1_PATH = "CIS1 path: "
CIS2_INTERNET_PATH = "CIS2-over-internet path: "


def _software_for_machine(item: str, *, cis1_on_machine: bool) -> str:
    """The software item as it applies to a machine that does (or does not) run a CIS1 application,
    or "" when it does not apply: NHS advice is not to install NHS Smartcard Connect on a machine
    until every Spine application on it supports CIS2, and the legacy Identity Agent is only for CIS1."""
    if item.startswith(CIS1_PATH):
        software = item.removeprefix(CIS1_PATH)
        return software[:1].upper() + software[1:] if cis1_on_machine else ""
    if item.startswith(CIS2_INTERNET_PATH):
        return "" if cis1_on_machine else item.removeprefix(CIS2_INTERNET_PATH)
    return item


def shopping_list(
    chosen: Iterable[AuthenticatorSpec],
    applications: Iterable[ApplicationSpec],
    estate: EstateFacts | None = None,
    *,
    head_count: int | None = None,
) -> tuple[ShoppingItem, ...]:
    """Hardware, software and network items ``chosen`` needs on the workstations of staff who use
    ``applications`` (one staff group: one machine group).

    Each person's own item (a smartcard, a security key, an iPad) gets ``head_count`` as its
    quantity; each workstation item too, unless the estate says workstations are shared (then the
    count of workstations is not known). Smartcard software follows the machine's path to CIS: the
    legacy Identity Agent where a CIS1 application is used, NHS Smartcard Connect where none is.
    HSCN appears whenever an application is on CIS1 and a chosen authenticator serves it, marked
    in place when the estate says so.
    """
    estate = estate or EstateFacts()
    auths = unique_sorted(chosen)
    apps = unique_sorted(applications)
    items: dict[tuple[str, str], dict] = {}
    per_workstation_count = head_count if estate.shared_workstations is not True else None

    def add(
        category, description, slug, quantity=None, in_place=False, per_person=False, per_workstation=False
    ):
        entry = items.setdefault(
            (category, description),
            {
                "authenticators": set(),
                "quantity": quantity,
                "in_place": in_place,
                "per_person": per_person,
                "per_workstation": per_workstation,
            },
        )
        entry["authenticators"].add(slug)

    cis1_on_machine = any(app.generation == CIS1 for app in apps)
    for authenticator in auths:
        if authenticator.personal_item:
            add("hardware", authenticator.personal_item, authenticator.slug, head_count, per_person=True)
        for item in authenticator.hardware:
            add("hardware", item, authenticator.slug, per_workstation_count, per_workstation=True)
        for item in authenticator.software:
            software = _software_for_machine(
                item, cis1_on_machine=cis1_on_machine and authenticator.cis1_supported
            )
            if software:
                add("software", software, authenticator.slug, per_workstation_count, per_workstation=True)
    cis1_served_by = [a.slug for a in auths if a.cis1_supported]
    if cis1_on_machine and cis1_served_by:
        for slug in cis1_served_by:
            add(
                "network",
                "HSCN connection (CIS1 accepts smartcards only over HSCN)",
                slug,
                in_place=estate.hscn is True,
            )
    return _shopping_items(items)


def merge_shopping_lists(lists: Iterable[Iterable[ShoppingItem]]) -> tuple[ShoppingItem, ...]:
    """One list from several (one per staff group): per-person quantities of the same item add up."""
    items: dict[tuple[str, str], dict] = {}
    for shopping in lists:
        for item in shopping:
            entry = items.setdefault(
                (item.category, item.description),
                {
                    "authenticators": set(),
                    "quantity": None,
                    "in_place": item.in_place,
                    "per_person": item.per_person,
                    "per_workstation": item.per_workstation,
                },
            )
            entry["authenticators"].update(item.authenticators)
            if item.quantity is not None:
                entry["quantity"] = (entry["quantity"] or 0) + item.quantity
    return _shopping_items(items)


CATEGORY_ORDER = {"hardware": 0, "software": 1, "network": 2}


def _shopping_items(items: dict[tuple[str, str], dict]) -> tuple[ShoppingItem, ...]:
    """``{(category, description): entry}`` as ShoppingItems, hardware then software then network."""
    return tuple(
        ShoppingItem(
            category=category,
            description=description,
            authenticators=tuple(sorted(entry["authenticators"])),
            quantity=entry["quantity"],
            in_place=entry["in_place"],
            per_person=entry["per_person"],
            per_workstation=entry["per_workstation"],
        )
        for (category, description), entry in sorted(
            items.items(), key=lambda kv: (CATEGORY_ORDER[kv[0][0]], kv[0][1])
        )
    )


def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]
