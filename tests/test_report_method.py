"""What a reader sees of issue 12 in the workbook: per-cell number formats that show what the
rule allows, insufficient answers and abstentions, small groups marked, contested versus
possible with the interval, Kendall's W on Rankings, and the Method sheet's account of it all.
On a real database (tests/display_survey.py), read back with openpyxl."""

from __future__ import annotations

import openpyxl
import pytest
from display_survey import build
from report_support import table_rows

from consult.reports.excel.figures import points_format, share_format
from consult.reports.excel.workbook import write_report
from consult.results.aggregation import aggregate
from consult.results.report_data import Figures
from consult.store import ResponseFilter, open_store
from consult.survey.loader import parse_survey


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("display-report")
    _, db, survey = build(tmp)
    out = {}
    with open_store(db) as store:
        results = aggregate(store, survey)
        for lang in ("en", "ko"):
            write_report(store, survey, tmp / f"{lang}.xlsx", flt=ResponseFilter(), lang=lang)
            out[lang] = openpyxl.load_workbook(tmp / f"{lang}.xlsx")
    return {"survey": survey, "results": results, **out}


def displayed(value: float, fmt: str) -> str:
    """The text a spreadsheet shows for ``value`` under the formats the report uses."""
    number, _, suffix = fmt.partition('"')
    suffix = suffix.rstrip('"').replace('""', "")
    percent = number.endswith("%")
    places = len(number.rstrip("%").partition(".")[2])
    shown = f"{value * 100 if percent else value:.{places}f}"
    return shown + ("%" if percent else "") + suffix


def by_title(ws, table: str) -> dict[str, dict]:
    rows = table_rows(ws, table)
    cells = ws[ws.tables[table].ref]
    header = [c.value for c in cells[0]]
    return {
        row["Proposal"]: {**row, "_cells": dict(zip(header, line, strict=True))}
        for row, line in zip(rows, cells[1:], strict=True)
    }


def test_summary_figures_never_contradict_the_verdict(books) -> None:
    rows = by_title(books["en"]["Summary"], "Summary")
    nearly = rows["Nearly"]
    assert nearly["Consensus"] == "No consensus"
    support = nearly["_cells"]["Support"]
    assert support.value == pytest.approx(67 / 96)
    assert support.number_format == "0.0%" and displayed(support.value, "0.0%") == "69.8%"
    backed = rows["Backed"]
    assert backed["Consensus"] == "For"
    opposition = backed["_cells"]["Opposition"]
    assert displayed(opposition.value, opposition.number_format) == "14.8%"
    split = rows["Split"]["_cells"]
    gap = split["Largest gap between groups"]
    assert gap.value == pytest.approx(800 / 27)
    assert displayed(gap.value, gap.number_format) == "29.6 pp"
    assert rows["Split"]["Contested"] == "No"
    # Every share shows what the terminal shows for it.
    figures = Figures(books["survey"].consensus)
    for p in books["results"].proposals:
        cell = rows[p.title]["_cells"]["Support"]
        assert displayed(cell.value, cell.number_format) == figures.share(p.stats.panel.support)


def test_insufficient_answers_and_abstentions(books) -> None:
    rows = by_title(books["en"]["Summary"], "Summary")
    lonely = rows["Lonely"]
    assert lonely["Consensus"] == "Insufficient answers" and lonely["Rank"] == len(rows)
    assert lonely["n"] == 1 and lonely["Abstained"] == 99
    assert lonely["Abstention share (of all answers)"] == pytest.approx(0.99)
    share = lonely["_cells"]["Abstention share (of all answers)"]
    assert displayed(share.value, share.number_format) == "99%"
    note = books["en"]["Summary"]["A3"].value
    assert "Insufficient answers: under the survey's quorum (10 valid answers)" in note
    ko = books["ko"]["요약"]
    assert any(row[12] == "응답 부족" for row in ko.iter_rows(min_row=5, values_only=True))


def test_small_groups_are_marked_on_every_sheet(books) -> None:
    wb = books["en"]
    summary = by_title(wb["Summary"], "Summary")["Backed"]["_cells"]
    gamma = summary["Support: Gamma"]
    assert gamma.value == 1 and displayed(gamma.value, gamma.number_format) == "100%†"
    assert summary["Support: Alpha"].number_format == "0%"  # not small
    widest = summary["Largest gap between groups"]
    assert displayed(widest.value, widest.number_format) == "33 pp†"
    assert (
        "† fewer than 5 valid answers: left out of the contested flag" in wb["Summary"]["A3"].value
    )
    by_group = by_title(wb["By group"], "ByGroup")["Backed"]["_cells"]
    assert displayed(by_group["Gamma"].value, by_group["Gamma"].number_format) == "100%†"
    assert "† fewer than 5" in wb["By group"]["A3"].value
    detail = [row for row in wb["Proposal detail"].iter_rows(values_only=True) if row[0]]
    assert detail[[r[0] for r in detail].index("Gamma†")][:3] == ("Gamma†", 4, 0)
    assert any("† fewer than 5" in str(row[0]) for row in detail)
    assert share_format(1.0, "100%", True) == '0%"†"'
    assert points_format(33.3, "33 pp", True) == '0" pp†"'


def test_by_group_has_the_flag_and_its_interval(books) -> None:
    rows = by_title(books["en"]["By group"], "ByGroup")
    maybe = rows["Maybe"]  # 5/6 vs 3/6: 33 points whose interval includes 0
    assert maybe["Divergence flag"] == "Possible (-17 to 67 pp)"
    low, high = maybe["Gap 95% CI low (pp)"], maybe["Gap 95% CI high (pp)"]
    assert low < 0 < high and (round(low), round(high)) == (-17, 67)
    assert maybe["_cells"]["Gap 95% CI low (pp)"].number_format == '0" pp"'
    split = rows["Split"]  # 0.296, interval excluding 0: under the gap, so no flag
    assert split["Divergence flag"] == "No" and split["Gap 95% CI low (pp)"] > 0
    summary = by_title(books["en"]["Summary"], "Summary")
    assert summary["Maybe"]["Contested"] == "Possible (-17 to 67 pp)"


def test_rankings_have_kendalls_w_and_no_crisp_order(books) -> None:
    ws = books["en"]["Rankings"]
    rows = list(ws.iter_rows(values_only=True))
    header = rows.index(
        (
            "Option",
            "n",
            "Mean rank",
            "Borda score",
            "First-choice share",
            "Can't be told from the next",
        )
    )
    options = {row[0]: row[5] for row in rows[header + 1 : header + 6]}
    assert options["Backed"] == "≈ Nearly"  # half the panel swapped them
    assert not any(options[o] for o in ("Nearly", "Split", "Maybe", "Lonely"))
    text = " ".join(str(row[0]) for row in rows[header + 6 :])
    assert "Kendall's W = 0.950" in text and "chi-square = 380.00, df = 4, p < 0.001" in text
    assert "Critical difference of mean ranks (Bonferroni-Dunn, 5%): 0.56" in text
    assert "≈" in rows[1][0]  # the sheet's note says what ≈ means


def test_method_sheet_states_the_rule_and_its_reading(books) -> None:
    rows = [r for r in books["en"]["Method"].iter_rows(values_only=True) if r[0]]
    method = dict(rows)
    assert method["Consensus rule preset"].startswith("comet-70-15: COMET core outcome set")
    sources = [value for name, value in rows if name == "Source"]
    assert len(sources) == 2 and "Harman" in sources[0] and "Williamson" in sources[1]
    assert method["Quorum"].startswith("At least 10 valid answers")
    assert "fewer than 5 valid answers" in method["Small groups"]
    assert "left out of the contested flag" in method["Small groups"]
    assert "at least 30 pp" in method["Contested flag"] and "excludes 0" in method["Contested flag"]
    assert "69.8%" in method["Rounding"]
    assert "SPSS uses type 6" in method["Quantile definition (median, IQR)"]
    alpha = "Agreement on which proposals are preferred (Krippendorff's alpha, ordinal)"
    assert alpha in method and "Krippendorff's alpha (ordinal, proposals)" not in method
    assert "near 0 when everyone supports everything" in method["How to read the alpha"]
    assert not any(name == "Agreement" for name, _ in rows)
    ko = dict(r for r in books["ko"]["방법"].iter_rows(values_only=True) if r[0])
    assert "SPSS는 제6유형" in ko["분위수 정의 (중앙값, 사분위범위)"]
    assert "어떤 제안이 선호되는지에 대한 일치도 (크리펜도르프 알파, 서열)" in ko


def test_method_sheet_says_when_proposals_are_left_out_of_the_alpha(tmp_path) -> None:
    from survey_support import MEDIAN_RULE, answer, survey_yaml

    survey = parse_survey(survey_yaml(MEDIAN_RULE, second_scale="s7"))
    with open_store(tmp_path / "c.db") as store:
        for i in range(6):
            answer(store, survey, "ab"[i % 2], {"first.support": 1 + i % 5, "second.support": 7})
        write_report(store, survey, tmp_path / "r.xlsx", flt=ResponseFilter(), lang="en")
    method = dict(
        r
        for r in openpyxl.load_workbook(tmp_path / "r.xlsx")["Method"].iter_rows(values_only=True)
        if r[0]
    )
    assert method["Scope of the alpha"].startswith("Over the 1 proposals on the scale s5; 1 ")
    assert method["Consensus rule preset"] == "None: the survey states its own rule"


def test_spreadsheet_rounding_never_disagrees_with_the_shown_figure() -> None:
    """A spreadsheet rounds halves away from zero: 1 of 8 (12.5%) gets a decimal, not "13%"."""
    assert share_format(0.125, "12%") == "0.0%"
    assert share_format(0.7, "70%") == "0%"
    assert points_format(29.62962962962963, "29.6 pp") == '0.0" pp"'


def test_method_lists_each_wording_and_the_summary_says_what_was_pooled(tmp_path) -> None:
    """Responses on two wordings of the example (one proposal's title edited, the version
    not): the Method sheet lists both with their counts, the Summary's note says which
    proposal pooled an earlier wording, in the report's language. Through ``consult``."""
    import subprocess
    import sys
    from pathlib import Path

    from consult.survey.loader import load_survey

    consult = str(Path(sys.executable).parent / "consult")
    example = Path(__file__).resolve().parents[1] / "surveys" / "st-diplomacy-roundtable.yaml"
    db = tmp_path / "c.db"

    def run(*args: str) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [consult, "--db", str(db), *args], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
        return done

    edited = tmp_path / "edited.yaml"
    text = example.read_text(encoding="utf-8")
    edited.write_text(
        text.replace("title: {en: A legal foundation", "title: {en: A law of its own"),
        encoding="utf-8",
    )
    run("simulate", str(example), "-n", "30", "--seed", "3")
    run("simulate", str(edited), "-n", "5", "--seed", "4")
    old, new = load_survey(example).hash, load_survey(edited).hash
    for lang in ("en", "ko"):
        out = tmp_path / f"{lang}.xlsx"
        run("report", str(edited), "--include-simulated", "--lang", lang, "-o", str(out))
        book = openpyxl.load_workbook(out)
        method = book[{"en": "Method", "ko": "방법"}[lang]]
        rows = [r for r in method.iter_rows(values_only=True) if r[0]]
        name = {"en": "Wording answered", "ko": "응답한 설문 문구"}[lang]
        wordings = [value for key, value in rows if key == name]
        summary = book.worksheets[0]
        note = next(
            c for r in summary.iter_rows(values_only=True) for c in r
            if isinstance(c, str) and "legal-foundation" in c
        )  # fmt: skip
        if lang == "en":
            assert wordings == [
                f"{new[:12]} (version 1.0): 5 responses, the current definition",
                f"{old[:12]} (version 1.0): 30 responses, an earlier definition; proposals "
                "worded otherwise: legal-foundation",
            ]
            assert (
                "30 of 35 responses answered an earlier wording of proposal 'legal-foundation' "
                "(A law of its own for international S&T cooperation); they are counted with the "
                "current one." in note
            )
        else:
            assert wordings == [
                f"{new[:12]} (버전 1.0): 응답 5건, 현재 정의",
                f"{old[:12]} (버전 1.0): 응답 30건, 이전 정의, 문구가 다른 제안: legal-foundation",
            ]
            assert (
                "응답 35건 중 30건은 제안 'legal-foundation' (국제 과학기술협력의 법적 기반)의 "
                in note
            )
    # One wording only: no such lines.
    single = tmp_path / "single.db"
    subprocess.run(
        [consult, "--db", str(single), "simulate", str(example), "-n", "5", "--seed", "1"],
        capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    subprocess.run(
        [consult, "--db", str(single), "report", str(example), "--include-simulated",
         "-o", str(tmp_path / "one.xlsx")],
        capture_output=True, check=True, timeout=120,
    )  # fmt: skip
    rows = openpyxl.load_workbook(tmp_path / "one.xlsx")["Method"].iter_rows(values_only=True)
    assert not any(r[0] == "Wording answered" for r in rows)
