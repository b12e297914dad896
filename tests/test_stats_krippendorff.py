"""Krippendorff's alpha: the published worked example, hand-computed cases and a cross-check.

Hand computations use the coincidence matrix o_ck, marginals n_c, n = sum n_c and
alpha = 1 - (n - 1) * sum o_ck d²_ck / sum n_c n_k d²_ck (both sums over all ordered pairs).
"""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest

from consult.stats import krippendorff_alpha, reliability_data_to_units

LEVELS = ("nominal", "ordinal", "interval", "ratio")

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", observers A-D x units 1-12.
_ = None
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],  # A
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],  # B
    [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],  # C
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],  # D
]


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)],
)
def test_published_example(level: str, published: float) -> None:
    units = reliability_data_to_units(KRIPPENDORFF_2011)
    assert round(krippendorff_alpha(units, level), 3) == published


def test_published_example_nominal_exactly() -> None:
    # The coincidence matrix of this example (Krippendorff 2011) has marginals
    # n_1..n_5 = 9, 13, 10, 5, 3 (n = 40 pairable values) and off-diagonal entries
    # o_12 = o_21 = o_23 = o_32 = 4/3 and o_13 = o_14 = o_24 = o_34 (and transposes) = 1/3,
    # summing to 8. Nominal: alpha = 1 - (n - 1) * 8 / (n² - sum n_c²)
    # = 1 - 39 * 8 / (1600 - 384) = 1 - 312/1216 = 0.743421.
    units = reliability_data_to_units(KRIPPENDORFF_2011)
    assert krippendorff_alpha(units, "nominal") == pytest.approx(1 - 312 / 1216, abs=1e-12)


def test_reliability_data_to_units() -> None:
    units = reliability_data_to_units(KRIPPENDORFF_2011)
    assert len(units) == 12
    assert units[0] == {1: 3}
    assert units[5] == {1: 1, 2: 1, 3: 1, 4: 1}
    assert units[11] == {3: 1}
    # NaN marks a missing value too, as in numpy reliability data.
    assert reliability_data_to_units([[1.0, math.nan], [1.0, 2.0]]) == [{1.0: 2}, {2.0: 1}]
    assert reliability_data_to_units([]) == []
    with pytest.raises(ValueError):
        reliability_data_to_units([[1, 2], [1]])


def test_two_values_by_hand() -> None:
    # Two coders, units (1,1), (1,2), (2,2), (2,2): o_11 = 2, o_12 = o_21 = 1, o_22 = 4;
    # n_1 = 3, n_2 = 5, n = 8. Nominal: alpha = 1 - 7 * 2 / (2*3*5) = 16/30 = 0.533333.
    # With only two values every metric is a constant multiple of the nominal one, so all four
    # levels agree.
    units = [{1: 2}, {1: 1, 2: 1}, {2: 2}, {2: 2}]
    for level in LEVELS:
        assert krippendorff_alpha(units, level) == pytest.approx(16 / 30, abs=1e-12), level


def test_three_values_by_hand() -> None:
    # Two coders, units (1,1), (2,3), (3,3), (1,3): o_11 = 2, o_23 = o_32 = 1, o_33 = 2,
    # o_13 = o_31 = 1; n_1 = 3, n_2 = 1, n_3 = 4, n = 8.
    units = [{1: 2}, {2: 1, 3: 1}, {3: 2}, {1: 1, 3: 1}]
    # nominal: D_o = 2 + 2 = 4; D_e = 2*(3*1 + 3*4 + 1*4) = 38; alpha = 1 - 7*4/38 = 10/38
    assert krippendorff_alpha(units, "nominal") == pytest.approx(10 / 38, abs=1e-12)
    # interval: D_o = 2*1² + 2*2² = 10; D_e = 2*(3*1*1 + 3*4*4 + 1*4*1) = 110;
    # alpha = 1 - 70/110 = 4/11
    assert krippendorff_alpha(units, "interval") == pytest.approx(4 / 11, abs=1e-12)
    # ordinal: d_12 = (3 + 1 - (3+1)/2)² = 4, d_23 = (1 + 4 - (1+4)/2)² = 6.25,
    # d_13 = (3 + 1 + 4 - (3+4)/2)² = 20.25; D_o = 2*6.25 + 2*20.25 = 53;
    # D_e = 2*(3*1*4 + 3*4*20.25 + 1*4*6.25) = 560; alpha = 1 - 7*53/560 = 189/560
    assert krippendorff_alpha(units, "ordinal") == pytest.approx(189 / 560, abs=1e-12)
    # ratio: d_12 = (1/3)², d_23 = (1/5)², d_13 = (2/4)²; D_o = 2/25 + 2/4 = 0.58;
    # D_e = 2*(3/9 + 12/4 + 4/25) = 6.986667; alpha = 1 - 7*0.58/6.986667 = 0.418893
    assert krippendorff_alpha(units, "ratio") == pytest.approx(0.418893, abs=1e-6)


def test_perfect_agreement_and_undefined_cases() -> None:
    # Agreement with variation across units: D_o = 0 -> alpha = 1.
    assert krippendorff_alpha([{1: 3}, {2: 2}, {5: 4}], "interval") == 1.0
    # One value everywhere: D_e = 0, alpha undefined.
    assert krippendorff_alpha([{3: 2}, {3: 4}], "nominal") is None
    # No unit coded twice: nothing pairable.
    assert krippendorff_alpha([{1: 1}, {2: 1}, {}], "nominal") is None
    assert krippendorff_alpha([], "ordinal") is None


def test_unpairable_units_and_unit_order_do_not_matter() -> None:
    units = [{1: 2}, {2: 1, 3: 1}, {3: 2}, {1: 1, 3: 1}]
    padded = [{9: 1}, *reversed(units), {}]
    for level in LEVELS:
        assert krippendorff_alpha(padded, level) == krippendorff_alpha(units, level)


def test_ordinal_order() -> None:
    units = reliability_data_to_units(KRIPPENDORFF_2011)
    default = krippendorff_alpha(units, "ordinal")
    # Unused values in the order carry n_g = 0 and change nothing; reversing the order keeps
    # every rank distance.
    assert krippendorff_alpha(units, "ordinal", order=[0, 1, 2, 3, 4, 5, 6]) == default
    assert krippendorff_alpha(units, "ordinal", order=[5, 4, 3, 2, 1]) == default
    # A different order is a different metric.
    assert krippendorff_alpha(units, "ordinal", order=[1, 2, 3, 5, 4]) != default
    with pytest.raises(ValueError):
        krippendorff_alpha(units, "ordinal", order=[1, 2, 3, 4])
    with pytest.raises(ValueError):
        krippendorff_alpha(units, "ordinal", order=[1, 2, 3, 4, 5, 5])


def test_labels_and_validation() -> None:
    # Nominal data may be any hashable labels, even of mixed types.
    labelled = [{"yes": 2}, {"yes": 1, "no": 1}, {"no": 2}, {"no": 2}]
    assert krippendorff_alpha(labelled, "nominal") == pytest.approx(16 / 30, abs=1e-12)
    assert krippendorff_alpha([{"a": 2}, {1: 2}, {"a": 1, 1: 1}], "nominal") is not None
    # Ordinal labels take their order from `order`.
    assert krippendorff_alpha(labelled, "ordinal", order=["no", "yes"]) == pytest.approx(16 / 30)
    with pytest.raises(ValueError):
        krippendorff_alpha(labelled, "interval")
    with pytest.raises(ValueError):
        krippendorff_alpha([{-1: 2}, {1: 2}], "ratio")
    with pytest.raises(ValueError):
        krippendorff_alpha([{1: 2}], "cardinal")
    with pytest.raises(ValueError):
        krippendorff_alpha([{1: -2}], "nominal")


def test_against_krippendorff_package() -> None:
    rng = np.random.default_rng(20240611)
    compared = 0
    for _ in range(60):
        coders = int(rng.integers(2, 7))
        n_units = int(rng.integers(2, 30))
        # Skewed values so agreement varies from poor to high across data sets.
        truth = rng.integers(1, 6, size=n_units)
        noise = rng.integers(-1, 2, size=(coders, n_units)) * (rng.random((coders, n_units)) < 0.4)
        data = np.clip(truth + noise, 1, 5).astype(float)
        data[rng.random(data.shape) < 0.25] = np.nan
        matrix = [[None if math.isnan(v) else int(v) for v in row] for row in data]
        units = reliability_data_to_units(matrix)
        for level in LEVELS:
            mine = krippendorff_alpha(units, level)
            try:
                theirs = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
            except ValueError:
                # The package refuses data with nothing pairable or a single value.
                assert mine is None
                continue
            assert mine == pytest.approx(theirs, abs=1e-9), (level, matrix)
            compared += 1
    assert compared > 150
