"""The Excel report: every figure read back against aggregate(), charts, tables, safety, CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from report_support import FLT, HOSTILE, ROOT, SECRET_NAME, SURVEY, fill_store, table_rows

from consult.errors import InputError
from consult.i18n.report import LABELS
from consult.reports.excel.workbook import write_report
from consult.results.aggregation import aggregate
from consult.results.report_data import shown_divergence
from consult.safe_text import FORMULA_PREFIXES, strip_control
from consult.session.simulation import simulate
from consult.store import NewParticipant, ResponseFilter, open_store
from consult.survey.loader import load_survey

CONSULT = Path(sys.executable).with_name("consult")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    store, survey = fill_store(tmp / "t.db")
    path = tmp / "report.xlsx"
    calls = []
    summary = write_report(
        store,
        survey,
        path,
        flt=FLT,
        lang="en",
        raw=True,
        progress=lambda stage, done, total: calls.append((stage, done, total)),
    )
    results = aggregate(store, survey, FLT, "en")
    wb = openpyxl.load_workbook(path)
    yield {
        "store": store,
        "survey": survey,
        "path": path,
        "summary": summary,
        "results": results,
        "wb": wb,
        "calls": calls,
        "tmp": tmp,
    }
    store.close()


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return a == pytest.approx(b, abs=1e-12)


def test_sheets_and_summary(built):
    wb = built["wb"]
    en = LABELS["en"]
    assert wb.sheetnames == [
        en["sheet.summary"],
        en["sheet.rounds"],  # the example survey declares a Delphi design
        en["sheet.by_group"],
        en["sheet.detail"],
        en["sheet.rankings"],
        en["sheet.comments"],
        en["sheet.participation"],
        en["sheet.method"],
        en["sheet.raw"],
        en["sheet.chart_data"],
    ]
    assert built["summary"].respondents == 41
    assert built["summary"].raw_answers > 400


def test_summary_figures_match_aggregate(built):
    res = built["results"]
    ws = built["wb"]["Summary"]
    rows = table_rows(ws, "Summary")
    assert len(rows) == len(res.proposals)
    labels = LABELS["en"]
    for row, p in zip(rows, res.proposals, strict=True):
        st = p.stats
        assert row["Rank"] == p.rank
        assert row["Proposal"] == p.title
        assert row["n"] == st.panel.n_valid
        assert close(row["Support"], st.panel.support)
        assert close(row["Neutral"], st.panel.neutral)
        assert close(row["Opposition"], st.panel.opposition)
        assert close(row["Support 95% CI low"], st.panel.support_ci[0])
        assert close(row["Support 95% CI high"], st.panel.support_ci[1])
        assert close(row["Median"], st.panel.median)
        assert close(row["IQR"], st.panel.iqr)
        assert row["Consensus"] == labels[f"consensus.{st.consensus}"]
        assert close(row["Balanced support (groups equal)"], st.group_balanced_support)
        for g, label in res.groups.items():
            assert close(row[f"Support: {label}"], st.groups[g].support)
        assert row["Abstained"] == st.panel.n_abstained
        assert close(row["Abstention share (of all answers)"], st.panel.abstention_share)
        # The gap in percentage points, as the terminal shows it ("84 pp"): the one flagged.
        gap = abs(shown_divergence(st).difference) * 100
        assert row["Largest gap between groups"] == pytest.approx(gap, abs=1e-9)
        if st.divergence_flag == "possible":
            assert row["Contested"].startswith("Possible (")
        else:
            assert row["Contested"] == (labels["contested_mark"] if st.contested else labels["no"])
    # Formats a reader sees: percentages as percentages.
    assert ws["F5"].number_format in ("0%", "0.0%")
    assert ws.freeze_panes == "C5"
    assert any(r.stats.contested for r in res.proposals)


def test_by_group_figures_match_aggregate(built):
    res = built["results"]
    ws = built["wb"]["By group"]
    rows = table_rows(ws, "ByGroup")
    for row, p in zip(rows, res.proposals, strict=True):
        assert row["Proposal"] == p.title
        assert close(row["All respondents"], p.stats.panel.support)
        assert row["n"] == p.stats.panel.n_valid
        for g, label in res.groups.items():
            assert close(row[label], p.stats.groups[g].support)
            assert row[f"n: {label}"] == p.stats.groups[g].n_valid
        # The largest gap, checked by hand from the groups' own support shares (those the flag
        # considers, when there is a flag).
        shares = {g: p.stats.groups[g].support for g in res.groups}
        shares = {g: v for g, v in shares.items() if v is not None}
        if p.stats.divergence_flag != "none":
            shares = {g: v for g, v in shares.items() if g not in p.stats.small_groups}
        gaps = {(a, b): abs(shares[a] - shares[b]) for a in shares for b in shares if a < b}
        widest = max(gaps.values())
        assert row["Largest gap between groups"] == pytest.approx(widest * 100, abs=1e-9)
        a, b = row["Between"].split(" vs ")
        ids = {label: g for g, label in res.groups.items()}
        assert close(abs(shares[ids[a]] - shares[ids[b]]), widest)


def _ref(series_ref) -> str:
    return series_ref.numRef.f if series_ref.numRef is not None else series_ref.strRef.f


def test_charts_point_at_the_right_ranges(built):
    wb = built["wb"]
    res = built["results"]
    n = len(res.proposals)
    [chart] = wb["Summary"]._charts
    assert chart.type == "bar" and chart.grouping == "stacked"
    assert chart.x_axis.delete is False and chart.y_axis.delete is False
    refs = [_ref(s.val) for s in chart.series]
    last = 2 + n
    # Stacking order: neutral's left half, opposition, neutral's right half, support, empty.
    assert refs == [f"'Chart data'!${c}$3:${c}${last}" for c in "CBDEF"]
    assert _ref(chart.series[0].cat) == f"'Chart data'!$A$3:$A${last}"
    data = wb["Chart data"]
    assert [c.value for c in data[2]][:5] == [
        "Proposal", "Opposition", "Neutral, left half", "Neutral, right half", "Support",
    ]  # fmt: skip
    for i, p in enumerate(reversed(res.proposals)):
        r = 3 + i
        # Category labels broken into lines of about 30 characters, at word boundaries.
        assert data[f"A{r}"].value.replace("\n", " ") == p.title
        assert all(len(line) <= 30 for line in data[f"A{r}"].value.split("\n"))
        assert data[f"A{r}"].alignment.wrap_text
        st = p.stats.panel
        assert close(data[f"B{r}"].value, -st.opposition)
        assert close(data[f"C{r}"].value, -st.neutral / 2)
        assert close(data[f"D{r}"].value, st.neutral / 2)
        assert close(data[f"E{r}"].value, st.support)
        assert data[f"F{r}"].value is None  # the empty series
    [by_group] = wb["By group"]._charts
    assert by_group.grouping == "clustered"
    groups = list(res.groups)
    assert [_ref(s.val) for s in by_group.series] == [
        f"'By group'!${openpyxl.utils.get_column_letter(5 + 2 * k)}$5:"
        f"${openpyxl.utils.get_column_letter(5 + 2 * k)}${4 + n}"
        for k in range(len(groups))
    ]
    assert len(wb["Proposal detail"]._charts) == n
    # Print setup: the Summary table and the chart below it on one page width.
    ws = wb["Summary"]
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_area == f"'Summary'!$A$1:$S${chart.anchor.to.row}"  # to the chart's end


def test_proposal_detail_distribution(built):
    res = built["results"]
    ws = built["wb"]["Proposal detail"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    top = res.proposals[0]
    start = next(i for i, row in enumerate(values) if row[0] == f"1. {top.title}")
    header = values[start + 2]
    assert header[:3] == ["Group", "n", "Abstained"]
    science = values[start + 3]
    s = top.stats.groups["science"]
    assert science[1] == s.n_valid and science[2] == s.n_abstained
    for k, (_, count) in enumerate(s.distribution):
        assert close(science[3 + k], count / s.n_valid)


def test_proposal_detail_charts_point_at_their_tables(built):
    """Each chart: series named by the scale's labels in the header row, one value per group
    and the whole panel below it, categories the group names."""
    res = built["results"]
    ws = built["wb"]["Proposal detail"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    charts = ws._charts
    assert len(charts) == len(res.proposals)
    n_rows = len(res.groups) + 1  # every group, then all respondents
    for p, chart in zip(res.proposals, charts, strict=True):
        title_row = next(i for i, row in enumerate(values, 1) if row[0] == f"{p.rank}. {p.title}")
        header, first, last = title_row + 2, title_row + 3, title_row + 2 + n_rows
        assert values[header - 1][:3] == ["Group", "n", "Abstained"]
        assert values[last - 1][0] == "All respondents"
        assert ws.row_dimensions[header].height == 45
        labels = values[header - 1][3:8]
        assert labels == [
            "Strongly oppose",
            "Oppose",
            "Neither support nor oppose",
            "Support",
            "Strongly support",
        ]
        # The totals are not named as a scale point is: every header is different.
        assert values[header - 1][8:10] == ["Total support", "Total opposition"]
        assert len(set(values[header - 1][:10])) == 10
        for k, series in enumerate(chart.series):
            col = openpyxl.utils.get_column_letter(4 + k)
            assert series.tx.strRef.f.replace("$", "") == f"'Proposal detail'!{col}{header}"
            assert _ref(series.val) == f"'Proposal detail'!${col}${first}:${col}${last}"
        assert _ref(chart.series[0].cat) == f"'Proposal detail'!$A${first}:$A${last}"


def test_rankings_and_participation(built):
    res = built["results"]
    wb = built["wb"]
    [summaries] = res.rankings.values()
    rows = [[c.value for c in row] for row in wb["Rankings"].iter_rows()]
    body = [r for r in rows if r[1] is not None and isinstance(r[1], int)]
    assert [r[3] for r in body] == [s.borda for s in summaries]
    assert [r[2] for r in body] == pytest.approx([s.mean_rank for s in summaries])
    part = [[c.value for c in row] for row in wb["Participation"].iter_rows()]
    total = next(r for r in part if r[0] == "Total")
    assert total[1:4] == [41, 41, 41]
    assert total[4] == 1


def test_hostile_comments_stay_literal_text(built):
    ws = built["wb"]["Comments"]
    cells = {c.value: c for row in ws.iter_rows(min_row=3) for c in row if c.column == 4}
    for key, typed in HOSTILE.items():
        if key == "final_comment":
            assert "bell and escape removed" in cells  # the whole escape sequence goes
            continue
        shown = strip_control(typed)  # one rule for every output: controls and bidi go
        cell = cells[shown]
        assert cell.data_type == "s", typed
        assert cell.quotePrefix == shown.startswith(FORMULA_PREFIXES), typed
    # Nothing anywhere in the workbook became a formula.
    for ws in built["wb"].worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate)


def test_raw_answers_are_pseudonymous_unless_identified(built, tmp_path):
    wb = built["wb"]
    raw = [[c.value for c in row] for row in wb["Raw answers"].iter_rows()]
    assert raw[0][0] == "Participant (pseudonym)"
    flat = {v for row in raw for v in row}
    assert SECRET_NAME not in flat
    assert all(str(r[0]).startswith("P-") for r in raw[1:])
    assert len(raw) - 1 == built["summary"].raw_answers
    path = tmp_path / "named.xlsx"
    write_report(built["store"], built["survey"], path, flt=FLT, lang="en", raw=True, identify=True)
    named = openpyxl.load_workbook(path, read_only=True)
    names = {r[1] for r in named["Raw answers"].iter_rows(values_only=True)}
    assert SECRET_NAME in names
    for sheet in ("Summary", "Comments", "Method"):
        assert SECRET_NAME not in {v for r in named[sheet].iter_rows(values_only=True) for v in r}


def test_method_sheet_and_simulated_left_out(built, tmp_path):
    method = {r[0]: r[1] for r in built["wb"]["Method"].iter_rows(values_only=True) if r[0]}
    assert method["Survey id"] == "st-diplomacy-roundtable"
    assert method["Definition hash (SHA-256)"] == built["survey"].hash
    assert method["Simulated responses"].startswith("Included (40 ")
    assert "type 7" in method["Quantile definition (median, IQR)"]
    path = tmp_path / "real-only.xlsx"
    summary = write_report(built["store"], built["survey"], path, flt=ResponseFilter(), lang="en")
    assert summary.respondents == 1
    wb = openpyxl.load_workbook(path, read_only=True)
    assert "Raw answers" not in wb.sheetnames
    method = {r[0]: r[1] for r in wb["Method"].iter_rows(values_only=True) if len(r) > 1}
    assert method["Simulated responses"].startswith("Left out (40 ")


def test_a_report_of_only_simulated_responses_says_why_it_is_empty(tmp_path):
    """As a new user runs it: `consult simulate -n 40`, then `consult report` without flags."""
    with open_store(tmp_path / "c.db") as store:
        survey = load_survey(SURVEY)
        simulate(store, survey, 40, seed=1)
        for lang, words in [("en", "40 simulated responses are left out"), ("ko", "40건")]:
            path = tmp_path / f"{lang}.xlsx"
            write_report(store, survey, path, flt=ResponseFilter(), lang=lang)
            note = list(openpyxl.load_workbook(path, read_only=True).worksheets[0].values)[2][0]
            assert words in note and "--include-simulated" in note
        path = tmp_path / "rehearsal.xlsx"
        write_report(store, survey, path, flt=ResponseFilter(include_simulated=True), lang="en")
        note = list(openpyxl.load_workbook(path, read_only=True)["Summary"].values)[2][0]
        assert note.startswith("Shares are of valid answers")


def test_korean_labels(built, tmp_path):
    path = tmp_path / "ko.xlsx"
    write_report(built["store"], built["survey"], path, flt=FLT, lang="ko")
    wb = openpyxl.load_workbook(path, read_only=True)
    assert wb.sheetnames[0] == "요약"
    first = next(wb["요약"].iter_rows(values_only=True))
    assert first[0] == "과학기술외교 정책 라운드테이블"
    # The table headers and the Method sheet's own words are Korean too.
    summary = list(wb["요약"].iter_rows(values_only=True))
    assert summary[3][:6] == ("순위", "제안", "n", "기권", "기권 비율 (전체 응답 중)", "지지")
    assert any(v in ("찬성 합의", "합의 없음") for row in summary[4:] for v in row)
    method = {r[0]: r[1] for r in wb["방법"].iter_rows(values_only=True) if len(r) > 1}
    assert method["분위수 정의 (중앙값, 사분위범위)"].startswith("Hyndman-Fan 제7유형")
    assert method["합의 규칙"].startswith("찬성 합의: 지지 >= 70% 그리고 반대 < 15%")


def test_bad_input(built, tmp_path):
    with pytest.raises(InputError, match="--identify needs --raw"):
        write_report(built["store"], built["survey"], tmp_path / "x.xlsx", flt=FLT, lang="en",
                     identify=True)  # fmt: skip
    with pytest.raises(InputError, match="--lang fr: the survey is in en, ko"):
        write_report(built["store"], built["survey"], tmp_path / "x.xlsx", flt=FLT, lang="fr")


def test_progress_is_reported(built):
    stages = {stage for stage, _, _ in built["calls"]}
    assert {"Computing results", "Writing comments", "Writing raw answers"} <= stages
    done = [(d, t) for s, d, t in built["calls"] if s == "Writing raw answers"][-1]
    assert done[0] == done[1] == built["summary"].raw_answers


# --------------------------------------------------------------------------- as a new user


def run(args, cwd):
    env = {**os.environ, "CONSULT_DB": str(cwd / "consult.db")}
    return subprocess.run(
        [str(CONSULT), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=60
    )


def test_cli_as_a_new_user(tmp_path):
    shutil.copytree(ROOT / "surveys", tmp_path / "surveys")
    survey = "surveys/st-diplomacy-roundtable.yaml"
    assert run(["simulate", survey, "--respondents", "40"], tmp_path).returncode == 0
    done = run(["report", survey, "--include-simulated"], tmp_path)
    assert done.returncode == 0, done.stderr
    path = Path("results") / f"st-diplomacy-roundtable-{date.today().isoformat()}.xlsx"
    assert done.stdout.startswith(f"Wrote {path}: 6 proposals, 40 responses")
    wb = openpyxl.load_workbook(tmp_path / path, read_only=True)
    assert wb.sheetnames[0] == "Summary"
    again = run(["report", survey, "--include-simulated"], tmp_path)
    assert again.returncode == 2
    assert again.stderr == f"Error: {path} already exists; add --force to overwrite it\n"
    forced = run(["report", survey, "--include-simulated", "--force"], tmp_path)
    assert forced.returncode == 0, forced.stderr
    lang = run(["report", survey, "--lang", "fr", "-o", "x.xlsx"], tmp_path)
    assert lang.returncode == 2
    assert lang.stderr == "Error: --lang fr: the survey is in en, ko\n"
    assert not (tmp_path / "x.xlsx").exists()
    # Without --include-simulated a rehearsal's report is empty, and says why.
    empty = run(["report", survey, "-o", "empty.xlsx"], tmp_path)
    assert empty.returncode == 0, empty.stderr
    assert empty.stdout == (
        "Wrote empty.xlsx: 6 proposals, 0 responses (simulated left out), 9 sheets.\n"
    )
    assert (
        empty.stderr == "40 simulated responses left out; add --include-simulated to count them.\n"
    )


def test_no_comments_leaves_every_free_text_answer_out(built, tmp_path):
    from consult.results.aggregation import iter_comments

    store, survey = built["store"], built["survey"]
    results = built["results"]
    texts = {c["text"] for c in iter_comments(store, survey, results.filter)}
    assert set(HOSTILE.values()) - {HOSTILE["final_comment"]} <= texts
    n_comments = sum(n for g in results.comment_counts.values() for n in g.values())
    assert n_comments == len(list(iter_comments(store, survey, results.filter))) > 7

    path = tmp_path / "no-comments.xlsx"
    calls = []
    summary = write_report(
        store, survey, path, flt=FLT, lang="en", raw=True, comments=False,
        progress=lambda stage, done, total: calls.append((stage, done, total)),
    )  # fmt: skip
    wb = openpyxl.load_workbook(path)
    assert "Comments" not in wb.sheetnames
    values = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
    assert not texts & values
    assert "bell and escape removed" not in values  # as the Comments sheet shows it
    # Only their number is given: in Proposal detail for each text follow-up, and in Method.
    detail = {c.value for row in wb["Proposal detail"].iter_rows() for c in row}
    for key in ("ministry-led.comment", "legal-foundation.comment"):
        n = sum(results.comment_counts[key].values())
        assert f"{n} answers, left out of this report (--no-comments)" in detail
    method = {r[0]: r[1] for r in wb["Method"].iter_rows(values_only=True) if r[0]}
    assert method["Free-text answers"] == (
        f"Left out of this report (--no-comments): {n_comments} not shown"
    )
    # Raw answers: every answer but the free text; the progress bar still reaches its end.
    assert summary.raw_answers == built["summary"].raw_answers - n_comments
    done = [(d, t) for s, d, t in calls if s == "Writing raw answers"][-1]
    assert done == (summary.raw_answers, summary.raw_answers)
    full = {r[0]: r[1] for r in built["wb"]["Method"].iter_rows(values_only=True) if r[0]}
    assert full["Free-text answers"] == (
        f"Included: {n_comments} (Comments sheet), authors shown only by group"
    )


def test_no_comments_also_hides_text_kept_from_an_earlier_version(tmp_path):
    """Free text stored under a key that is a choice or scale now is still free text."""
    store, survey = fill_store(tmp_path / "t.db")
    [person] = store.add_participants(survey.id, [NewParticipant("diplomacy")])
    response = store.start_response(person.id, survey.hash, 1)
    store.save_answer(response, "ministry-led.support", "an old free-text answer", None)
    store.save_answer(response, "legal-foundation.support", 4, 4.0)
    store.submit_response(response.id)
    path = tmp_path / "r.xlsx"
    summary = write_report(store, survey, path, flt=FLT, lang="en", raw=True, comments=False)
    rows = list(
        openpyxl.load_workbook(path, read_only=True)["Raw answers"].iter_rows(values_only=True)
    )
    values = {r[7] for r in rows}
    assert "an old free-text answer" not in values
    assert len(rows) - 1 == summary.raw_answers
    # Option ids and abstentions are not free text: they stay.
    questions = {q.key: q for q in survey.questions()}
    kept = {r[6] for r in rows[1:]}
    assert {k for k, q in questions.items() if q.type == "single_choice"} & kept
    assert "legal-foundation.support" in kept
    store.close()
