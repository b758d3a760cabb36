"""Load the reference areas from data/*.csv, idempotently: running it again changes nothing."""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
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
# The five regional employment councils from 2025, one per region, named for it (§ 28 after lov nr. 1656 af
# 30. december 2024). The law lists every municipality of its region except Bornholm, whose cover is not known:
# Bornholm keeps RAR Bornholm (the nearest membership in time) until an admin records another.
COUNCIL_VALID_FROM = 2025
NOT_IN_A_COUNCIL = {"Bornholm"}


_DANISH_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "Ae", "Ø": "Oe", "Å": "Aa"})


def danish_slug(name: str) -> str:
    """A URL slug that spells æ, ø, å as ae, oe, aa (København → koebenhavn), as Danish URLs do."""
    return slugify(name.translate(_DANISH_LETTERS))


@dataclass
class LoadResult:
    """What one load did: areas per kind (created, updated) and regional group memberships, counted apart."""

    created_by_kind: Counter[str] = field(default_factory=Counter)
    updated_by_kind: Counter[str] = field(default_factory=Counter)
    memberships_created: int = 0

    @property
    def created(self) -> int:
        """Areas created (memberships are not areas)."""
        return self.created_by_kind.total()

    @property
    def updated(self) -> int:
        """Areas updated."""
        return self.updated_by_kind.total()

    def summary(self) -> str:
        """One line for the console: areas per kind, then memberships, e.g. "112 created (1 country, …)"."""
        parts = [
            f"{self.created_by_kind[kind]} {label}"
            for kind, label in _KIND_LABELS.items()
            if self.created_by_kind[kind]
        ]
        created = f"{self.created} created" + (f" ({', '.join(parts)})" if parts else "")
        return f"areas {created}, {self.updated} updated; regional group memberships {self.memberships_created} created"


_KIND_LABELS = {
    Area.Kind.COUNTRY: "country",
    Area.Kind.REGION: "regions",
    Area.Kind.MUNICIPALITY: "municipalities",
    Area.Kind.RAR: "RAR areas",
    Area.Kind.COUNCIL: "regional councils",
}


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
    """Create or update the country, 5 regions, 98 municipalities, 8 RAR areas, 5 councils and their memberships."""
    result = LoadResult()

    def upsert(kind: str, code: str, name: str, region: Area | None = None) -> Area:
        area, outcome = _upsert(kind, code, name, region)
        if outcome == "created":
            result.created_by_kind[kind] += 1
        elif outcome == "updated":
            result.updated_by_kind[kind] += 1
        return area

    upsert(Area.Kind.COUNTRY, "000", COUNTRY_NAME)
    regions = {name: upsert(Area.Kind.REGION, code, name) for name, code in REGION_CODES.items()}
    municipalities = {}
    with open(DATA_DIR / "municipalities.csv", encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            area = upsert(Area.Kind.MUNICIPALITY, row["code"], row["name"], regions[row["region"]])
            municipalities[area.name] = area
    with open(DATA_DIR / "rar_areas.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    rars = {
        name: upsert(Area.Kind.RAR, f"RAR{number:02d}", name)
        for number, name in enumerate(dict.fromkeys(row["rar"] for row in rows), start=1)
    }
    for row in rows:
        _, created = RarMembership.objects.get_or_create(
            rar=rars[row["rar"]],
            municipality=municipalities[row["municipality"]],
            valid_from=RAR_VALID_FROM,
            defaults={"valid_to": RAR_VALID_TO},
        )
        result.memberships_created += created
    for region_name, region in regions.items():
        council = upsert(Area.Kind.COUNCIL, region.code, region_name.removeprefix("Region "))
        for area in municipalities.values():
            if area.region_id == region.id and area.name not in NOT_IN_A_COUNCIL:
                _, created = RarMembership.objects.get_or_create(
                    rar=council, municipality=area, valid_from=COUNCIL_VALID_FROM
                )
                result.memberships_created += created
    return result
