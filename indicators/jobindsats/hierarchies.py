"""The dimensions' hierarchies (API.md § Table metadata, § Data): which hierarchies hold areas, how a selector
picks members, how many cells a request makes, how areas are spelled, and which breakdown member is the total.

The one place that knows these rules; ingestion and binding ask here instead of repeating them.
"""

from __future__ import annotations

from collections.abc import Iterable

from indicators.jobindsats.results import JobindsatsResponseError, TableMetadata

# --- Area hierarchies -------------------------------------------------------------------------------------
# The kinds of area a hierarchy's members are; the values are municipalities.models.Area.Kind's.
MUNICIPALITY, RAR, REGION, COUNTRY = "municipality", "rar", "region", "country"
AREA_HIERARCHY_KINDS = {
    "_nykom": MUNICIPALITY,
    "_kom": MUNICIPALITY,
    "_reko": RAR,
    "_rar": RAR,
    "_region": REGION,
    "_hele_landet": COUNTRY,
}
# Context hierarchies pulled besides an indicator's own, when the table has them.
CONTEXT_HIERARCHIES = ("_reko", "_region")
# Names of the root of every area hierarchy, and of the registrations without a municipality (API.md § Data:
# "A `_nykom=*` reply may include rows for "Hele landet" and "Uoplyst område"").
COUNTRY_NAMES = frozenset({"hele landet"})
UNKNOWN_AREA_NAMES = frozenset({"uoplyst område"})
# Jobindsats names RAR areas and regions with a prefix ("RAR Østjylland", "Region Midtjylland"); our areas may
# be named with or without it, so both sides are compared without it.
AREA_PREFIXES = ("rar ", "region ")


def area_name_key(name: str) -> str:
    """An area name as compared across Jobindsats and our areas: spaces collapsed, case folded, prefix dropped."""
    key = " ".join(str(name).split()).casefold()
    for prefix in AREA_PREFIXES:
        key = key.removeprefix(prefix)
    return key


def is_unknown_area(name: str) -> bool:
    """True for "Uoplyst område": registrations without a known municipality, never stored."""
    return area_name_key(name) in UNKNOWN_AREA_NAMES


def is_country(name: str) -> bool:
    """True for "Hele landet", the root of every area hierarchy."""
    return area_name_key(name) in COUNTRY_NAMES


# --- Selectors and cell counting (API.md § Data: hierarchy.<id>=* | / | ids | level:<id>) -------------------
ALL = "*"
ROOT = "/"
LEVEL_PREFIX = "level:"


def selection_size(metadata: TableMetadata, hierarchy_id: str, selector: str = ALL) -> int:
    """How many members a selector picks in a hierarchy (a hierarchy the table lacks counts as its total: 1)."""
    hierarchy = metadata.hierarchy(hierarchy_id)
    if hierarchy is None or selector == ROOT:
        return 1
    if selector.startswith(LEVEL_PREFIX):
        level_id = selector.removeprefix(LEVEL_PREFIX)
        return sum(len(level.values) for level in hierarchy.levels if level.level_id == level_id) or 1
    if selector != ALL:
        return len(selector.split(","))
    # "*" gives every member of every level, and the root even when the metadata does not list it.
    return sum(len(level.values) for level in hierarchy.levels) + 1


def periods_per_request(
    *, metadata: TableMetadata, hierarchies: dict[str, str], measures: int, max_cells: int
) -> int:
    """How many periods fit in one data request under max_cells (API.md § Errors and limits)."""
    cells_per_period = max(1, measures)
    for hierarchy_id, selector in hierarchies.items():
        cells_per_period *= selection_size(metadata, hierarchy_id, selector)
    return max(1, max_cells // cells_per_period)


# --- Breakdown totals ---------------------------------------------------------------------------------------
# A breakdown's total ("i alt") carries no breakdown: its rows are the indicator's headline figures. Jobindsats
# labels it "I alt" or "Total"; Danish statistics also name it after the dimension, "<dimension> i alt"
# ("Ydelsesgrupper i alt", as Jobindsats v2 did), which is recognised deliberately. Anything else that is the
# total must fail binding or the pull naming its label (unrecognised_total), never be stored as a member.
TOTAL_LABELS = frozenset({"i alt", "total"})
TOTAL_SUFFIX = " i alt"


def is_total_label(label: object) -> bool:
    """True when a breakdown member's label names the breakdown's total ("I alt", "Total", "… i alt")."""
    text = " ".join(str(label).split()).casefold()
    return text in TOTAL_LABELS or text.endswith(TOTAL_SUFFIX)


class UnrecognisedTotal(JobindsatsResponseError):
    """A breakdown's total has a label the total rule does not recognise; names the label and the hierarchy."""

    def __init__(self, label: str, *, hierarchy_id: str, table_id: str) -> None:
        super().__init__(
            f"Opdelingen {hierarchy_id} i tabel {table_id} har totalen {label!r}, som ikke genkendes som "
            "'i alt', så tallene uden opdeling ville mangle. Bind indikatoren uden opdelingen (tomt "
            "opdelingsfilter), eller få navnet tilføjet til reglen for totaler (indicators/jobindsats)."
        )
        self.label = label
        self.hierarchy_id = hierarchy_id


def check_breakdown_totals(metadata: TableMetadata, hierarchy_ids: Iterable[str]) -> None:
    """Check every breakdown an indicator uses (binding and each pull ask the same): see check_breakdown_total."""
    for hierarchy_id in hierarchy_ids:
        check_breakdown_total(metadata, hierarchy_id)


def check_breakdown_total(metadata: TableMetadata, hierarchy_id: str) -> None:
    """Raise UnrecognisedTotal when a breakdown hierarchy's root is not a recognised total, or a member is.

    The root is the first level's only member (what "/" selects). A hierarchy whose first level has several
    members shows no root here; then the pull checks that its replies hold total rows.
    """
    hierarchy = metadata.hierarchy(hierarchy_id)
    if hierarchy is None or not hierarchy.levels:
        return
    first, *rest = hierarchy.levels
    if len(first.values) == 1:
        root, members = first.values[0].value_name, [v for level in rest for v in level.values]
        if not is_total_label(root):
            raise UnrecognisedTotal(root, hierarchy_id=hierarchy_id, table_id=metadata.table_id)
    else:
        members = [v for level in hierarchy.levels for v in level.values]
    for member in members:
        # A member that reads as a total would be stored over the real one: refuse rather than guess.
        if is_total_label(member.value_name):
            raise JobindsatsResponseError(
                f"Opdelingen {hierarchy_id} i tabel {metadata.table_id} har medlemmet {member.value_name!r}, "
                "som ligner en total ('i alt') uden at være opdelingens top. Bind indikatoren uden opdelingen."
            )
