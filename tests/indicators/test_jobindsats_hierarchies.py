"""The client's hierarchy rules: area names, selectors and cell counting, and which breakdown member is the total."""

from __future__ import annotations

import pytest

from indicators.jobindsats import (
    Dimension,
    DimensionValue,
    Hierarchy,
    Level,
    TableMetadata,
    area_name_key,
    is_country,
    is_total_label,
    is_unknown_area,
    parse_data,
    periods_per_request,
    selection_size,
)


@pytest.mark.parametrize(
    ("label", "is_total"),
    [
        ("I alt", True),
        ("i alt", True),
        ("Total", True),
        ("Ydelsesgrupper i alt", True),
        (" Ydelsesgrupper  I ALT ", True),
        ("Alle ydelsesgrupper", False),
        ("Dagpenge", False),
        ("Kvinder i alt-gruppen", False),
        ("Rekrutteringer ialt", False),
    ],
)
def test_is_total_label_recognises_i_alt_total_and_dimension_i_alt_only(label, is_total):
    assert is_total_label(label) is is_total


@pytest.mark.parametrize(
    ("jobindsats", "ours"),
    [
        ("RAR Østjylland", "Østjylland"),
        ("Region Midtjylland", "Region Midtjylland"),
        ("Lyngby-Taarbæk", "Lyngby-Taarbæk"),
    ],
)
def test_area_names_match_with_or_without_the_rar_and_region_prefix(jobindsats, ours):
    assert area_name_key(jobindsats) == area_name_key(ours)


def test_placeholder_area_names_are_recognised_in_any_spelling():
    assert is_unknown_area(" Uoplyst  Område") and is_country("HELE LANDET")
    assert not is_unknown_area("Randers") and not is_country("Randers")


def metadata() -> TableMetadata:
    def hierarchy(hierarchy_id: str, *levels: int) -> Hierarchy:
        return Hierarchy(
            hierarchy_id,
            tuple(
                Level(f"l{n}", tuple(DimensionValue(str(i), f"v{i}") for i in range(size)))
                for n, size in enumerate(levels)
            ),
        )

    return TableMetadata(
        table_id="t",
        periods={"M": ("2024M01",)},
        dimensions=(
            Dimension("_omrade", (hierarchy("_nykom", 1, 99),)),
            Dimension("_y", (hierarchy("_y", 1, 4),)),
        ),
        mgroups=(),
        raw={},
    )


@pytest.mark.parametrize(
    ("selector", "size"),
    [("*", 101), ("/", 1), ("level:l1", 99), ("1,2,3", 3), ("level:nope", 1)],
)
def test_selection_size_follows_the_selector_grammar(selector, size):
    assert selection_size(metadata(), "_nykom", selector) == size


def test_periods_per_request_divides_the_cell_limit_by_the_cells_of_one_period():
    per_period = (
        101 * 6 * 2
    )  # areas with the root, breakdown members with the root and an extra one, measures

    fit = periods_per_request(
        metadata=metadata(), hierarchies={"_nykom": "*", "_y": "*"}, measures=2, max_cells=per_period * 7 + 5
    )

    assert fit == 7


def test_parse_data_leaves_a_recognised_total_out_of_the_breakdown_and_keeps_other_labels():
    payload = {
        "columns": ["Periode", "Område", "Ydelsesgruppe", "Antal"],
        "rows": [
            ["2024M01", "Randers", "Ydelsesgrupper i alt", "10"],
            ["2024M01", "Randers", "Dagpenge", "4"],
            ["2024M01", "Randers", "Alle ydelsesgrupper", "10"],
        ],
    }

    rows = parse_data("t", payload, measure_labels={"Antal"}).rows

    assert [row.breakdown for row in rows] == [
        (),
        (("ydelsesgruppe", "Dagpenge"),),
        (("ydelsesgruppe", "Alle ydelsesgrupper"),),
    ]
