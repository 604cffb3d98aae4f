"""What the registry says, on a card: for an organization nobody here has rated, and as the
criterion-3 section of a rated organization's card.

The registry answers part of criterion 3 (is it a registered nonprofit whose finances can be
checked?); it rates nothing. The cards say so, and never present a registry fact as a verdict.
"""

from __future__ import annotations

from bot.directory.registry import (
    IRS,
    RegistryRow,
    format_ein,
    money,
    ntee_label,
    ruling_year,
    subsection_label,
)
from bot.knowledge.loader import Knowledge
from bot.limits import FIELD_VALUE, cut
from bot.replies import Button, ButtonStyle, Field, Reply, Tone

REGISTRY_CRITERION = 3
REGISTRY_NAMES = {IRS: "IRS exempt organizations list"}


def filings_link(row: RegistryRow, template: str | None) -> str | None:
    """The public filings page of ``row`` from the configured ``{ein}`` URL template."""
    if not template or row.registry != IRS:
        return None
    return template.replace("{ein}", row.reg_id)


def place(row: RegistryRow) -> str:
    """``Boston, MA``."""
    return ", ".join(p for p in (row.city.title(), row.region) if p)


def registry_facts(row: RegistryRow) -> list[tuple[str, str]]:
    """The facts the registry lists, as ``(label, value)`` lines, in a fixed order."""
    id_label = "EIN" if row.registry == IRS else "Registry number"
    facts = [
        ("Legal name", row.name),
        (id_label, format_ein(row.reg_id) if row.registry == IRS else row.reg_id),
    ]
    if where := place(row):
        facts.append(("Where", where))
    if subsection := subsection_label(row.subsection):
        facts.append(("Exempt under", subsection))
    if year := ruling_year(row.ruling):
        facts.append(("Exempt since", year))
    if ntee := ntee_label(row.ntee):
        facts.append(("Category (NTEE)", ntee))
    period = f" (tax period {row.tax_period[:4]}-{row.tax_period[4:6]})" if row.tax_period else ""
    if (revenue := money(row.revenue)) is not None:
        facts.append(("Latest revenue", revenue + period))
    if (assets := money(row.assets)) is not None:
        facts.append(("Assets", assets))
    return facts


def facts_data(row: RegistryRow, template: str | None) -> dict[str, object]:
    """The registry facts as JSON for ``--json`` and the tests."""
    return {
        "registry": row.registry,
        "id": row.reg_id,
        "name": row.name,
        "city": row.city,
        "region": row.region,
        "subsection": subsection_label(row.subsection),
        "ruling_year": ruling_year(row.ruling),
        "ntee": row.ntee,
        "revenue": row.revenue,
        "assets": row.assets,
        "tax_period": row.tax_period,
        "filings": filings_link(row, template),
    }


def _facts_value(row: RegistryRow, template: str | None) -> str:
    lines = [f"**{label}**: {value}" for label, value in registry_facts(row)]
    if link := filings_link(row, template):
        lines.append(f"Public filings: <{link}>")
    return cut("\n".join(lines), FIELD_VALUE)


def _questions(knowledge: Knowledge) -> str:
    criterion = knowledge.criterion_by_number(REGISTRY_CRITERION)
    if criterion is None:
        return "Where does the money go, and can the organization show what it does?"
    lines = [criterion.question, ""]
    lines += [f"• {step}" for step in criterion.how_to_check]
    lines.append("Warning signs: " + "; ".join(criterion.red_flags[:3]))
    return cut("\n".join(lines), FIELD_VALUE)


def registry_card(
    row: RegistryRow,
    knowledge: Knowledge,
    *,
    filings_url: str | None,
    report_id: str | None,
) -> Reply:
    """The card of a registered organization no one here has rated: what the registry says,
    "not yet rated", the criterion-3 questions to ask, its filings, and the report button."""
    criterion = knowledge.criterion_by_number(REGISTRY_CRITERION)
    title = f"{REGISTRY_CRITERION}. {criterion.title}" if criterion else "Criterion 3"
    registry = REGISTRY_NAMES.get(row.registry, f"{row.registry} registry")
    where = place(row)
    text = (
        f"**Registered organization**{f' · {where}' if where else ''}\n\n"
        "**Not yet rated by this community.** It is listed in the "
        f"{registry}: that says it exists and is registered, not whether its work respects "
        "people's rights. The questions below are where to start; if you know something "
        "first-hand or from documents, report it."
    )
    fields = [
        Field(f"What the {registry} says", _facts_value(row, filings_url)),
        Field(cut(f"Ask about criterion {title}", 256), _questions(knowledge)),
    ]
    buttons = []
    if report_id:
        buttons.append(
            Button("Report about this organization", custom_id=report_id, style=ButtonStyle.PRIMARY)
        )
    if link := filings_link(row, filings_url):
        buttons.append(Button("Public filings", url=link))
    return Reply(
        title=cut(row.name, 256),
        text=text,
        fields=fields,
        url=filings_link(row, filings_url),
        tone=Tone.INFO,
        footer="Registry facts only: no criterion has been assessed for this organization.",
        buttons=buttons,
        data={"rated": False, "registry": facts_data(row, filings_url)},
    )


def registry_field(
    row: RegistryRow | None,
    *,
    ein: str | None,
    exact_names: list[RegistryRow],
    filings_url: str | None,
) -> Field:
    """The criterion-3 registry section of a rated organization's card.

    ``row`` is its linked registry entry (by ``ein``); without one, the card says it is not in
    the imported registry, and lists entries with exactly its name without claiming they are it.
    """
    name = f"Registry (criterion {REGISTRY_CRITERION})"
    if row is not None:
        return Field(name, _facts_value(row, filings_url))
    if ein:
        text = (
            f"EIN {format_ein(ein)} is not in the imported registry: the organization may have "
            "lost its tax exemption, or the imported copy may be older than its registration. "
            "Ask it for its latest public filings."
        )
    else:
        text = (
            "Not in the imported registry under this name, and no EIN is on file: ask whether "
            "it is a registered nonprofit and where its finances are published."
        )
        if exact_names:
            same = "; ".join(
                f"{r.name}, {place(r) or 'no place listed'} (EIN {format_ein(r.reg_id)})"
                for r in exact_names[:3]
            )
            text = (
                "No EIN is on file, so it is not linked to a registry entry. Registered under "
                f"the same name (not confirmed to be this organization): {same}."
            )
    return Field(name, cut(text, FIELD_VALUE))
