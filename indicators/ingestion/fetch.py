"""Ask Jobindsats for one indicator's periods and areas, in chunks under the cell limit, and parse the rows."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.conf import settings

from indicators.ingestion.errors import IndicatorNotReady, IngestionError, UnknownArea
from indicators.jobindsats import (
    DataRow,
    DataTable,
    JobindsatsClient,
    TableMetadata,
)
from indicators.models import Indicator
from indicators.periods import months_between, parse_period
from municipalities.models import Area

# Jobindsats revises recent months (late registrations, API.md § Periods): re-read this many every run.
REPULL_MONTHS = 24
UNKNOWN_AREA_NAME = "uoplyst område"
COUNTRY_NAMES = {"hele landet"}
# Which kind of Area a hierarchy's members are (API.md § Table metadata).
HIERARCHY_KINDS = {
    "_nykom": Area.Kind.MUNICIPALITY,
    "_kom": Area.Kind.MUNICIPALITY,
    "_reko": Area.Kind.RAR,
    "_rar": Area.Kind.RAR,
    "_region": Area.Kind.REGION,
    "_hele_landet": Area.Kind.COUNTRY,
}
# Context hierarchies pulled besides the indicator's own, when the table has them.
CONTEXT_HIERARCHIES = ("_reko", "_region")
_FOUR_PLACES = Decimal("0.0001")
# Observation.value is numeric(18, 4): at most 14 digits before the decimal point.
_MAX_VALUE = Decimal(10) ** 14


def ignored_rows_text(count: int) -> str:
    """Why a pull left rows out, in words; "Uoplyst område" is the only reason (see _AreaLookup.area_id)."""
    if not count:
        return "ingen rækker sprunget over"
    return (
        f"{count} rækker for «Uoplyst område» sprunget over (borgere uden kendt bopælskommune: "
        "ikke en kommune, region eller et RAR-område, som Måltavlen viser)"
    )


@dataclass
class Pull:
    """The parsed rows of one pull, keyed by (area id, period, breakdown), before anything is written."""

    period_type: str
    rows: dict[tuple[int, str, str], tuple] = field(default_factory=dict)
    ignored: int = 0


# --- What to ask for ------------------------------------------------------------------------------------
def periods_to_pull(*, indicator: Indicator, metadata: TableMetadata, since: str | None = None) -> list[str]:
    """The table's valid period ids to request: everything first time, else the newest 24 months and the gap."""
    available = list(metadata.periods.get(indicator.period_type) or ())
    if not available:
        raise IndicatorNotReady(
            f"Tabellen {metadata.table_id} har ingen perioder af typen {indicator.period_type!r} længere. "
            f"Tabellens periodetyper: {', '.join(metadata.periods) or 'ingen'}. Bind indikatoren igen."
        )
    if since:
        start = parse_period(since).start
        chosen = [code for code in available if parse_period(code).start >= start]
        if not chosen:
            raise IngestionError(
                f"Tabellen {metadata.table_id} har ingen perioder fra {since}; den nyeste er {available[-1]}."
            )
        return chosen
    newest = parse_period(available[-1]).start
    stored = indicator.observations.order_by("-period_start").values_list("period_start", flat=True).first()
    if stored is None:
        return available
    window_start = min(stored, newest)
    return [
        code
        for code in available
        if months_between(parse_period(code).start, newest) < REPULL_MONTHS
        or parse_period(code).start >= window_start
    ]


def _hierarchy_size(metadata: TableMetadata, hierarchy_id: str, selector: str = "*") -> int:
    hierarchy = metadata.hierarchy(hierarchy_id)
    if hierarchy is None or selector == "/":
        return 1
    if selector.startswith("level:"):
        level_id = selector.removeprefix("level:")
        return sum(len(level.values) for level in hierarchy.levels if level.level_id == level_id) or 1
    if selector != "*":
        return len(selector.split(","))
    return sum(len(level.values) for level in hierarchy.levels) + 1


def periods_per_request(*, indicator: Indicator, metadata: TableMetadata, hierarchy_id: str) -> int:
    """How many periods fit in one data request under settings.JOBINDSATS_MAX_CELLS (API.md § Errors and limits)."""
    cells_per_period = _hierarchy_size(metadata, hierarchy_id)
    for breakdown_id, selector in indicator.breakdown_filters.items():
        cells_per_period *= _hierarchy_size(metadata, breakdown_id, str(selector))
    if not indicator.measure_id:
        cells_per_period *= max(1, sum(len(group.measures) for group in metadata.mgroups))
    return max(1, settings.JOBINDSATS_MAX_CELLS // cells_per_period)


def area_hierarchies(*, indicator: Indicator, metadata: TableMetadata) -> list[str]:
    """The area hierarchies to request: the indicator's own, then RAR areas/regions when the table has them."""
    own = indicator.area_hierarchy
    if own not in HIERARCHY_KINDS:
        raise IndicatorNotReady(
            f"Områdehierarkiet {own!r} på {indicator.code} kendes ikke; brug et af {', '.join(HIERARCHY_KINDS)}."
        )
    if metadata.hierarchy(own) is None:
        raise IndicatorNotReady(f"Tabellen {metadata.table_id} har ikke områdehierarkiet {own!r} længere.")
    context = [h for h in CONTEXT_HIERARCHIES if h != own and metadata.hierarchy(h) is not None]
    return [own, *context]


# --- Parsing a reply into rows -------------------------------------------------------------------------
class _AreaLookup:
    """Area names as Jobindsats spells them → Area ids, per kind (Bornholm is a municipality and a RAR area)."""

    def __init__(self) -> None:
        self._ids: dict[tuple[str, str], int] = {}
        for area_id, kind, name in Area.objects.values_list("id", "kind", "name"):
            self._ids[(kind, self._normal(name))] = area_id
        self.country_id = self._ids.get((Area.Kind.COUNTRY, "hele landet"))

    @staticmethod
    def _normal(name: str) -> str:
        name = " ".join(name.split()).casefold()
        for prefix in ("region ", "rar "):
            name = name.removeprefix(prefix)
        return name

    def area_id(self, name: str, *, hierarchy_id: str) -> int | None:
        """The Area id, None for "Uoplyst område"; UnknownArea for anything else we do not know."""
        normal = self._normal(name)
        if normal == UNKNOWN_AREA_NAME:
            return None
        if normal in COUNTRY_NAMES and self.country_id is not None:
            return self.country_id
        area_id = self._ids.get((HIERARCHY_KINDS[hierarchy_id], normal))
        if area_id is None:
            raise UnknownArea(name, hierarchy_id=hierarchy_id)
        return area_id


def breakdown_key(breakdown: tuple[tuple[str, str], ...]) -> str:
    """The stored breakdown: "dimension=member" pairs joined by ";"; "" is the total (the client drops "i alt")."""
    return ";".join(f"{key}={name}" for key, name in breakdown)


def _value(row: DataRow, label: str, table_id: str) -> tuple[Decimal | None, bool]:
    cell = row.cells.get(label)
    if cell is None:
        raise IngestionError(
            f"Kolonnen {label!r} mangler i svaret fra Jobindsats for tabel {table_id}; svarets kolonner: "
            f"{', '.join(map(repr, row.cells)) or 'ingen'}. Bind indikatoren til det rigtige mål igen."
        )
    if cell.value is None:
        return None, True
    try:
        value = cell.value.quantize(_FOUR_PLACES)
    except InvalidOperation:
        value = None
    if value is None or abs(value) >= _MAX_VALUE:
        raise IngestionError(
            f"Værdien {cell.value} ({row.area_name}, {row.period}) i tabel {table_id} er for stor til at gemme "
            "(højst 14 cifre før kommaet). Tjek at indikatoren er bundet til det rigtige mål."
        )
    return value, cell.suppressed


def _add_rows(
    pull: Pull,
    rows: tuple[DataRow, ...],
    *,
    indicator: Indicator,
    areas: _AreaLookup,
    hierarchy_id: str,
    provisional: set[str],
    requested: set[str],
) -> None:
    # Hot loop (a million rows in the benchmark): names and periods are resolved once each, not per row.
    label, table_id, store = indicator.measure_label, indicator.table.table_id, pull.rows
    area_ids: dict[str, int | None] = {}
    starts: dict[str, date] = {}
    for row in rows:
        name, period = row.area_name, row.period
        if name not in area_ids:
            area_ids[name] = areas.area_id(name, hierarchy_id=hierarchy_id)
        area_id = area_ids[name]
        if area_id is None:
            pull.ignored += 1
            continue
        if period not in starts:
            if period not in requested:
                # Not a period we asked for (nor one the metadata lists): storing it would be a guess.
                raise IngestionError(
                    f"Jobindsats svarede med perioden {period!r}, som ikke var bedt om, for tabel {table_id} "
                    f"(periodetype {indicator.period_type}). Hent igen; sker det igen, så bind indikatoren igen."
                )
            starts[period] = parse_period(period).start
        key = (area_id, period, breakdown_key(row.breakdown) if row.breakdown else "")
        if key not in store:
            value, suppressed = _value(row, label, table_id)
            store[key] = (starts[period], value, suppressed, period in provisional)


@dataclass(frozen=True)
class _Request:
    """The parts of a data request that stay the same across one pull's chunks."""

    indicator: Indicator
    client: JobindsatsClient
    metadata: TableMetadata
    periods: list[str]
    mgroups: dict[str, str]

    def chunks(self, hierarchy_id: str, selector: str, labels: set[str]) -> Iterator[DataTable]:
        """One reply per chunk of periods, each under the cell limit."""
        indicator = self.indicator
        size = periods_per_request(indicator=indicator, metadata=self.metadata, hierarchy_id=hierarchy_id)
        breakdowns = {key: str(value) for key, value in indicator.breakdown_filters.items()}
        for start in range(0, len(self.periods), size):
            yield self.client.data(
                indicator.table.table_id,
                periods={indicator.period_type: self.periods[start : start + size]},
                hierarchies={hierarchy_id: selector, **breakdowns},
                mgroups=self.mgroups,
                measure_labels=labels,
            )


# --- Fetching ----------------------------------------------------------------------------------------------
def fetch(
    *,
    indicator: Indicator,
    client: JobindsatsClient,
    since: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> Pull:
    """Request every chunk of the pull and parse it; nothing is written, so a failure leaves no trace in data."""
    if not indicator.is_bound or not indicator.period_type:
        raise IndicatorNotReady(
            f"{indicator.code} er ikke bundet til en Jobindsats-tabel med mål og periodetype. "
            "Bind den i admin eller med manage.py jobindsats_bind."
        )
    metadata = client.table(indicator.table.table_id)
    if metadata.measure_by_name(indicator.measure_label) is None:
        measures = ", ".join(repr(m.name) for group in metadata.mgroups for m in group.measures) or "ingen"
        raise IndicatorNotReady(
            f"Tabellen {metadata.table_id} har ikke længere målet {indicator.measure_label!r}, som "
            f"{indicator.code} er bundet til. Tabellens mål: {measures}. Bind indikatoren igen."
        )
    periods = periods_to_pull(indicator=indicator, metadata=metadata, since=since)
    all_periods = metadata.periods[indicator.period_type]
    provisional = set(all_periods[-indicator.provisional_months :]) if indicator.provisional_months else set()
    mgroups = {indicator.mgroup_id: indicator.measure_id} if indicator.mgroup_id else {"*": "*"}
    labels = {measure.name for group in metadata.mgroups for measure in group.measures}
    labels.add(indicator.measure_label)
    areas = _AreaLookup()
    pull = Pull(period_type=indicator.period_type)
    request = _Request(
        indicator=indicator, client=client, metadata=metadata, periods=periods, mgroups=mgroups
    )
    own, *context = area_hierarchies(indicator=indicator, metadata=metadata)
    parse = {"indicator": indicator, "areas": areas, "provisional": provisional, "requested": set(periods)}
    for hierarchy_id in (own, *context):
        for reply in request.chunks(hierarchy_id, "*", labels):
            _add_rows(pull, reply.rows, hierarchy_id=hierarchy_id, **parse)
            if progress is not None:
                progress(len(reply.rows))
        if hierarchy_id == own and not pull.rows and not pull.ignored:
            # An empty reply is not "no data": the metadata promised these periods. Never record it as success.
            raise IngestionError(
                f"Jobindsats sendte ingen rækker for tabel {metadata.table_id} ({periods[0]}–{periods[-1]}, "
                f"hierarki {own}). Prøv igen senere; sker det igen, så tjek tabellen på jobindsats.dk."
            )
    if areas.country_id is not None and not any(key[0] == areas.country_id for key in pull.rows):
        # "*" may leave out the root; "/" asks for it (API.md § Data: "/" is "Hele landet" for _nykom).
        for reply in request.chunks(own, "/", labels):
            _add_rows(pull, reply.rows, hierarchy_id=own, **parse)
    return pull
