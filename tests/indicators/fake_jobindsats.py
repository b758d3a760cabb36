"""An in-memory stand-in for JobindsatsClient that answers with the client's typed results (no HTTP).

Used for ingestion and discovery unit tests; the HTTP path is covered against the sandbox server.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from indicators.jobindsats import (
    CatalogueTable,
    Cell,
    DataRow,
    DataTable,
    Dimension,
    DimensionValue,
    Hierarchy,
    JobindsatsUnavailable,
    Level,
    Measure,
    MeasureGroup,
    TableMetadata,
)
from municipalities.models import Area

SHARE = "Andel ydelsesmodtagere, som har påbegyndt et opkvalificeringsforløb (pct.)"
COUNT = "Antal ydelsesmodtagere, som har påbegyndt et opkvalificeringsforløb"


def months(first_year: int, last: str) -> list[str]:
    """Monthly period ids from January of first_year up to and including `last` (e.g. "2024M06")."""
    last_year, last_month = int(last[:4]), int(last[5:])
    return [
        f"{year}M{month:02d}"
        for year in range(first_year, last_year + 1)
        for month in range(1, 13)
        if (year, month) <= (last_year, last_month)
    ]


def default_value(area: str, period: str, breakdown: tuple, measure: str) -> Decimal | None:
    """A deterministic value per cell: differs by area, period and measure."""
    base = (sum(map(ord, area)) % 50) + int(period[-2:]) + (7 * len(breakdown))
    return Decimal(base) / (Decimal(10) if measure == SHARE else Decimal(1))


@dataclass
class FakeJobindsats:
    """Answers catalogue/table/data like the real client; `fail_on_data_call` makes the n-th data call fail."""

    table_id: str = "mm17a01"
    periods: list[str] = field(default_factory=lambda: months(2022, "2024M06"))
    measures: tuple[str, ...] = (SHARE, COUNT)
    municipalities: list[str] | None = None
    rar_areas: list[str] | None = None  # None: the table has no _reko hierarchy
    extra_area_rows: tuple[str, ...] = ("Hele landet", "Uoplyst område")
    breakdown: tuple[str, list[str]] | None = None  # (hierarchy id, member names), e.g. ydelsesgruppe
    # How the breakdown's total is labelled in data rows (None: left out of the breakdown, as the client does),
    # and whether the metadata lists it as the hierarchy's root level.
    total_label: str | None = None
    total_in_metadata: bool = True
    value: Callable[[str, str, tuple, str], Decimal | None] = default_value
    fail_on_data_call: int | None = None
    fail_with: Exception = field(
        default_factory=lambda: JobindsatsUnavailable("Jobindsats svarer ikke (503).")
    )
    is_sandbox: bool = False
    update_latest_raw: str = "2024-07-15"
    data_calls: list[dict] = field(default_factory=list)
    digest_salt: str = ""  # change it to make equal replies look new (as a reply reformatted by the server)

    def __post_init__(self) -> None:
        if self.municipalities is None:
            self.municipalities = list(
                Area.objects.filter(kind=Area.Kind.MUNICIPALITY).values_list("name", flat=True)
            )

    def close(self) -> None:
        """Nothing to close (the real client closes its connections)."""

    def catalogue(self) -> list[CatalogueTable]:
        return [
            CatalogueTable(
                table_id=self.table_id,
                name="MM17: Antal og andel ydelsesmodtagere, som har påbegyndt et opkvalificeringsforløb",
                subject="Ministerens mål",
                table_group="Mål 2",
                update_latest_raw=self.update_latest_raw,
                update_latest=None,
                update_next_raw="",
                update_next=None,
                update_freq="Månedlig",
                period_types=("M",),
            ),
            CatalogueTable(
                table_id="y01a02",
                name="Ydelsesmodtagere",
                subject="Ydelser",
                table_group="Alle ydelser",
                update_latest_raw="2024-07-01",
                update_latest=None,
                update_next_raw="",
                update_next=None,
                update_freq="Månedlig",
                period_types=("M", "Q"),
            ),
        ]

    def _hierarchy(self, hierarchy_id: str, names: list[str]) -> Hierarchy:
        values = tuple(DimensionValue(value_id=str(i), value_name=name) for i, name in enumerate(names))
        return Hierarchy(hierarchy_id=hierarchy_id, levels=(Level(level_id="1", values=values),))

    def table(self, table_id: str) -> TableMetadata:
        area_hierarchies = [self._hierarchy("_nykom", self.municipalities)]
        if self.rar_areas is not None:
            area_hierarchies.append(self._hierarchy("_reko", self.rar_areas))
        dimensions = [Dimension(dimension_id="_omrade", hierarchies=tuple(area_hierarchies))]
        if self.breakdown:
            hierarchy = self._hierarchy(*self.breakdown)
            if self.total_label and self.total_in_metadata:
                root = Level(level_id="i_alt", values=(DimensionValue("0", self.total_label),))
                hierarchy = Hierarchy(hierarchy.hierarchy_id, (root, *hierarchy.levels))
            dimensions.append(Dimension("_ydelse", (hierarchy,)))
        measures = tuple(Measure(measure_id=f"meas{i}", name=name) for i, name in enumerate(self.measures))
        return TableMetadata(
            table_id=table_id,
            periods={"M": tuple(self.periods)},
            dimensions=tuple(dimensions),
            mgroups=(MeasureGroup(mgroup_id="mgrp1", name="Mål", measures=measures),),
            raw={"table_id": table_id},
        )

    def data(self, table_id, *, periods, hierarchies, mgroups, measure_labels, known_digest="") -> DataTable:
        self.data_calls.append({"periods": periods, "hierarchies": hierarchies, "mgroups": mgroups})
        if self.fail_on_data_call is not None and len(self.data_calls) == self.fail_on_data_call:
            raise self.fail_with
        area_names = list(self.municipalities) + list(self.extra_area_rows)
        if hierarchies.get("_nykom") == "/":
            area_names = ["Hele landet"]
        if "_reko" in hierarchies:
            area_names = list(self.rar_areas or []) + ["Hele landet"]
        members = [(("ydelsesgruppe", self.total_label),) if self.total_label else ()]
        if self.breakdown and hierarchies.get(self.breakdown[0]) == "*":
            members += [(("ydelsesgruppe", name),) for name in self.breakdown[1]]
        rows = []
        for (period_ids,) in [tuple(periods.values())]:
            for period in period_ids:
                for area in area_names:
                    for member in members:
                        cells = {}
                        for measure in self.measures:
                            value = self.value(area, period, member, measure)
                            cells[measure] = Cell(value=value, suppressed=value is None)
                        rows.append(DataRow(period=period, area_name=area, breakdown=member, cells=cells))
        # Like the real client: a reply whose content is what the caller already had is not handed over again.
        digest = hashlib.blake2b(repr((self.digest_salt, rows)).encode(), digest_size=16).hexdigest()
        if known_digest == digest:
            return DataTable(table_id, (), is_sandbox=self.is_sandbox, digest=digest, unchanged=True)
        return DataTable.from_rows(table_id, rows, is_sandbox=self.is_sandbox, digest=digest)
