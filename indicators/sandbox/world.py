"""The sandbox's synthetic world: its areas, its tables, and deterministic, plausible series for them.

Every number is a seeded function of table, area, breakdown and period (numpy generators seeded by CRC32 of a
name), so two runs, two processes and two machines see the same figures. Counts are generated for the leaves
(municipalities and "Uoplyst område", or RAR areas) and summed upwards, so a region, a RAR area, the country
and a breakdown's "I alt" always equal the sum of their parts, and a share is always its count over its base.
The protocol lives beside it: cube.py (sums and formatting), replies.py (selectors), server.py (HTTP, faults).
"""

from __future__ import annotations

import csv
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import numpy as np

DATA_DIR = Path(__file__).resolve().parents[2] / "municipalities" / "data"
COUNTRY = "Hele landet"
UNKNOWN_AREA = "Uoplyst område"
REGION_CODES = {
    "Region Nordjylland": "1081",
    "Region Midtjylland": "1082",
    "Region Syddanmark": "1083",
    "Region Hovedstaden": "1084",
    "Region Sjælland": "1085",
}
# Series are generated up to this month and sliced to "last month", so a period's value never depends on today.
HORIZON = date(2040, 12, 1)
# How many of the newest periods a revision touches (Jobindsats revises recent months: late registrations).
REVISED_PERIODS = {"M": 3, "H": 1}

# Inhabitants in thousands, roughly (Danmarks Statistik, 2024): scales every municipal series.
POPULATION = {
    "København": 660, "Frederiksberg": 105, "Ballerup": 52, "Brøndby": 39, "Dragør": 15, "Gentofte": 75,
    "Gladsaxe": 70, "Glostrup": 24, "Herlev": 30, "Albertslund": 28, "Hvidovre": 54, "Høje-Taastrup": 58,
    "Lyngby-Taarbæk": 57, "Rødovre": 41, "Ishøj": 24, "Tårnby": 44, "Vallensbæk": 17, "Furesø": 41,
    "Allerød": 26, "Fredensborg": 41, "Helsingør": 64, "Hillerød": 55, "Hørsholm": 25, "Rudersdal": 57,
    "Egedal": 44, "Frederikssund": 46, "Greve": 51, "Køge": 62, "Halsnæs": 32, "Roskilde": 90, "Solrød": 24,
    "Gribskov": 42, "Odsherred": 33, "Holbæk": 73, "Faxe": 38, "Kalundborg": 49, "Ringsted": 36,
    "Slagelse": 80, "Stevns": 23, "Sorø": 30, "Lejre": 29, "Lolland": 40, "Næstved": 84, "Guldborgsund": 60,
    "Vordingborg": 46, "Bornholm": 39, "Middelfart": 39, "Assens": 41, "Faaborg-Midtfyn": 52,
    "Kerteminde": 24, "Nyborg": 32, "Odense": 207, "Svendborg": 59, "Nordfyns": 30, "Langeland": 12,
    "Ærø": 6, "Haderslev": 56, "Billund": 27, "Sønderborg": 74, "Tønder": 37, "Esbjerg": 116, "Fanø": 3.5,
    "Varde": 50, "Vejen": 43, "Aabenraa": 59, "Fredericia": 52, "Horsens": 97, "Kolding": 95, "Vejle": 121,
    "Herning": 90, "Holstebro": 59, "Lemvig": 19, "Struer": 21, "Syddjurs": 43, "Norddjurs": 37,
    "Favrskov": 49, "Odder": 23, "Randers": 99, "Silkeborg": 100, "Samsø": 3.7, "Skanderborg": 64,
    "Aarhus": 367, "Ikast-Brande": 42, "Ringkøbing-Skjern": 56, "Hedensted": 47, "Morsø": 20, "Skive": 46,
    "Thisted": 43, "Viborg": 98, "Brønderslev": 36, "Frederikshavn": 59, "Vesthimmerlands": 36, "Læsø": 1.8,
    "Rebild": 31, "Mariagerfjord": 41, "Jammerbugt": 38, "Aalborg": 222, "Hjørring": 64,
}  # fmt: skip
UNKNOWN_AREA_POPULATION = 0.4  # people whose municipality is not registered: a handful, mostly suppressed


# --- Areas -------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Municipality:
    code: str
    name: str
    region: str
    rar: str


@lru_cache(maxsize=1)
def municipalities() -> tuple[Municipality, ...]:
    """The 98 municipalities with region and RAR area, from municipalities/data/*.csv."""
    with open(DATA_DIR / "rar_areas.csv", encoding="utf-8-sig", newline="") as handle:
        rar_of = {row["municipality"]: row["rar"] for row in csv.DictReader(handle)}
    with open(DATA_DIR / "municipalities.csv", encoding="utf-8-sig", newline="") as handle:
        return tuple(
            Municipality(code=row["code"], name=row["name"], region=row["region"], rar=rar_of[row["name"]])
            for row in csv.DictReader(handle)
        )


def rar_areas() -> tuple[str, ...]:
    """The eight RAR areas, in the order of rar_areas.csv."""
    return tuple(dict.fromkeys(m.rar for m in municipalities()))


def regions() -> tuple[str, ...]:
    """The five regions, by official code."""
    return tuple(sorted(REGION_CODES, key=REGION_CODES.get))


def municipal_population() -> np.ndarray:
    """Inhabitants (thousands) of the municipal leaves: 98 municipalities, then "Uoplyst område"."""
    return np.array([POPULATION.get(m.name, 40.0) for m in municipalities()] + [UNKNOWN_AREA_POPULATION])


def rar_population() -> np.ndarray:
    """Inhabitants (thousands) of each RAR area."""
    pops = dict.fromkeys(rar_areas(), 0.0)
    for municipality, pop in zip(municipalities(), municipal_population(), strict=False):
        pops[municipality.rar] += pop
    return np.array(list(pops.values()))


# --- Periods -----------------------------------------------------------------------------------------------
def month_ids(first: date, last: date) -> list[str]:
    """Monthly period ids from first to last inclusive: 2018M01, 2018M02, …"""
    ids, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        ids.append(f"{year}M{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return ids


def half_year_ids(first_year: int, last_year: int) -> list[str]:
    """Half-yearly period ids (type "H"): 2019H1, 2019H2, …"""
    return [f"{year}H{half}" for year in range(first_year, last_year + 1) for half in (1, 2)]


def last_month(today: date) -> date:
    """The newest month a monthly table holds: the month before today's."""
    return date(today.year - 1, 12, 1) if today.month == 1 else date(today.year, today.month - 1, 1)


def survey_published(period_id: str) -> date:
    """When the recruitment survey for a half-year is published: H1 at the end of November, H2 at the end of June.

    The survey is published end of June and end of November (FACTS.md § Indicators, goal 5); a half-year's
    figures come out after it ends: H1 (January–June) in November, H2 (July–December) in June the year after.
    """
    year, half = int(period_id[:4]), int(period_id[-1])
    return date(year, 11, 30) if half == 1 else date(year + 1, 6, 30)


def _time(period_ids: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Each period's fractional year (2020.5 = July 2020) and month number (1–12; 1 or 7 for halves)."""
    years = np.array([int(p[:4]) for p in period_ids], dtype=float)
    if "M" in period_ids[0]:
        months = np.array([int(p[-2:]) for p in period_ids])
    else:
        months = np.array([1 if p.endswith("1") else 7 for p in period_ids])
    return years + (months - 1) / 12, months


def _rng(*parts: object) -> np.random.Generator:
    """A generator seeded by the names it is for, so each series has its own stable stream."""
    return np.random.default_rng(zlib.crc32(":".join(map(str, parts)).encode()))


def _covid(years: np.ndarray) -> np.ndarray:
    """A bump around spring–autumn 2020: 1 at its peak, 0 far from it."""
    return np.exp(-(((years - 2020.45) / 0.3) ** 2))


# --- Series: each returns (base, count) for the leaves, shape (leaves, breakdown values, periods) --------
Series = tuple[np.ndarray, np.ndarray]


def _mm17_series(table_id: str, period_ids: list[str]) -> Series:
    """Recipients of dagpenge/kontanthjælp/uddannelseshjælp/ledighedsydelse and those starting up-skilling."""
    years, months = _time(period_ids)
    pop = municipal_population()[:, None, None]
    rng = _rng(table_id, "levels")
    per_thousand = np.array([14.0, 10.0, 5.0, 2.5])[None, :, None]
    area = rng.lognormal(0, 0.25, size=(pop.shape[0], 4, 1))
    trend = np.stack(
        [
            (1 - 0.01 * (years - 2018))
            * (1 + 0.35 * _covid(years))
            * (1 + 0.08 * np.cos(2 * np.pi * (months - 1) / 12)),
            1 - 0.03 * (years - 2018),
            1 - 0.04 * (years - 2018),
            1 + 0.01 * (years - 2018),
        ]
    )[None]
    noise = 1 + 0.02 * _rng(table_id, "base-noise").standard_normal(size=(pop.shape[0], 4, len(years)))
    base = np.rint(pop * per_thousand * area * trend * noise).astype(np.int64)
    seasonal = np.select([months == 8, months == 1, months == 7, months == 12], [1.8, 1.3, 0.4, 0.6], 1.0)
    share = np.array([0.012, 0.005, 0.020, 0.004])[None, :, None] * (1 + 0.04 * (years - 2018)) * seasonal
    share = share * rng.lognormal(0, 0.2, size=(pop.shape[0], 1, 1))
    count = _rng(table_id, "count").binomial(base, np.clip(share, 0, 0.5))
    return base, count


def _mm13_series(table_id: str, period_ids: list[str]) -> Series:
    """Refugees and family-reunified aged 18–66 by years of residence, and those in unsubsidised jobs."""
    years, months = _time(period_ids)
    pop = municipal_population()[:, None, None]
    rng = _rng(table_id, "levels")
    anchors = [2018, 2020, 2022, 2024, 2026, 2030]
    # The 2015–16 arrivals move through the residence groups: 0-3, 4-6, 7-10, over 10 years.
    mix = np.stack(
        [
            np.interp(years, anchors, [0.45, 0.22, 0.12, 0.14, 0.15, 0.15]),
            np.interp(years, anchors, [0.30, 0.38, 0.30, 0.15, 0.12, 0.12]),
            np.interp(years, anchors, [0.08, 0.20, 0.35, 0.42, 0.35, 0.30]),
            np.interp(years, anchors, [0.17, 0.20, 0.23, 0.29, 0.38, 0.43]),
        ]
    )[None]
    total = pop * 12.0 * rng.lognormal(0, 0.5, size=(pop.shape[0], 1, 1)) * (1 - 0.015 * (years - 2018))
    noise = 1 + 0.01 * _rng(table_id, "base-noise").standard_normal(size=(pop.shape[0], 4, len(years)))
    base = np.rint(total * mix * noise).astype(np.int64)
    start = np.array([0.18, 0.38, 0.47, 0.45])[None, :, None]
    rate = (
        start
        + 0.018 * np.minimum(years - 2018, 7)
        - 0.04 * _covid(years)
        + 0.01 * (months >= 6) * (months <= 8)
    )
    rate = rate + rng.normal(0, 0.04, size=(pop.shape[0], 1, 1))
    count = _rng(table_id, "count").binomial(base, np.clip(rate, 0.05, 0.9))
    return base, count


# The survey's national rate of failed recruitments per half-year (2019 H1 …), then flat with noise.
_FAILED_SHARE = [0.22, 0.20, 0.15, 0.13, 0.19, 0.27, 0.31, 0.26, 0.23, 0.20, 0.19, 0.18, 0.17, 0.18, 0.17]


def _recruitment_series(table_id: str, period_ids: list[str]) -> Series:
    """Recruitment attempts and failed recruitments per RAR area and half-year (survey estimates, rounded to 10)."""
    years, _ = _time(period_ids)
    pop = rar_population()[:, None, None]
    rng = _rng(table_id, "levels")
    attempts = pop * 40.0 * (1 + 0.02 * (years - 2019)) * (1 - 0.2 * _covid(years))
    attempts = attempts * (
        1 + 0.05 * _rng(table_id, "base-noise").standard_normal(size=(pop.shape[0], 1, len(years)))
    )
    base = (np.rint(attempts / 10) * 10).astype(np.int64)
    national = np.interp(years, 2019 + 0.5 * np.arange(len(_FAILED_SHARE)), _FAILED_SHARE)
    share = national + rng.normal(0, 0.025, size=(pop.shape[0], 1, 1))
    share = share + 0.01 * _rng(table_id, "count").standard_normal(size=base.shape)
    count = (np.rint(base * np.clip(share, 0.05, 0.6) / 10) * 10).astype(np.int64)
    return base, count


def _unemployment_series(table_id: str, period_ids: list[str]) -> Series:
    """Population 16–66 and unemployed full-time persons: an unrelated table, so catalogue filters matter."""
    years, months = _time(period_ids)
    pop = municipal_population()[:, None, None]
    rng = _rng(table_id, "levels")
    base = np.rint(pop * 640 * (1 + 0.003 * (years - 2018))).astype(np.int64)  # (leaves, 1, periods)
    rate = 0.03 * rng.lognormal(0, 0.25, size=(pop.shape[0], 1, 1)) * (1 + 0.4 * _covid(years))
    rate = rate * (1 + 0.07 * np.cos(2 * np.pi * (months - 1) / 12))
    return base, _rng(table_id, "count").binomial(base, np.clip(rate, 0, 0.3))


# --- Tables ------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class MeasureSpec:
    measure_id: str
    label: str  # the long Danish display label that titles its data column
    role: str  # "base", "count" or "pct" (count / base × 100)


@dataclass(frozen=True)
class BreakdownSpec:
    dimension_id: str
    hierarchy_id: str
    label: str  # the data column's label
    values: tuple[tuple[str, str], ...]  # (value_id, value_name); the total is "I alt"


@dataclass(frozen=True)
class TableSpec:
    table_id: str
    name: str
    subject: str
    table_group: str
    period_type: str
    first_period: str
    area_hierarchies: tuple[str, ...]  # area hierarchies of the _omrade dimension
    mgroup_id: str
    mgroup_name: str
    measures: tuple[MeasureSpec, ...]
    series: Callable[[str, list[str]], Series]
    breakdown: BreakdownSpec | None = None
    pct_decimals: int = 2
    base_as_json_number: bool = False  # some replies carry plain JSON numbers, others Danish strings
    update_format: str = "%d-%m-%Y"

    def leaves(self) -> str:
        """Which areas the series are generated for: "municipal" (98 + Uoplyst område) or "rar"."""
        return "rar" if self.area_hierarchies == ("_hele_landet", "_reko") else "municipal"


MINISTERIAL = "Ministerens mål"
MUNICIPAL_HIERARCHIES = ("_nykom", "_hele_landet", "_region", "_reko")

TABLES: dict[str, TableSpec] = {
    spec.table_id: spec
    for spec in (
        TableSpec(
            table_id="mm17a01",
            name="MM17: Antal og andel ydelsesmodtagere, som har påbegyndt et opkvalificeringsforløb",
            subject=MINISTERIAL,
            table_group="Mål 2: Flere ledige skal opkvalificeres",
            period_type="M",
            first_period="2018M01",
            area_hierarchies=MUNICIPAL_HIERARCHIES,
            mgroup_id="mgrpmm17_1",
            mgroup_name="Opkvalificering",
            measures=(
                MeasureSpec("measmm17_1", "Antal ydelsesmodtagere, som har påbegyndt et opkvalificeringsforløb", "count"),
                MeasureSpec("measmm17_2", "Antal ydelsesmodtagere (dagpenge, kontanthjælp, uddannelseshjælp og ledighedsydelse)", "base"),
                MeasureSpec("measmm17_3", "Andel ydelsesmodtagere, som har påbegyndt et opkvalificeringsforløb (pct.)", "pct"),
            ),
            series=_mm17_series,
            breakdown=BreakdownSpec(
                "ydelsesgrp", "_ydelsesgrp", "Ydelsesgruppe",
                (("dp", "Dagpenge"), ("kh", "Kontanthjælp"), ("uh", "Uddannelseshjælp"), ("ly", "Ledighedsydelse")),
            ),
        ),
        TableSpec(
            table_id="mm13a01",
            name="MM13: Andel flygtninge og familiesammenførte til flygtninge i beskæftigelse",
            subject=MINISTERIAL,
            table_group="Mål 3: Flere flygtninge og familiesammenførte skal være selvforsørgende",
            period_type="M",
            first_period="2018M01",
            area_hierarchies=MUNICIPAL_HIERARCHIES,
            mgroup_id="mgrpmm13_1",
            mgroup_name="Flygtninge og familiesammenførte, 18-66 år",
            measures=(
                MeasureSpec("measmm13_1", "Antal flygtninge og familiesammenførte til flygtninge i befolkningen 18-66 år", "base"),
                MeasureSpec("measmm13_2", "Antal flygtninge og familiesammenførte til flygtninge i ustøttet beskæftigelse", "count"),
                MeasureSpec("measmm13_3", "Andel flygtninge og familiesammenførte til flygtninge i beskæftigelse (pct.)", "pct"),
            ),
            series=_mm13_series,
            breakdown=BreakdownSpec(
                "opholdstid", "_opholdstid", "Opholdstid",
                (("0_3", "0-3 år"), ("4_6", "4-6 år"), ("7_10", "7-10 år"), ("over10", "Over 10 år")),
            ),
            pct_decimals=1,
            base_as_json_number=True,
        ),
        TableSpec(
            table_id="rek01h",
            name="Forgæves rekrutteringer og rekrutteringsforsøg efter RAR-område (rekrutteringssurvey)",
            subject=MINISTERIAL,
            table_group="Mål 5: Virksomhederne skal sikres den nødvendige og kvalificerede arbejdskraft",
            period_type="H",
            first_period="2019H1",
            area_hierarchies=("_hele_landet", "_reko"),
            mgroup_id="mgrprek_1",
            mgroup_name="Rekrutteringer",
            # What is documented of the survey (FACTS.md, API.md): the number of failed recruitments (the 2019
            # goal's measure, against a year earlier) and their rate; the attempts behind the rate are not published.
            measures=(
                MeasureSpec("measrek_1", "Forgæves rekrutteringer (antal)", "count"),
                MeasureSpec("measrek_3", "Andel forgæves rekrutteringer i pct. af rekrutteringsforsøg", "pct"),
            ),
            series=_recruitment_series,
            pct_decimals=1,
            update_format="%Y-%m-%d",
        ),
        TableSpec(
            table_id="y30r21",
            name="Ledige fuldtidspersoner (A-dagpenge og kontanthjælp)",
            subject="Ledighed",
            table_group="Ledige",
            period_type="M",
            first_period="2018M01",
            area_hierarchies=MUNICIPAL_HIERARCHIES,
            mgroup_id="mgrpy30r21_1",
            mgroup_name="Ledighed",
            measures=(
                MeasureSpec("measy30r21_1", "Ledige fuldtidspersoner", "count"),
                MeasureSpec("measy30r21_2", "Befolkningen 16-66 år", "base"),
                MeasureSpec("measy30r21_3", "Ledige fuldtidspersoner i pct. af befolkningen 16-66 år", "pct"),
            ),
            series=_unemployment_series,
            pct_decimals=1,
            update_format="%d.%m.%Y %H:%M",
        ),
    )
}  # fmt: skip


def period_ids(spec: TableSpec, *, today: date) -> list[str]:
    """The table's valid periods as of today, oldest first."""
    if spec.period_type == "H":
        return [
            p for p in half_year_ids(int(spec.first_period[:4]), today.year) if survey_published(p) <= today
        ]
    first = date(int(spec.first_period[:4]), int(spec.first_period[-2:]), 1)
    return month_ids(first, last_month(today))


@lru_cache(maxsize=8)
def _horizon_series(table_id: str) -> Series:
    """The leaves' (base, count) for every period up to HORIZON; sliced later, so a period's value is stable."""
    spec = TABLES[table_id]
    if spec.period_type == "H":
        ids = half_year_ids(int(spec.first_period[:4]), HORIZON.year)
    else:
        ids = month_ids(date(int(spec.first_period[:4]), int(spec.first_period[-2:]), 1), HORIZON)
    return spec.series(table_id, ids)


def leaf_series(table_id: str, *, n_periods: int, revision: int) -> Series:
    """The leaves' (base, count) for the first n_periods; revision r lifts the newest periods (late registrations)."""
    base, count = (a[:, :, :n_periods].copy() for a in _horizon_series(table_id))
    recent = REVISED_PERIODS.get(TABLES[table_id].period_type, 1)
    if revision and n_periods:
        window = slice(max(n_periods - recent, 0), n_periods)
        lift = _rng(table_id, "revision", n_periods).uniform(0.2, 1.0, size=base[:, :, window].shape)
        base[:, :, window] = np.rint(base[:, :, window] * (1 + 0.004 * revision * lift))
        count[:, :, window] = np.rint(count[:, :, window] * (1 + 0.03 * revision * lift))
        count = np.minimum(count, base)
    return base, count
