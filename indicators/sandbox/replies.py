"""The sandbox's replies to the v3 protocol of ../shared/jobindsats/API.md, built without HTTP.

`subjects_reply`, `catalogue_reply`, `table_reply` and `data_reply` return the JSON the real service returns
(before the BOM the server adds), so benchmarks can make large sandbox-shaped replies quickly. The recruitment
survey's period type is "H" (2023H1, 2023H2), which indicators/periods.py reads.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np

from indicators.sandbox import world
from indicators.sandbox.cube import ROOT_ID, TOTAL_NAME, AreaNode, area_tree, danish_int, formatted_cube

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
DEFAULT_MAX_CELLS = 100_000
AREA_DIMENSION = "_omrade"


class SandboxRequestError(Exception):
    """A request the sandbox refuses, as the real service would: an HTTP status and a message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def today_in_copenhagen() -> date:
    """Today's date where Jobindsats is."""
    return datetime.now(tz=COPENHAGEN).date()


def _spec(table_id: str) -> world.TableSpec:
    """The table, or a 404 naming it."""
    spec = world.TABLES.get(table_id.lower())
    if spec is None:
        raise SandboxRequestError(404, f"Tabellen {table_id!r} findes ikke.")
    return spec


# --- Replies -----------------------------------------------------------------------------------------------
def subjects_reply() -> list[dict]:
    """GET /v3/subjects."""
    names = dict.fromkeys(spec.subject for spec in world.TABLES.values())
    return [{"subject_id": name.lower().replace(" ", "_"), "subject_name": name} for name in names]


def _update_dates(spec: world.TableSpec, *, today: date, revision: int) -> tuple[str, str]:
    """The catalogue's update_latest/update_next: a revision is a new update, so it moves update_latest."""
    if spec.period_type == "H":
        periods = world.period_ids(spec, today=today)
        latest = world.survey_published(periods[-1])
        upcoming = world.survey_published(
            f"{periods[-1][:4]}H2" if periods[-1].endswith("1") else f"{int(periods[-1][:4]) + 1}H1"
        )
    else:
        latest = (
            today.replace(day=5)
            if today.day >= 5
            else (today.replace(day=1) - timedelta(days=1)).replace(day=5)
        )
        upcoming = (latest.replace(day=28) + timedelta(days=8)).replace(day=5)
    latest += timedelta(days=revision)

    def fmt(day: date) -> str:
        return datetime(day.year, day.month, day.day, 8, 0).strftime(spec.update_format)  # noqa: DTZ001

    return fmt(latest), fmt(upcoming)


def catalogue_reply(*, revision: int = 0, today: date | None = None) -> list[dict]:
    """GET /v3/tables: subjects → table groups → tables with update dates and period types."""
    today = today or today_in_copenhagen()
    subjects: dict[str, dict[str, list[dict]]] = {}
    for spec in world.TABLES.values():
        latest, upcoming = _update_dates(spec, today=today, revision=revision)
        periods = world.period_ids(spec, today=today)
        subjects.setdefault(spec.subject, {}).setdefault(spec.table_group, []).append(
            {
                "table_id": spec.table_id,
                "table_name": spec.name,
                "update_latest": latest,
                "update_next": upcoming,
                "update_freq": "Halvårlig" if spec.period_type == "H" else "Månedlig",
                "periods": {
                    "periodtypes": [
                        {
                            "periodtype_id": spec.period_type,
                            "period_first": periods[0],
                            "period_last": periods[-1],
                        }
                    ]
                },
            }
        )
    return [
        {
            "subject_name": subject,
            "table_groups": [
                {"table_group_name": group, "tables": tables} for group, tables in groups.items()
            ],
        }
        for subject, groups in subjects.items()
    ]


def _values(nodes: tuple[AreaNode, ...]) -> list[dict]:
    return [{"value_id": node.value_id, "value_name": node.name} for node in nodes]


def table_reply(table_id: str, *, today: date | None = None) -> dict:
    """GET /v3/table/{id}: periods, dimensions with hierarchies and levels, measure groups."""
    spec = _spec(table_id)
    tree = area_tree(spec.leaves())
    ids = world.period_ids(spec, today=today or today_in_copenhagen())
    dimensions = [
        {
            "dimension_id": AREA_DIMENSION,
            "dimension_name": "Område",
            "hierarchies": [
                {
                    "hierarchy_id": hierarchy,
                    "levels": [
                        {"level_id": level, "values": _values(members)}
                        for level, members in tree.levels[hierarchy]
                    ],
                }
                for hierarchy in spec.area_hierarchies
            ],
        }
    ]
    if spec.breakdown is not None:
        bd = spec.breakdown
        dimensions.append(
            {
                "dimension_id": bd.dimension_id,
                "dimension_name": bd.label,
                "hierarchies": [
                    {
                        "hierarchy_id": bd.hierarchy_id,
                        "levels": [
                            {
                                "level_id": "i_alt",
                                "values": [{"value_id": ROOT_ID, "value_name": TOTAL_NAME}],
                            },
                            {
                                "level_id": bd.dimension_id,
                                "values": [{"value_id": v, "value_name": n} for v, n in bd.values],
                            },
                        ],
                    }
                ],
            }
        )
    return {
        "table_id": spec.table_id,
        "table_name": spec.name,
        "periods": [{"periodtype_id": spec.period_type, "values": [{"period_id": p} for p in ids]}],
        "dimensions": dimensions,
        "mgroups": [
            {
                "mgroup_id": spec.mgroup_id,
                "mgroup_name": spec.mgroup_name,
                "measures": [{"measure_id": m.measure_id, "measure_name": m.label} for m in spec.measures],
            }
        ],
    }


# --- Data: the documented selectors (API.md § Data), raw or percent-encoded (parse_qsl decodes both) -----
def _select_periods(spec: world.TableSpec, ids: list[str], query: dict[str, str]) -> list[int]:
    """Indices of the periods chosen by period.<TYPE>=ids|latest:N|*; the newest period when none is given."""
    chosen: list[int] = []
    for key, selector in query.items():
        if not key.startswith("period."):
            continue
        period_type = key.removeprefix("period.")
        if period_type != spec.period_type:
            raise SandboxRequestError(
                422, f"Ugyldig periodetype {period_type!r} for tabellen {spec.table_id}."
            )
        if selector == "*":
            chosen += range(len(ids))
        elif selector.startswith("latest:"):
            try:
                n = int(selector.removeprefix("latest:"))
            except ValueError:
                raise SandboxRequestError(400, f"Ugyldig periodeudvælgelse {selector!r}.") from None
            chosen += range(max(len(ids) - n, 0), len(ids))
        else:
            index = {p: i for i, p in enumerate(ids)}
            for period in selector.split(","):
                if period not in index:
                    raise SandboxRequestError(
                        400, f"Perioden {period!r} findes ikke i tabellen {spec.table_id}."
                    )
                chosen.append(index[period])
    return list(dict.fromkeys(chosen)) if chosen else [len(ids) - 1]


def _select_members(
    levels: tuple[tuple[str, tuple[AreaNode, ...]], ...], selector: str, hierarchy: str
) -> list[AreaNode]:
    """Members chosen by * (all), / (the root), level:<id>, or a comma list of value ids."""
    everyone = [node for _, members in levels for node in members]
    if selector == "*":
        return everyone
    if selector == "/":
        return [levels[0][1][0]]
    if selector.startswith("level:"):
        level_id = selector.removeprefix("level:")
        for candidate, members in levels:
            if candidate == level_id:
                return list(members)
        raise SandboxRequestError(400, f"Niveauet {level_id!r} findes ikke i hierarkiet {hierarchy}.")
    by_id = {node.value_id: node for node in everyone}
    chosen = []
    for value_id in selector.split(","):
        if value_id == "/":
            chosen.append(levels[0][1][0])
        elif value_id in by_id:
            chosen.append(by_id[value_id])
        else:
            raise SandboxRequestError(400, f"Værdien {value_id!r} findes ikke i hierarkiet {hierarchy}.")
    return chosen


def _breakdown_levels(spec: world.TableSpec) -> tuple[tuple[str, tuple[AreaNode, ...]], ...]:
    """The breakdown hierarchy as levels of members; row 0 is "I alt"."""
    bd = spec.breakdown
    values = tuple(AreaNode(v, n, i) for i, (v, n) in enumerate(bd.values, start=1))
    return (("i_alt", (AreaNode(ROOT_ID, TOTAL_NAME, 0),)), (bd.dimension_id, values))


def _select_dimensions(spec: world.TableSpec, query: dict[str, str]) -> tuple[list[AreaNode], list[AreaNode]]:
    """The chosen area nodes (union over the area hierarchies asked for) and breakdown members."""
    tree = area_tree(spec.leaves())
    areas: list[AreaNode] = []
    breakdown: list[AreaNode] = [AreaNode(ROOT_ID, TOTAL_NAME, 0)]
    for key, selector in query.items():
        if not key.startswith("hierarchy."):
            continue
        hierarchy = key.removeprefix("hierarchy.")
        if hierarchy in spec.area_hierarchies:
            areas += _select_members(tree.levels[hierarchy], selector, hierarchy)
        elif spec.breakdown is not None and hierarchy == spec.breakdown.hierarchy_id:
            breakdown = _select_members(_breakdown_levels(spec), selector, hierarchy)
        else:
            raise SandboxRequestError(
                400, f"Hierarkiet {hierarchy!r} findes ikke i tabellen {spec.table_id}."
            )
    return list(dict.fromkeys(areas)) or [tree.nodes[0]], list(dict.fromkeys(breakdown))


def _select_measures(spec: world.TableSpec, query: dict[str, str]) -> list[world.MeasureSpec]:
    """Measures chosen by mgroup.<id>=ids|* or mgroup.*=*; every measure when none is given."""
    chosen: list[world.MeasureSpec] = []
    for key, selector in query.items():
        if not key.startswith("mgroup."):
            continue
        mgroup = key.removeprefix("mgroup.")
        if mgroup not in ("*", spec.mgroup_id):
            raise SandboxRequestError(400, f"Målgruppen {mgroup!r} findes ikke i tabellen {spec.table_id}.")
        if selector == "*":
            chosen += spec.measures
            continue
        by_id = {m.measure_id: m for m in spec.measures}
        for measure_id in selector.split(","):
            if measure_id not in by_id:
                raise SandboxRequestError(400, f"Målet {measure_id!r} findes ikke i målgruppen {mgroup}.")
            chosen.append(by_id[measure_id])
    return list(dict.fromkeys(chosen)) or list(spec.measures)


_KNOWN_PREFIXES = ("period.", "hierarchy.", "mgroup.")


def data_reply(
    table_id: str,
    query: dict[str, str],
    *,
    revision: int = 0,
    today: date | None = None,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> dict:
    """GET /v3/data/{id}: {"columns": [labels], "rows": [[period, area, (breakdown), measures...], ...]}."""
    spec = _spec(table_id)
    for key, value in query.items():
        if key == "format" and value != "json":
            raise SandboxRequestError(400, "Sandkassen svarer kun i format=json.")
        if key != "format" and not key.startswith(_KNOWN_PREFIXES):
            raise SandboxRequestError(400, f"Ukendt parameter {key!r}.")
    ids = world.period_ids(spec, today=today or today_in_copenhagen())
    periods = _select_periods(spec, ids, query)
    areas, breakdown = _select_dimensions(spec, query)
    measures = _select_measures(spec, query)
    n_cells = len(periods) * len(areas) * len(breakdown) * len(measures)
    if n_cells > max_cells:
        raise SandboxRequestError(
            400,
            f"Forespørgslen giver {danish_int(n_cells)} celler; grænsen er {danish_int(max_cells)}. "
            "Del forespørgslen op, fx efter perioder.",
        )
    cube = formatted_cube(spec.table_id, len(ids), revision)
    grid = np.ix_([a.row for a in areas], [b.row for b in breakdown], periods)
    # (areas, breakdown, periods, measures) → rows ordered by period, then area, then breakdown value.
    cells = np.stack([cube[m.measure_id][grid] for m in measures], axis=-1).transpose(2, 0, 1, 3)
    flat = cells.reshape(-1, len(measures)).tolist()
    if spec.breakdown is not None:
        keys = [[ids[p], a.name, b.name] for p in periods for a in areas for b in breakdown]
        columns = ["Periode", "Område", spec.breakdown.label]
    else:
        keys = [[ids[p], a.name] for p in periods for a in areas]
        columns = ["Periode", "Område"]
    return {
        "columns": columns + [m.label for m in measures],
        "rows": [key + values for key, values in zip(keys, flat, strict=True)],
    }
