"""Load the reference areas from data/*.csv, idempotently: running it again changes nothing."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from municipalities.models import Area, RarMembership

DATA_DIR = Path(__file__).resolve().parent / "data"

# Official region codes (Danmarks Statistik).
REGION_CODES = {
    "Region Nordjylland": "1081",
    "Region Midtjylland": "1082",
    "Region Syddanmark": "1083",
    "Region Hovedstaden": "1084",
    "Region Sjælland": "1085",
}
COUNTRY_NAME = "Hele landet"
# RAR areas 2015–2024 (eight councils); from 2025 the five regional councils replace them.
RAR_VALID_FROM, RAR_VALID_TO = 2015, 2024


_DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def danish_slug(name: str) -> str:
    """A URL slug that spells æ, ø, å as ae, oe, aa (København → koebenhavn), as Danish URLs do."""
    return slugify(name.translate(_DANISH_LETTERS))


@dataclass(frozen=True)
class LoadResult:
    created: int
    updated: int


def _upsert(kind: str, code: str, name: str, region: Area | None = None) -> tuple[Area, str]:
    slug = danish_slug(name) if kind == Area.Kind.MUNICIPALITY else danish_slug(f"{kind}-{name}")
    defaults = {"name": name, "slug": slug, "region": region}
    area, created = Area.objects.get_or_create(kind=kind, code=code, defaults=defaults)
    if created:
        return area, "created"
    changed = [field for field, value in defaults.items() if getattr(area, field) != value]
    if changed:
        for field in changed:
            setattr(area, field, defaults[field])
        area.save(update_fields=changed)
        return area, "updated"
    return area, "unchanged"


@transaction.atomic
def load_reference_areas() -> LoadResult:
    """Create or update the country, 5 regions, 98 municipalities, 8 RAR areas and their memberships."""
    outcomes: list[str] = []
    _, outcome = _upsert(Area.Kind.COUNTRY, "000", COUNTRY_NAME)
    outcomes.append(outcome)
    regions = {}
    for name, code in REGION_CODES.items():
        regions[name], outcome = _upsert(Area.Kind.REGION, code, name)
        outcomes.append(outcome)
    municipalities = {}
    with open(DATA_DIR / "municipalities.csv", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            area, outcome = _upsert(Area.Kind.MUNICIPALITY, row["code"], row["name"], regions[row["region"]])
            municipalities[area.name] = area
            outcomes.append(outcome)
    with open(DATA_DIR / "rar_areas.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rars = {}
    for number, name in enumerate(dict.fromkeys(row["rar"] for row in rows), start=1):
        rars[name], outcome = _upsert(Area.Kind.RAR, f"RAR{number:02d}", name)
        outcomes.append(outcome)
    for row in rows:
        _, created = RarMembership.objects.get_or_create(
            rar=rars[row["rar"]],
            municipality=municipalities[row["municipality"]],
            valid_from=RAR_VALID_FROM,
            defaults={"valid_to": RAR_VALID_TO},
        )
        outcomes.append("created" if created else "unchanged")
    return LoadResult(created=outcomes.count("created"), updated=outcomes.count("updated"))
