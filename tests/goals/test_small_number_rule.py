"""The small-number rule is one rule: every page, export, embed and the API hide the same values."""

import io
import re
from decimal import Decimal

import openpyxl
import pytest

from indicators.models import Indicator, Observation
from municipalities.models import Area
from tests.goals.conftest import build_observations, monthly_periods

# Randers' share in three 2024 months whose base the rule hides, and one month it shows.
HIDDEN = {
    "2024M03": (Decimal("66.6"), None),  # the base Jobindsats suppressed ("..")
    "2024M04": (Decimal("55.5"), Decimal(3)),  # a base under SUPPRESSION_MIN_BASE
    "2024M05": (Decimal("77.7"), Decimal(0)),  # a share of nobody
}
SHOWN = ("2024M02", Decimal("44.4"))
PERIODS = monthly_periods(2023, 2024)
SHARES = ["mm13-andel-beskaeftigede", "mm17-andel-opkvalificering"]


def _number(value: Decimal) -> re.Pattern:
    """The number as any surface writes it: 66.6, 66,6, 66.60 (never part of a longer number)."""
    whole, decimals = str(value).split(".")
    return re.compile(rf"(?<![\d.,]){whole}[.,]{decimals}0*(?![\d])")


@pytest.fixture(params=SHARES)
def hidden_shares(request, reference_data) -> Indicator:
    """A share and its base for every municipality and the country, 2023–2024; Randers' base hides three months."""
    share = Indicator.objects.get(code=request.param)
    base = share.base_indicator
    assert base is not None, f"{share.code} has no base: the rule cannot see how many persons it is built on"
    areas = list(Area.objects.filter(kind__in=["municipality", "country"]))
    codes = [code for code, _start in PERIODS]

    def share_of(area: Area, index: int) -> Decimal:
        if area.slug == "randers" and codes[index] in HIDDEN:
            return HIDDEN[codes[index]][0]
        if area.slug == "randers" and codes[index] == SHOWN[0]:
            return SHOWN[1]
        return Decimal(20) + Decimal(int(area.code) % 9)

    def base_of(area: Area, index: int) -> Decimal | None:
        if area.slug == "randers" and codes[index] in HIDDEN:
            return HIDDEN[codes[index]][1]
        return Decimal(300)

    build_observations(share, areas, PERIODS, share_of, provisional_last=0)
    build_observations(base, areas, PERIODS, base_of, provisional_last=0)
    return share


def _api(client, code: str) -> str:
    params = {"indicator": code, "area": "randers", "from": "2024M01", "to": "2024M06"}
    return client.get("/api/observations/", params).content.decode()


def _xlsx_text(content: bytes) -> str:
    sheet = openpyxl.load_workbook(io.BytesIO(content))["Data"]
    return "\n".join(
        ";".join("" if v is None else str(v) for v in row) for row in sheet.iter_rows(values_only=True)
    )


COMPARISON = {"kommune": "randers", "periode": "2024M06"}
SURFACES = {
    "api": _api,
    "status page": lambda client, code: client.get("/kommune/randers/", {"aar": "2024"}).content.decode(),
    "status csv": lambda client, code: client.get(
        f"/kommune/randers/{code}.csv", {"aar": "2024"}
    ).content.decode(),
    "status xlsx": lambda client, code: _xlsx_text(
        client.get(f"/kommune/randers/{code}.xlsx", {"aar": "2024"}).content
    ),
    "status embed": lambda client, code: client.get(
        f"/embed/kommune/randers/{code}/", {"aar": "2024"}
    ).content.decode(),
    "comparison page": lambda client, code: client.get(f"/sammenlign/{code}/", COMPARISON).content.decode(),
    "comparison csv": lambda client, code: client.get(
        f"/sammenlign/{code}/udvikling.csv", COMPARISON
    ).content.decode(),
    "comparison xlsx": lambda client, code: _xlsx_text(
        client.get(f"/sammenlign/{code}/udvikling.xlsx", COMPARISON).content
    ),
    "comparison embed": lambda client, code: client.get(
        f"/embed/sammenlign/{code}/", COMPARISON | {"periode": "2024M03"}
    ).content.decode(),
}


@pytest.mark.parametrize("surface", sorted(SURFACES))
def test_a_share_whose_base_is_suppressed_or_small_is_hidden_everywhere(client, hidden_shares, surface):
    text = SURFACES[surface](client, hidden_shares.code)

    for period, (value, _base) in HIDDEN.items():
        assert not _number(value).search(text), f"{surface} shows {value} of {period}, whose base is hidden"
    if surface == "comparison embed":
        # The bar chart is the one period whose base Jobindsats suppressed: Randers is listed as not shown.
        assert "Vises ikke" in text
    else:
        assert _number(SHOWN[1]).search(text), f"{surface} lost the value the rule lets it show"


def test_the_api_says_a_hidden_value_is_hidden(client, hidden_shares):
    results = client.get(
        "/api/observations/", {"indicator": hidden_shares.code, "area": "randers", "from": "2024M02"}
    ).json()["results"]

    hidden = {r["period"] for r in results if r["hidden"]}
    assert hidden == set(HIDDEN)
    assert all(r["value"] is None for r in results if r["hidden"])


def test_a_share_whose_base_was_never_pulled_keeps_its_value(randers):
    share = Indicator.objects.get(code="mm13-andel-beskaeftigede")
    build_observations(share, [randers], PERIODS[:1], lambda a, i: Decimal("41.5"), provisional_last=0)

    assert Observation.objects.with_shown_value().get().shown == Decimal("41.5")


def test_the_threshold_comes_from_the_setting(randers, settings):
    share = Indicator.objects.get(code="mm13-andel-beskaeftigede")
    build_observations(share, [randers], PERIODS[:2], lambda a, i: Decimal("41.5"), provisional_last=0)
    build_observations(share.base_indicator, [randers], PERIODS[:2], lambda a, i: Decimal(3 + 5 * i))

    def shown(minimum: int) -> list[Decimal | None]:
        settings.SUPPRESSION_MIN_BASE = minimum
        rows = Observation.objects.filter(indicator=share).with_shown_value().order_by("period_start")
        return [row.shown for row in rows]

    assert shown(3) == [Decimal("41.5"), Decimal("41.5")]
    assert shown(4) == [None, Decimal("41.5")]


def test_the_unfiltered_api_hides_what_the_rule_hides_on_pages_mixing_indicators(client, hidden_shares):
    """Without a filter a page holds several indicators: each row is still judged by its own indicator's base."""
    values, url = {}, "/api/observations/?page_size=1000"
    while url:
        data = client.get(url).json()
        values.update({(r["indicator"], r["area"], r["period"]): r["value"] for r in data["results"]})
        url = data["next"]

    assert len({indicator for indicator, _area, _period in values}) == 2
    assert all(values[(hidden_shares.code, "randers", period)] is None for period in HIDDEN)
    assert values[(hidden_shares.code, "randers", SHOWN[0])] == float(SHOWN[1])
