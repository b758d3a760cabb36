"""The comparison page's read path: every municipality in one period, in thirds, and a group over time."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.http import QueryDict
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from goals.formatting import as_printed, chart_source, country_name, format_period, format_value, value_writer
from goals.freshness import Freshness, freshness_of, next_pull_at
from goals.page_cache import kept, kept_pieces
from goals.progress import describe
from goals.series import Cell, ChartTable, SeriesStore, newest_period, table_from_lines
from indicators.charts import Bar, bar_chart, line_chart
from indicators.models import Indicator, Observation
from indicators.periods import UnknownPeriodFormat, parse_period_text, period_label
from municipalities.models import Area, RarMembership

GROUPS = {
    "rar": gettext_lazy("RAR-område / regionalt beskæftigelsesråd"),
    "region": gettext_lazy("Region"),
    "liste": gettext_lazy("Egen liste"),
}
DEFAULT_GROUP = "rar"
# Thirds by value (0 holds the highest values), named by merit where the indicator says which way is better,
# with the value order beside: for a lower-is-better indicator the highest values are the worst third.
THIRD_NAMES = {
    Indicator.Direction.UP: {
        0: gettext_lazy("Bedste tredjedel (højeste værdier)"),
        1: gettext_lazy("Midterste tredjedel"),
        2: gettext_lazy("Dårligste tredjedel (laveste værdier)"),
    },
    Indicator.Direction.DOWN: {
        0: gettext_lazy("Dårligste tredjedel (højeste værdier)"),
        1: gettext_lazy("Midterste tredjedel"),
        2: gettext_lazy("Bedste tredjedel (laveste værdier)"),
    },
    Indicator.Direction.NEUTRAL: {
        0: gettext_lazy("Højeste tredjedel"),
        1: gettext_lazy("Midterste tredjedel"),
        2: gettext_lazy("Laveste tredjedel"),
    },
}
YEARS_OF_DEVELOPMENT = 3


def third_name(third: int, direction: str) -> str:
    """A third (0 holds the highest values) in words: best/middle/worst with the value order, or by value alone."""
    names = THIRD_NAMES.get(direction, THIRD_NAMES[Indicator.Direction.NEUTRAL])
    return str(names[third])


def thirds_best_first(direction: str) -> list[int]:
    """The thirds in the order people read them: the best first (the highest values when no way is better)."""
    return [2, 1, 0] if direction == Indicator.Direction.DOWN else [0, 1, 2]


def thirds(values: dict[int, Decimal], unit: str) -> dict[int, int]:
    """0 (top), 1 or 2 (bottom) per key by value as printed, highest first; equal printed values share a third.

    Decided on the printed values: two areas both shown as 1,5 % are never put in different thirds.
    """
    values = {key: as_printed(value, unit) for key, value in values.items()}
    ordered = sorted(values.values(), reverse=True)
    n = len(ordered)
    first_position: dict[Decimal, int] = {}
    for position, value in enumerate(ordered):
        first_position.setdefault(value, position)
    return {key: min(2, 3 * first_position[value] // n) for key, value in values.items()}


@dataclass
class ComparisonState:
    """What the URL asks for, after validation; `notices` say what was ignored."""

    municipality: Area | None = None
    group: str = DEFAULT_GROUP
    listed: list[Area] = field(default_factory=list)
    period: str = ""
    notices: list[str] = field(default_factory=list)

    @property
    def one_off(self) -> bool:
        """Whether the address is one anyone can vary without end (part of it ignored, or an own list of
        municipalities): its page is answered for its visitor and never stored (page_cache.for_this_visitor)."""
        return bool(self.notices or self.listed)

    def query_string(self) -> str:
        """The canonical permalink query for this state."""
        params = {}
        if self.municipality:
            params["kommune"] = self.municipality.slug
        params["gruppe"] = self.group
        if self.group == "liste" and self.listed:
            params["kommuner"] = ",".join(a.slug for a in self.listed)
        if self.period:
            params["periode"] = self.period
        return urlencode(params, safe=",")


@dataclass
class ComparisonPage:
    """Everything the comparison page shows."""

    indicator: Indicator
    state: ComparisonState
    periods: list[str]
    municipalities: list[Area]
    share_alternative: Indicator | None = None
    group_members: list[Area] = field(default_factory=list)
    group_label: str = ""
    bar_figure: dict | None = None
    bar_table: ChartTable | None = None
    bar_source: str = ""
    time_figure: dict | None = None
    time_table: ChartTable | None = None
    time_source: str = ""
    freshness: Freshness | None = None
    hidden: list[Area] = field(default_factory=list)
    third_counts: list[tuple[str, int]] = field(default_factory=list)
    bar_description: str = ""
    time_description: str = ""
    selected_third: str = ""
    selected_area: Area | None = None
    has_provisional: bool = False
    rar_level: bool = False
    # A shared local indicator: how many municipalities report a value for the period (of how many).
    reporting: int = 0

    @property
    def period_label(self) -> str:
        """The chosen period for people (september 2024)."""
        return format_period(self.state.period) if self.state.period else ""

    def period_choices(self) -> list[tuple[str, str]]:
        """(code, label) for the period picker, newest first."""
        language = get_language()  # read once for the few hundred periods
        return [(code, period_label(code, language=language)) for code in self.periods]

    @property
    def reporting_text(self) -> str:
        """ "4 af 98 kommuner indberetter denne indikator" for a shared local indicator, else ""."""
        if not self.indicator.is_shared:
            return ""
        return ngettext(
            "%(n)s af %(total)s kommuner indberetter denne indikator i %(period)s.",
            "%(n)s af %(total)s kommuner indberetter denne indikator i %(period)s.",
            self.reporting,
        ) % {"n": self.reporting, "total": len(self.municipalities), "period": self.period_label}

    @property
    def is_count(self) -> bool:
        """Counts are not compared across municipalities of different size."""
        return self.indicator.unit == Indicator.Unit.COUNT


def _quoted(value: str) -> str:
    """A visitor's value, as it can be shown back to them: control characters as "?", at most 50 characters."""
    return "".join(ch if ch.isprintable() else "?" for ch in value[:50])


def _period_code(text: str) -> str:
    """The code of a period in the URL, written as a code or in words ("juni 2024"); "" if it names none."""
    try:
        return parse_period_text(text).code if text else ""
    except UnknownPeriodFormat:
        return ""


def parse_state(params: QueryDict, *, by_slug: Mapping[str, Area], periods: list[str]) -> ComparisonState:
    """Read kommune, gruppe, kommuner and periode; unknown values fall back to defaults with a notice.

    by_slug: the municipalities by slug.
    """
    state = ComparisonState(period=periods[0] if periods else "")
    slug = params.get("kommune", "").strip()
    if slug:
        state.municipality = by_slug.get(slug)
        if state.municipality is None:
            state.notices.append(
                _("Kommunen “%(value)s” findes ikke og er ignoreret.") % {"value": _quoted(slug)}
            )
    group = params.get("gruppe", "").strip()
    if group in GROUPS:
        state.group = group
    elif group:
        state.notices.append(
            _("Sammenligningsgruppen “%(value)s” findes ikke; viser RAR-området.") % {"value": _quoted(group)}
        )
    slugs = [s.strip() for raw in params.getlist("kommuner") for s in raw.split(",") if s.strip()]
    unknown = [s for s in slugs if s not in by_slug]
    if unknown:
        state.notices.append(
            _("Ukendte kommuner i listen er ignoreret: %(names)s.")
            % {"names": ", ".join(_quoted(u) for u in unknown[:5])}
        )
    state.listed = list(dict.fromkeys(by_slug[s] for s in slugs if s in by_slug))
    period = params.get("periode", "").strip()
    code = _period_code(period)
    if code and code in periods:
        state.period = code
    elif period:
        state.notices.append(
            _("Perioden “%(value)s” findes ikke for denne indikator; viser den nyeste.")
            % {"value": _quoted(period)}
        )
    return state


def group_notices(state: ComparisonState, params: QueryDict, *, rar_level: bool) -> list[str]:
    """What the chosen group cannot show, in words: no municipality chosen, an empty list, a list not used."""
    asked_group = bool(params.get("gruppe", "").strip())
    if rar_level:
        # The page's own form and permalinks send the default group; only another choice was ignored.
        if state.group != DEFAULT_GROUP or state.listed:
            return [_("Sammenligningsgrupper bruges ikke her: indikatoren opgøres kun for RAR-områder.")]
        return []
    if state.group == "liste":
        if not state.listed:
            return [_("Egen liste er tom: vælg en eller flere kommuner under “Egen liste”.")]
        return []
    notices = []
    if state.listed:
        notices.append(_("Listen over kommuner bruges kun, når “Egen liste” er valgt; den er ignoreret."))
    if asked_group and state.municipality is None:
        notices.append(_("Vælg en kommune for at se dens sammenligningsgruppe fremhævet."))
    return notices


def share_alternative_for(indicator: Indicator) -> Indicator | None:
    """The percent measure to compare instead of a count (same Jobindsats measurement, or the share of it)."""
    candidates = Indicator.objects.filter(
        unit__in=[Indicator.Unit.PERCENT, Indicator.Unit.RATE], is_active=True
    )
    if indicator.catalogue_hint:
        found = candidates.filter(catalogue_hint=indicator.catalogue_hint).first()
        if found:
            return found
    return candidates.filter(base_indicator=indicator).first()


def _areas() -> list[Area]:
    areas = list(
        Area.objects.filter(
            kind__in=[Area.Kind.MUNICIPALITY, Area.Kind.RAR, Area.Kind.COUNTRY]
        ).select_related("region")
    )
    # One instance per region: the list is kept in the shared cache, and unpickling a copy of a region per
    # municipality cost as much as the municipalities themselves.
    regions: dict[int, Area] = {}
    for area in areas:
        if area.region_id is not None:
            area.region = regions.setdefault(area.region_id, area.region)
    return areas


@dataclass
class ComparisonChoice:
    """What a comparison page shows, before its figures are read: the page with its state and notices, and the
    indicator's periods with their first days (what the figures are then read with)."""

    page: ComparisonPage
    period_rows: list[tuple[str, date]]
    # The areas, when choosing read them (the index below was not kept): the figures are drawn with them.
    areas: list[Area] | None = None


def comparison_page(
    *, indicator: Indicator, params: QueryDict, version: str | None = None, refresh: bool = False
) -> ComparisonPage:
    """Everything the comparison page shows, in a fixed number of queries.

    version: the data version (goals.page_cache.data_version), under which what no choice on the page changes
    (the areas, the indicator's periods, the regional groups, the next pull) is kept in the shared cache; None
    reads them all. refresh: read and keep them anew (the background rebuild).
    """
    choice = choose_comparison(indicator=indicator, params=params, version=version, refresh=refresh)
    return fill_comparison(choice, version=version, refresh=refresh)


class MunicipalityStubs(Mapping[str, Area]):
    """The municipalities by slug from a kept index (slug → id and name), each made an Area only when asked for:
    a page's state names one or a few, and unpickling all of them (with their regions) took a third of the time a
    page built on demand spent choosing. fill_comparison swaps the state's for the full ones when it draws."""

    def __init__(self, index: dict[str, tuple[int, str]]) -> None:
        self.index = index

    def __getitem__(self, slug: str) -> Area:
        pk, name = self.index[slug]
        return Area(id=pk, slug=slug, name=name, kind=Area.Kind.MUNICIPALITY)

    def __iter__(self) -> Iterator[str]:
        return iter(self.index)

    def __len__(self) -> int:
        return len(self.index)


def choose_comparison(
    *, indicator: Indicator, params: QueryDict, version: str | None = None, refresh: bool = False
) -> ComparisonChoice:
    """The page's state from the URL, with every notice of what was ignored; no figures (fill_comparison)."""
    read: list[list[Area]] = []

    def municipality_index() -> dict[str, tuple[int, str]]:
        read.append(kept("comparison-areas", version, _areas, refresh=refresh))
        return {a.slug: (a.id, a.name) for a in read[0] if a.kind == Area.Kind.MUNICIPALITY}

    index = kept("comparison-municipality-index", version, municipality_index, refresh=refresh)
    period_rows = kept(
        f"comparison-periods:{indicator.id}",
        version,
        lambda: list(Observation.objects.periods_of(indicator_id=indicator.id)),
        refresh=refresh,
    )
    periods = [code for code, _start in period_rows]
    state = parse_state(params, by_slug=MunicipalityStubs(index), periods=periods)
    page = ComparisonPage(indicator=indicator, state=state, periods=periods, municipalities=[])
    if not page.is_count and periods:
        page.rar_level = indicator.area_level == Indicator.AreaLevel.RAR
        state.notices += group_notices(state, params, rar_level=page.rar_level)
    return ComparisonChoice(page=page, period_rows=period_rows, areas=read[0] if read else None)


def _with_full_areas(page: ComparisonPage, areas: list[Area]) -> None:
    """The page's municipalities, and those its state names, as the full kept areas (their regions with them)."""
    page.municipalities = sorted((a for a in areas if a.kind == Area.Kind.MUNICIPALITY), key=lambda a: a.name)
    by_id = {a.id: a for a in page.municipalities}
    state = page.state
    # The index and the areas may have been kept at different times: a municipality only one of them has stays a stub.
    if state.municipality is not None:
        state.municipality = by_id.get(state.municipality.id, state.municipality)
    state.listed = [by_id.get(a.id, a) for a in state.listed]


def fill_comparison(
    choice: ComparisonChoice, *, version: str | None = None, refresh: bool = False
) -> ComparisonPage:
    """The chosen page with its figures, tables and dates (version and refresh as for comparison_page)."""

    def kept_here(name: str, build: Callable[[], Any]) -> Any:
        return kept(name, version, build, refresh=refresh)

    page, period_rows = choice.page, choice.period_rows
    indicator, state = page.indicator, page.state
    areas = choice.areas or kept_here("comparison-areas", _areas)
    _with_full_areas(page, areas)
    country = next(a for a in areas if a.kind == Area.Kind.COUNTRY)
    if page.is_count:
        page.share_alternative = share_alternative_for(indicator)
        return page
    if not page.periods:
        page.freshness = freshness_of(
            indicator, fetched_at=None, next_pull=kept_here("next-pull", next_pull_at)
        )
        return page
    start_of = dict(period_rows)
    year = start_of[state.period].year
    # The period's regional group (RAR until 2024, regional council from 2025); a table published per RAR area
    # keeps to RAR areas, the only groups it has figures for.
    kind = Area.Kind.RAR if page.rar_level else None
    groups = kept_here(
        f"regional-groups:{year}:{kind}", lambda: RarMembership.objects.regional_groups(year=year, kind=kind)
    )
    rar_of = {m_id: group.id for m_id, group in groups.items()}
    by_id = {a.id: a for a in areas} | {group.id: group for group in groups.values()}
    units = [a for a in areas if a.kind == (Area.Kind.RAR if page.rar_level else Area.Kind.MUNICIPALITY)]
    selected = state.municipality
    if page.rar_level and selected is not None:
        selected = by_id.get(rar_of.get(selected.id))
    page.selected_area = selected
    page.group_members, page.group_label = _group(
        state, selected, page.rar_level, page.municipalities, rar_of, by_id
    )
    end = start_of[state.period]
    start = date(end.year - YEARS_OF_DEVELOPMENT, end.month, 1)
    series_ids = {country.id} | {a.id for a in page.group_members} | ({selected.id} if selected else set())
    store = _figures(
        indicator=indicator,
        period=state.period,
        window=(start, end),
        series_ids=series_ids,
        # Every area the page draws is a unit or the country: when their figures were fetched is the page's date.
        fetched_ids={a.id for a in units} | {country.id},
        units_kind=units[0].kind if units else "",
        version=version,
        refresh=refresh,
    )
    page.freshness = freshness_of(
        indicator,
        fetched_at=store.fetched_at.get(indicator.id),
        next_pull=kept_here("next-pull", next_pull_at),
    )
    _cross_section(page, store, units, selected, country)
    _development(page, store, selected, country)
    return page


CROSS_SECTION, FETCHED = "cross-section", "fetched"


def _figures(
    *,
    indicator: Indicator,
    period: str,
    window: tuple[date, date],
    series_ids: set[int],
    fetched_ids: set[int],
    units_kind: str,
    version: str | None,
    refresh: bool,
) -> SeriesStore:
    """The period's figures for every area, the series of a few areas, and when they were fetched.

    Kept by piece under the data version (goals.page_cache.kept_pieces), not by page: the period's figures once
    per indicator and period, each area's series once per indicator, area and period, so any choice of
    municipality or group is put together from pieces other pages read; the missing ones in one query.
    """
    start, end = window
    names: dict[str | int, str] = {
        CROSS_SECTION: f"comparison-cross-section:{indicator.id}:{period}",
        FETCHED: f"comparison-fetched:{indicator.id}:{period}:{units_kind}",
    }
    names |= {area_id: f"comparison-series:{indicator.id}:{area_id}:{period}" for area_id in series_ids}

    def build(missing: list[str | int]) -> dict[str | int, Any]:
        built: dict[str | int, Any] = {}
        series = {item for item in missing if isinstance(item, int)}
        if CROSS_SECTION in missing or series:
            rows = Observation.objects.for_comparison_page(
                indicator_ids={indicator.id},
                period=period if CROSS_SECTION in missing else None,
                series_area_ids=series,
                start=start,
                end=end,
            )
            built |= {item: [] for item in missing if item != FETCHED}
            for row in rows:
                _indicator, area_id, row_period, row_start = row[:4]
                if row_period == period and CROSS_SECTION in built:
                    built[CROSS_SECTION].append(row)
                if area_id in series and start <= row_start <= end:
                    built[area_id].append(row)
        if FETCHED in missing:
            built[FETCHED] = dict(
                Observation.objects.latest_fetches(
                    indicator_ids={indicator.id}, area_ids=fetched_ids, start=start, end=end
                )
            )
        return built

    pieces = kept_pieces(names, version, build, refresh=refresh)
    rows = [row for row in pieces[CROSS_SECTION] if row[1] not in series_ids]
    rows += [row for area_id in series_ids for row in pieces[area_id]]
    store = SeriesStore.from_rows(rows)
    store.fetched_at = pieces[FETCHED]
    return store


def _group(
    state: ComparisonState,
    selected: Area | None,
    rar_level: bool,
    municipalities: list[Area],
    rar_of: dict[int, int],
    by_id: dict[int, Area],
) -> tuple[list[Area], str]:
    if rar_level:
        return [], ""
    if state.group == "liste":
        return [a for a in state.listed if a != selected], _("Egen liste")
    if selected is None:
        return [], ""
    if state.group == "region":
        members = [a for a in municipalities if a.region_id == selected.region_id and a != selected]
        return members, selected.region.name if selected.region else ""
    rar_id = rar_of.get(selected.id)
    members = [a for a in municipalities if rar_id and rar_of.get(a.id) == rar_id and a != selected]
    return members, by_id[rar_id].group_name if rar_id else ""


def _value_at(
    store: SeriesStore, indicator_id: int, area_id: int, period: str
) -> tuple[bool, Decimal | None]:
    cell = _cell_at(store, indicator_id, area_id, period)
    return cell is not None, cell.value if cell else None


def _cell_at(store: SeriesStore, indicator_id: int, area_id: int, period: str) -> Cell | None:
    return next((c for c in store.cells.get((indicator_id, area_id), []) if c.period == period), None)


def _cross_section(
    page: ComparisonPage, store: SeriesStore, units: list[Area], selected: Area | None, country: Area
) -> None:
    indicator, period = page.indicator, page.state.period
    values: dict[int, Decimal] = {}
    for area in units:
        present, value = _value_at(store, indicator.id, area.id, period)
        if value is not None:
            values[area.id] = value
        elif present:
            page.hidden.append(area)
    direction = indicator.better_direction
    third_of = thirds(values, indicator.unit) if values else {}
    names = {third: third_name(third, direction) for third in range(3)}  # each written once, not per bar
    group_ids = {a.id for a in page.group_members}
    bars = [
        Bar(
            name=area.name,
            value=values[area.id],
            role="selected"
            if selected and area.id == selected.id
            else "group"
            if area.id in group_ids
            else "other",
            third=names[third_of[area.id]],
        )
        for area in units
        if area.id in values
    ]
    page.third_counts = [
        (names[t], sum(1 for v in third_of.values() if v == t)) for t in thirds_best_first(direction)
    ]
    if selected and selected.id in third_of:
        page.selected_third = names[third_of[selected.id]]
    # Thirds, medians and the count are over the municipalities with a value: for a shared local indicator the
    # reporting ones only (the others have no observation at all).
    page.reporting = len(values) + len(page.hidden)
    _present, country_value = _value_at(store, indicator.id, country.id, period)
    unit = indicator.unit
    page.bar_description = _describe_cross_section(page, values, selected, country, country_value)
    title = _("%(name)s, %(period)s") % {"name": indicator.name, "period": format_period(period)}
    page.bar_source = chart_source(
        newest_period=period, fetched_at=store.fetched_at.get(indicator.id), reporters=indicator.is_local
    )
    page.bar_figure = bar_chart(
        title=title,
        source=page.bar_source,
        unit=unit,
        bars=bars,
        country_name=country_name(),
        country_value=country_value,
        legend_names={
            "selected": selected.name if selected else _("Valgt"),
            "group": page.group_label or _("Sammenligningsgruppe"),
            "other": _("Øvrige"),
        },
        filename=f"{indicator.code}-{period}",
        value_text=value_writer(unit),
    )
    ordered = sorted(bars, key=lambda bar: (-bar.value, bar.name))
    region_of = {a.name: (a.region.name if a.region else "") for a in units}
    rows = [(bar.name, [region_of[bar.name], bar.value, bar.third]) for bar in ordered]
    rows += [(area.name, [region_of[area.name], None, _("Vises ikke")]) for area in page.hidden]
    area_of = {a.name: a for a in units}
    if country_value is not None:
        rows.append((country_name(), ["", country_value, ""]))
        area_of[country_name()] = country
    cells = {name: _cell_at(store, indicator.id, area.id, period) for name, area in area_of.items()}
    page.bar_table = ChartTable(
        title=title,
        first_column=_("RAR-område") if page.rar_level else _("Kommune"),
        columns=[_("Region"), _("Værdi"), _("Tredjedel")],
        rows=rows,
        unit=unit,
        period_rows=False,
        provisional=[bool(cells[name] and cells[name].provisional) for name, _values in rows],
        period=period,
    )


def _development(page: ComparisonPage, store: SeriesStore, selected: Area | None, country: Area) -> None:
    indicator = page.indicator
    lines = []
    if selected is not None:
        lines.append(store.line(indicator.id, selected.id, name=selected.name, role="main"))
    if page.group_members:
        name = _("Median for %(group)s") % {"group": page.group_label}
        group = store.median_line(indicator.id, [a.id for a in page.group_members], name=name)
        if group is not None:
            lines.append(group)
    lines.append(store.line(indicator.id, country.id, name=country_name(), role="country"))
    lines = [line for line in lines if line.periods]
    page.has_provisional = any(any(line.provisional) for line in lines)
    country_points = store.points(indicator.id, country.id)
    if selected is not None:
        name = f"{indicator.name} ({selected.name})"
        points = store.points(indicator.id, selected.id)
        page.time_description = describe(
            name=name, unit=indicator.unit, points=points, country=country_points
        )
    else:
        name = f"{indicator.name} ({country_name()})"
        page.time_description = describe(name=name, unit=indicator.unit, points=country_points, country=[])
    title = _("Udvikling: %(name)s") % {"name": indicator.name}
    fetched = store.fetched_at.get(indicator.id)
    page.time_source = chart_source(
        newest_period=newest_period(lines), fetched_at=fetched, reporters=indicator.is_local
    )
    page.time_figure = line_chart(
        title=title,
        source=page.time_source,
        unit=indicator.unit,
        series=lines,
        filename=f"{indicator.code}-udvikling",
        value_text=value_writer(indicator.unit),
    )
    page.time_table = table_from_lines(
        title=title, period_label=_("Periode"), unit=indicator.unit, lines=lines
    )


def _describe_cross_section(
    page: ComparisonPage,
    values: dict[int, Decimal],
    selected: Area | None,
    country: Area,
    country_value: Decimal | None,
) -> str:
    unit = page.indicator.unit
    words = {
        "n": len(values),
        "period": format_period(page.state.period),
        "low": format_value(min(values.values()), unit) if values else "–",
        "high": format_value(max(values.values()), unit) if values else "–",
        "country": format_value(country_value, unit),
    }
    if page.rar_level:
        # The areas compared are named: eight RAR areas are not "the municipalities".
        sentence = ngettext(
            "%(n)s RAR-område med tal i %(period)s, fra %(low)s til %(high)s; hele landet: %(country)s.",
            "%(n)s RAR-områder med tal i %(period)s, fra %(low)s til %(high)s; hele landet: %(country)s.",
            len(values),
        )
    else:
        sentence = ngettext(
            "%(n)s kommune med tal i %(period)s, fra %(low)s til %(high)s; hele landet: %(country)s.",
            "%(n)s kommuner med tal i %(period)s, fra %(low)s til %(high)s; hele landet: %(country)s.",
            len(values),
        )
    sentence = sentence % words
    if selected is not None and selected.id in values:
        sentence += " " + _("%(name)s: %(value)s, i %(third)s.") % {
            "name": selected.name,
            "value": format_value(values[selected.id], unit),
            "third": page.selected_third.lower(),
        }
    return sentence
