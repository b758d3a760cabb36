"""The sandbox's cube: every area node × breakdown value × period, summed from the leaves and formatted as
Jobindsats formats it (Danish number strings, ".." for small numbers, "-" for nothing to count)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from indicators.sandbox import world

ROOT_ID = "0"
TOTAL_NAME = "I alt"


# --- Areas: the _omrade dimension's hierarchies and how they sum the leaves -----------------------------
@dataclass(frozen=True)
class AreaNode:
    value_id: str
    name: str
    row: int  # row in the aggregated cube


@dataclass(frozen=True)
class AreaTree:
    nodes: tuple[AreaNode, ...]
    weights: np.ndarray  # (nodes, leaves): which leaves each node sums
    levels: dict[str, tuple[tuple[str, tuple[AreaNode, ...]], ...]]  # hierarchy → ((level_id, members), ...)


def rar_name(rar: str) -> str:
    """A RAR area as Jobindsats names it: "RAR Østjylland" (our areas are named "Østjylland")."""
    return f"RAR {rar}"


@lru_cache(maxsize=2)
def area_tree(leaves: str) -> AreaTree:
    """The area nodes for "municipal" leaves (98 + Uoplyst område) or "rar" leaves (8 RAR areas)."""
    munis = world.municipalities()
    rars = world.rar_areas()
    if leaves == "rar":
        members = [
            (f"reko{i}", rar_name(name), [name == r for r in rars]) for i, name in enumerate(rars, start=1)
        ]
        country = AreaNode(ROOT_ID, world.COUNTRY, 0)
        rar_nodes = tuple(AreaNode(vid, name, i) for i, (vid, name, _) in enumerate(members, start=1))
        weights = np.array([[True] * len(rars)] + [w for _, _, w in members], dtype=np.int64)
        levels = {
            "_hele_landet": (("hele_landet", (country,)),),
            "_reko": (("hele_landet", (country,)), ("reko", rar_nodes)),
        }
        return AreaTree(nodes=(country, *rar_nodes), weights=weights, levels=levels)
    n_leaves = len(munis) + 1
    rows: list[tuple[str, str, np.ndarray]] = [(ROOT_ID, world.COUNTRY, np.ones(n_leaves, dtype=np.int64))]
    for i, m in enumerate(munis):
        rows.append((m.code, m.name, np.eye(n_leaves, dtype=np.int64)[i]))
    rows.append(("999", world.UNKNOWN_AREA, np.eye(n_leaves, dtype=np.int64)[-1]))
    for region in world.regions():
        rows.append(
            (world.REGION_CODES[region], region, np.array([m.region == region for m in munis] + [False]))
        )
    for i, rar in enumerate(rars, start=1):
        rows.append((f"reko{i}", rar_name(rar), np.array([m.rar == rar for m in munis] + [False])))
    nodes = tuple(AreaNode(vid, name, row) for row, (vid, name, _) in enumerate(rows))
    country, kom = nodes[0], nodes[1 : n_leaves + 1]
    region_nodes = nodes[n_leaves + 1 : n_leaves + 6]
    rar_nodes = nodes[n_leaves + 6 :]
    levels = {
        "_nykom": (("hele_landet", (country,)), ("kommune", kom)),
        "_hele_landet": (("hele_landet", (country,)),),
        "_region": (("hele_landet", (country,)), ("region", region_nodes)),
        "_reko": (("hele_landet", (country,)), ("reko", rar_nodes)),
    }
    weights = np.array([w for _, _, w in rows], dtype=np.int64)
    return AreaTree(nodes=nodes, weights=weights, levels=levels)


# --- The cube: every area node × breakdown value (0 = "I alt") × period, formatted once per revision -------
def danish_int(n: int) -> str:
    """1234 → "1.234"."""
    return f"{n:,}".replace(",", ".")


def danish_decimal(x: float, decimals: int) -> str:
    """1234.5 → "1.234,50" (with decimals=2)."""
    return f"{x:,.{decimals}f}".replace(",", "\0").replace(".", ",").replace("\0", ".")


@lru_cache(maxsize=8)
def formatted_cube(table_id: str, n_periods: int, revision: int) -> dict[str, np.ndarray]:
    """Formatted cells per measure id, shape (area nodes, breakdown values, periods), as object arrays."""
    spec = world.TABLES[table_id]
    leaf_base, leaf_count = world.leaf_series(table_id, n_periods=n_periods, revision=revision)
    weights = area_tree(spec.leaves()).weights
    base = np.einsum("nl,lbt->nbt", weights, leaf_base)
    count = np.einsum("nl,lbt->nbt", weights, leaf_count)
    if spec.breakdown is not None:
        base = np.concatenate([base.sum(axis=1, keepdims=True), base], axis=1)
        count = np.concatenate([count.sum(axis=1, keepdims=True), count], axis=1)
    # Discretion as on Jobindsats: 1–4 persons are shown as "..", and so is any share built on them;
    # nobody to count gives "-".
    empty = base == 0
    small = (base < 5) | ((count > 0) & (count < 5))
    shape = base.shape
    as_text = (lambda n: n) if spec.base_as_json_number else danish_int
    base_cells = np.array([as_text(n) for n in base.ravel().tolist()], dtype=object).reshape(shape)
    count_cells = np.array([danish_int(n) for n in count.ravel().tolist()], dtype=object).reshape(shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(empty, 0.0, count / np.maximum(base, 1) * 100)
    pct_cells = np.array(
        [danish_decimal(x, spec.pct_decimals) for x in share.ravel().tolist()], dtype=object
    ).reshape(shape)
    by_role = {
        "base": np.where(empty, "-", np.where(base < 5, "..", base_cells)),
        "count": np.where(empty, "-", np.where(small, "..", count_cells)),
        "pct": np.where(empty, "-", np.where(small, "..", pct_cells)),
    }
    return {m.measure_id: by_role[m.role] for m in spec.measures}
