"""The Excel report across Delphi rounds: the Rounds sheet (each proposal per round, the change
and its stability, the round it settled in, attrition, a line chart of support per round),
Participation per round and the design on the Method sheet.

A real three-round study: round 1 simulated, ``open_next_round``, round 2 answered by the
simulated panel, and again for round 3. Expected figures come from the store's raw answers,
computed here by hand (numpy quantiles, scipy's Wilcoxon, sklearn's weighted kappa), and from
``rounds_overview`` / ``rounds_status`` for what they alone define (the settled round).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile
from collections import Counter
from pathlib import Path

import numpy as np
import openpyxl
import pytest
from report_support import ROOT, SURVEY, table_rows
from scipy.stats import wilcoxon
from sklearn.metrics import cohen_kappa_score

from consult import stats
from consult.i18n.report import LABELS
from consult.reports.excel.figures import decimal_format, share_format
from consult.reports.excel.workbook import write_report
from consult.results.rounds import open_next_round, rounds_overview, rounds_status
from consult.session.simulation import simulate
from consult.session.simulation_rounds import simulate_next_round
from consult.store import ResponseFilter, open_store
from consult.store.surveys import register_survey
from consult.survey.loader import load_survey

EN = LABELS["en"]
FLT = ResponseFilter(include_simulated=True)
CONSULT = Path(sys.executable).with_name("consult")
SUPPORT_POINTS = {4, 5}  # the example's scale support5


def three_rounds(path: Path, respondents: int):
    """A study in its third round: rounds 1 and 2 closed (frozen), round 3 open and answered."""
    survey = load_survey(SURVEY)
    store = open_store(path)
    register_survey(store, survey)
    simulate(store, survey, respondents, seed=1)
    for n in (2, 3):
        open_next_round(store, survey, include_simulated=True)
        simulate_next_round(store, survey, n, seed=n)
    return store, survey


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rounds")
    store, survey = three_rounds(tmp / "t.db", 60)
    path = tmp / "report.xlsx"
    summary = write_report(store, survey, path, flt=FLT, lang="en")
    yield {
        "store": store,
        "survey": survey,
        "tmp": tmp,
        "summary": summary,
        "wb": openpyxl.load_workbook(path),
        "overview": rounds_overview(store, survey, include_simulated=True),
        "status": rounds_status(store, survey, include_simulated=True),
    }
    store.close()


def support_answers(store, survey, round: int) -> dict[str, dict[str, int]]:
    """Support question key -> pseudonym -> scale point, in ``round``, from the raw answers
    (submitted responses, simulated ones included; abstentions left out)."""
    out: dict[str, dict[str, int]] = {}
    flt = ResponseFilter(round=round, include_simulated=True)
    for pseudonym, _, rnd, status, _, key, _, numeric, *_ in store.export_answers(survey.id, flt):
        assert rnd == round and status == "submitted"
        if key.endswith(".support") and numeric is not None:
            out.setdefault(key, {})[pseudonym] = int(numeric)
    return out


def rounds_table(wb) -> list[dict]:
    return table_rows(wb["Rounds"], "Rounds")


# --------------------------------------------------------------------------- the Rounds sheet


def test_the_study_settles_some_proposals_and_carries_others(study):
    """The fixture is worth its name: something settled in round 1, something reached round 3."""
    overview = study["overview"]
    assert overview["rounds"] == [1, 2, 3]
    settled = [p for p in overview["proposals"] if p["settled_in"]]
    carried = [p for p in overview["proposals"] if p["rounds"][2] is not None]
    assert settled and carried
    assert "Rounds" in study["summary"].sheets
    assert study["wb"].sheetnames[:2] == ["Summary", "Rounds"]


def test_rounds_sheet_equals_the_overview(study):
    """A row per proposal per round it was asked in: n, support, median, quartiles, verdict,
    the change from the round before, the settled round and verdict, as rounds_overview has
    them (closed rounds from their snapshots, the open round live)."""
    rows = rounds_table(study["wb"])
    expected = []
    for p in study["overview"]["proposals"]:
        for c in p["rounds"]:
            if c is None:
                continue
            change = c["support_change"]
            expected.append(
                {
                    "Proposal": p["title"],
                    "Round": c["round"],
                    "n": c["n"],
                    "Support": pytest.approx(c["support"], abs=1e-12),
                    "Median": c["median"],
                    "Q1": c["q1"],
                    "Q3": c["q3"],
                    "IQR": c["iqr"],
                    "Consensus": EN[f"consensus.{c['verdict']}"],
                    "Support change": None
                    if change is None
                    else pytest.approx(change * 100, abs=1e-9),
                    "Median change": c["median_change"],
                    "Settled in round": p["settled_in"],
                    "Settled as": EN[f"consensus.{p['settled_verdict']}"]
                    if p["settled_in"]
                    else None,
                }
            )
    assert [{k: r[k] for k in expected[0]} for r in rows] == expected


def test_round_two_recomputed_from_the_raw_answers(study):
    """Support, median, quartiles of a proposal carried into round 2, and its stability
    against round 1 (share changed, Wilcoxon p, weighted kappa), from the stored answers."""
    store, survey = study["store"], study["survey"]
    rows = rounds_table(study["wb"])
    carried = next(p for p in study["overview"]["proposals"] if p["rounds"][1] is not None)
    key = f"{carried['id']}.support"
    first, second = support_answers(store, survey, 1)[key], support_answers(store, survey, 2)[key]
    values = np.array(list(second.values()), dtype=float)
    [row] = [r for r in rows if r["Proposal"] == carried["title"] and r["Round"] == 2]
    assert row["n"] == len(values)
    assert row["Support"] == pytest.approx(np.isin(values, list(SUPPORT_POINTS)).mean())
    assert row["Median"] == pytest.approx(np.median(values))
    assert (row["Q1"], row["Q3"]) == pytest.approx(tuple(np.percentile(values, [25, 75])))
    before = np.array(list(first.values()), dtype=float)
    support_before = np.isin(before, list(SUPPORT_POINTS)).mean()
    change = (np.isin(values, list(SUPPORT_POINTS)).mean() - support_before) * 100
    assert row["Support change"] == pytest.approx(change)
    both = sorted(set(first) & set(second))
    a = np.array([first[p] for p in both])
    b = np.array([second[p] for p in both])
    assert row["Pairs (answered both)"] == len(both)
    assert row["Changed their answer"] == pytest.approx((a != b).mean())
    assert row["Mean absolute change"] == pytest.approx(np.abs(b - a).mean())
    # Zero differences dropped (Wilcoxon's rule), normal approximation with tie and
    # continuity corrections, as consult.stats documents it.
    test = wilcoxon(b, a, zero_method="wilcox", correction=True, method="approx")
    assert row["Wilcoxon p"] == pytest.approx(test.pvalue, rel=1e-6)
    kappa = cohen_kappa_score(a, b, weights="linear", labels=[1, 2, 3, 4, 5])
    assert row["Weighted kappa (linear)"] == pytest.approx(kappa)
    assert row["IQR change"] == pytest.approx(
        np.subtract(*np.percentile(b, [75, 25])) - np.subtract(*np.percentile(a, [75, 25]))
    )
    changed = (a != b).mean()
    assert row["Stable (criterion)"] == ("Yes" if changed < 0.15 else "No")  # changed_share < 15%
    # Round 1 of the same proposal: nothing before it, no stability.
    [first_row] = [r for r in rows if r["Proposal"] == carried["title"] and r["Round"] == 1]
    assert first_row["Support change"] is None and first_row["Stable (criterion)"] is None


def test_a_settled_proposal_is_not_asked_again(study):
    """Settled in round 1 by its verdict there (carry_forward: no_consensus): one row only."""
    rows = rounds_table(study["wb"])
    for p in study["overview"]["proposals"]:
        mine = [r for r in rows if r["Proposal"] == p["title"]]
        if p["settled_in"] == 1:
            assert [r["Round"] for r in mine] == [1]
            assert mine[0]["Consensus"] == mine[0]["Settled as"]
            assert p["settled_verdict"] in ("for", "against")
        else:
            assert [r["Round"] for r in mine] == [1, 2, 3]


def test_cells_are_formatted_as_the_rest_of_the_report(study):
    """Shares in percent, changes signed, a tiny p as "<0.001"; titles are text."""
    ws = study["wb"]["Rounds"]
    header = [c.value for c in ws[4]]
    formats = {h: set() for h in header}
    for row in ws.iter_rows(min_row=5, max_row=4 + len(rounds_table(study["wb"]))):
        for h, c in zip(header, row, strict=True):
            if c.value is not None:
                formats[h].add(c.number_format)
    assert formats["Support"] <= {"0%", "0.0%", "0.00%"}
    assert formats["Changed their answer"] <= {"0%", "0.0%", "0.00%"}
    assert formats["Support change"] <= {'+0" pp";-0" pp";0" pp"', '+0.0" pp";-0.0" pp";0.0" pp"'}
    assert all(f.startswith('[<0.001]"<0.001";0.00') for f in formats["Wilcoxon p"])
    assert all(c.data_type == "s" for c in ws["A"][4:] if c.value is not None)


def test_attrition_per_group_between_rounds(study):
    """Who answered round k, how many of them answered k + 1, counted from the raw answers."""
    store, survey = study["store"], study["survey"]
    ws = study["wb"]["Rounds"]
    values = [[c.value for c in row] for row in ws.iter_rows()]
    start = next(i for i, r in enumerate(values) if r[0] == "Attrition between rounds")
    assert values[start + 1][:6] == [
        "Group",
        "Rounds",
        "Answered the earlier round",
        "Answered both",
        "Lost",
        "Lost share",
    ]
    labels = {g: survey.group(g).label.get("en") for g in survey.group_ids}
    table = {(r[1], r[0]): r[2:6] for r in values[start + 2 : start + 2 + 2 * (len(labels) + 1)]}

    def groups_of(round: int) -> dict[str, str]:
        flt = ResponseFilter(round=round, include_simulated=True)
        return {p: g for p, g, *_ in store.export_answers(survey.id, flt)}

    for a, b in ((1, 2), (2, 3)):
        earlier, later = groups_of(a), groups_of(b)
        for gid, name in labels.items():
            n_before = sum(1 for g in earlier.values() if g == gid)
            n_both = sum(1 for p, g in earlier.items() if g == gid and p in later)
            lost = n_before - n_both
            assert table[(f"{a} → {b}", name)][:3] == [n_before, n_both, lost]
            assert table[(f"{a} → {b}", name)][3] == pytest.approx(lost / n_before)
        assert table[(f"{a} → {b}", "Total")][:2] == [len(earlier), len(set(earlier) & set(later))]


def test_line_chart_of_support_per_round(study):
    """One series per proposal, one point per round (x = the rounds), each series' values the
    proposal's support in each round it was asked (an empty cell where it was not)."""
    wb = study["wb"]
    ws = wb["Rounds"]
    [chart] = ws._charts
    assert chart.tagname == "lineChart"
    assert chart.x_axis.delete is False and chart.y_axis.delete is False
    proposals = study["overview"]["proposals"]
    assert len(chart.series) == len(proposals)

    def cells(ref: str) -> list:
        sheet, area = ref.rsplit("!", 1)
        found = wb[sheet.strip("'")][area.replace("$", "")]
        if not isinstance(found, tuple):  # a single cell
            return [found.value]
        return [c.value for row in found for c in row]

    [categories] = [chart.series[0].cat.strRef or chart.series[0].cat.numRef]
    assert cells(categories.f) == ["Round 1", "Round 2", "Round 3"]
    for series, p in zip(chart.series, proposals, strict=True):
        points = cells(series.val.numRef.f)
        assert len(points) == 3
        expected = [None if c is None else c["support"] for c in p["rounds"]]
        assert points == pytest.approx(expected)
        assert p["title"].startswith(cells(series.tx.strRef.f)[0].rstrip("…"))


def test_closed_rounds_say_when_frozen_with_simulated_responses(study, tmp_path):
    """Rounds 1 and 2 were closed counting the rehearsal's simulated responses: a report that
    leaves them out says so, since their frozen figures still count them."""
    store, survey = study["store"], study["survey"]
    write_report(store, survey, tmp_path / "r.xlsx", flt=ResponseFilter(), lang="en")
    note = openpyxl.load_workbook(tmp_path / "r.xlsx")["Rounds"]["A3"].value
    assert note.endswith("Frozen with simulated responses included: round 1, 2.")
    assert "Frozen with" not in study["wb"]["Rounds"]["A3"].value  # the same choice: no note


def test_figures_judged_by_the_criterion_are_not_rounded_across_it():
    """A stability figure next to a threshold of the stopping criterion gets the decimals that
    keep it on its side, as shares next to the consensus rule's thresholds do."""
    judged = stats.criterion_thresholds("changed_share < 15% and |cv_change| <= 0.1")
    assert judged == {"changed_share": (0.15,), "cv_change": (0.1,)}
    assert share_format(0.1496, stats.shown_share(0.1496, judged["changed_share"])) == "0.00%"
    assert share_format(0.148, stats.shown_share(0.148, judged["changed_share"])) == "0.0%"
    assert share_format(0.12, stats.shown_share(0.12, judged["changed_share"])) == "0%"
    assert decimal_format(-0.0996, judged["cv_change"], 2) == "0.0000"  # |-0.0996| vs 0.1
    assert decimal_format(-0.08, judged["cv_change"], 2) == "0.00"
    assert decimal_format(0.5, (), 2) == "0.00"


# --------------------------------------------------------------------------- Participation, Method


def test_participation_has_every_round(study):
    """A block per round (invited, started, submitted, incomplete by group and in total), the
    submitted ones counted again from the raw answers."""
    store, survey = study["store"], study["survey"]
    rows = [[c.value for c in row] for row in study["wb"]["Participation"].iter_rows()]
    heads = [i for i, r in enumerate(rows) if isinstance(r[0], str) and r[0].startswith("Round ")]
    assert [rows[i][0] for i in heads] == ["Round 1 (closed)", "Round 2 (closed)", "Round 3 (open)"]
    status = study["status"]["rounds"]
    for i, r in zip(heads, status, strict=True):
        assert rows[i + 1][:4] == ["Group", "Invited", "Started", "Submitted"]
        assert rows[i + 1][6] == "Incomplete (started, not submitted)"
        sheet = study["wb"]["Participation"]
        assert sheet.row_dimensions[i + 2].height >= 40  # wrapped headers are not cut
        total = next(row for row in rows[i + 2 :] if row[0] == "Total")
        expected = r["participation"]["total"]
        assert total[1:4] == [expected["invited"], expected["started"], expected["submitted"]]
        flt = ResponseFilter(round=r["round"], include_simulated=True)
        submitted = {p for p, *_ in store.export_answers(survey.id, flt)}
        assert total[3] == len(submitted)
        assert total[6] == expected["started"] - expected["submitted"]
    # Round 1: everyone; later rounds invite those who submitted the round before.
    first = next(row for row in rows[heads[0] :] if row[0] == "Total")
    second = next(row for row in rows[heads[1] :] if row[0] == "Total")
    third = next(row for row in rows[heads[2] :] if row[0] == "Total")
    assert first[1] == 60 and second[1] == first[3] and third[1] == second[3]


def test_method_states_the_design(study):
    rows = [r for r in study["wb"]["Method"].iter_rows(values_only=True) if r[0]]
    method = dict(rows)
    assert method["Delphi design"] == (
        "At most 3 rounds; asked again: the proposals without consensus (For or Against "
        "settles one); invited to the next round: those who submitted the round before."
    )
    assert method["Feedback shown in round 2 and later"].startswith("the distribution of answers")
    assert method["Reasons asked"].startswith("Required when the new answer lies outside")
    plans = method["Proposals asked in each round"].split("\n")
    assert plans[0] == "Round 1 (closed): all 6 proposals"
    assert plans[1].startswith("Round 2 (closed): ") and plans[2].startswith("Round 3 (open): ")
    settled = [p for p in study["overview"]["proposals"] if p["settled_in"] == 1]
    for p in settled:
        assert f"(round 1, {EN['consensus.' + p['settled_verdict']]})" in plans[1]
    assert method["Stopping criterion"].startswith("changed_share < 15%")
    # Met when every proposal asked in round 3 changed less than 15% against round 2.
    last = [p["rounds"][2] for p in study["overview"]["proposals"] if p["rounds"][2]]
    met = all(c["stability"]["changed_share"] < 0.15 for c in last)
    assert method["Criterion met in the last comparison"] == (
        f"{'Yes' if met else 'No'} (rounds 2 → 3)"
    )
    assert study["status"]["rounds"][2]["stability"]["criterion_met"] is met


# --------------------------------------------------------------------------- the CLI, other cases


def run(args: list[str], db: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "CONSULT_DB": str(db)}
    return subprocess.run(
        [str(CONSULT), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_report_of_round_two_shows_its_figures_and_every_round(study):
    """``report --round 2``: the Summary is round 2's, the Rounds sheet still every round."""
    tmp = study["tmp"]
    done = run(
        ["report", str(SURVEY), "--round", "2", "--include-simulated", "-o", "r2.xlsx"],
        tmp / "t.db",
        tmp,
    )
    assert done.returncode == 0, done.stderr
    wb = openpyxl.load_workbook(tmp / "r2.xlsx")
    summary = {r["Proposal"]: r for r in table_rows(wb["Summary"], "Summary")}
    carried = [p for p in study["overview"]["proposals"] if p["rounds"][1] is not None]
    assert set(summary) == {p["title"] for p in carried}
    for p in carried:
        assert summary[p["title"]]["n"] == p["rounds"][1]["n"]
    assert {r["Round"] for r in rounds_table(wb)} == {1, 2, 3}
    method = dict(r for r in wb["Method"].iter_rows(values_only=True) if r[0])
    assert method["Rounds"] == "round 2"


def test_korean_report_names_the_sheet_and_its_headers(study, tmp_path):
    store, survey = study["store"], study["survey"]
    write_report(store, survey, tmp_path / "ko.xlsx", flt=FLT, lang="ko")
    wb = openpyxl.load_workbook(tmp_path / "ko.xlsx")
    ko = LABELS["ko"]
    ws = wb[ko["sheet.rounds"]]
    assert ws["A1"].value == ko["rounds.heading"]
    assert [c.value for c in ws[4]][:4] == [
        ko[k] for k in ("col.proposal", "col.round", "col.n", "col.support")
    ]
    first = survey.proposals[0]
    assert ws["A5"].value == first.title.get("ko")


def test_a_survey_without_rounds_has_no_rounds_sheet(tmp_path):
    survey = load_survey(ROOT / "tests" / "surveys" / "aggregation-small.yaml")
    assert survey.delphi is None
    with open_store(tmp_path / "t.db") as store:
        register_survey(store, survey)
        simulate(store, survey, 20, seed=1)
        summary = write_report(store, survey, tmp_path / "r.xlsx", flt=FLT, lang="en")
    assert "Rounds" not in summary.sheets
    method = dict(
        r
        for r in openpyxl.load_workbook(tmp_path / "r.xlsx")["Method"].iter_rows(values_only=True)
        if r[0]
    )
    assert "Delphi design" not in method and "Stopping criterion" not in method


def test_round_one_of_a_delphi_survey(tmp_path):
    """Round 1 of a declared design: the Rounds sheet has round 1 only, no attrition, no change,
    and says no two rounds were compared yet."""
    survey = load_survey(SURVEY)
    with open_store(tmp_path / "t.db") as store:
        register_survey(store, survey)
        simulate(store, survey, 30, seed=4)
        write_report(store, survey, tmp_path / "r.xlsx", flt=FLT, lang="en")
    wb = openpyxl.load_workbook(tmp_path / "r.xlsx")
    rows = rounds_table(wb)
    assert {r["Round"] for r in rows} == {1} and len(rows) == len(survey.proposals)
    assert all(r["Support change"] is None and r["Settled in round"] is None for r in rows)
    text = [c.value for row in wb["Rounds"].iter_rows() for c in row if isinstance(c.value, str)]
    assert "Attrition between rounds" not in text
    assert any("no two rounds compared yet" in t for t in text)
    assert len(wb["Rounds"]._charts[0].series) == len(survey.proposals)
    method = dict(r for r in wb["Method"].iter_rows(values_only=True) if r[0])
    assert method["Criterion met in the last comparison"] == "No two rounds compared yet"


# --------------------------------------------------------------------------- LibreOffice

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOTEXT = shutil.which("pdftotext")
PDFTOPPM = shutil.which("pdftoppm")


def chart_of_sheet(xlsx: Path, sheet: str) -> str:
    """The chart XML drawn on ``sheet``, found through the package's relationships."""
    ns = {
        "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
        "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        "p": "http://schemas.openxmlformats.org/package/2006/relationships",
    }

    def rels(z: zipfile.ZipFile, part: str) -> dict[str, str]:
        folder, name = part.rsplit("/", 1)
        root = ET.fromstring(z.read(f"{folder}/_rels/{name}.rels"))
        return {
            r.get("Id"): r.get("Target").lstrip("/")
            if r.get("Target").startswith("/")
            else f"{folder}/{r.get('Target')}"
            for r in root.findall("p:Relationship", ns)
        }

    with zipfile.ZipFile(xlsx) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        [rid] = [
            s.get(f"{{{ns['r']}}}id") for s in book.find("m:sheets", ns) if s.get("name") == sheet
        ]
        sheet_part = rels(z, "xl/workbook.xml")[rid]
        [drawing] = [t for t in rels(z, sheet_part).values() if "drawings/" in t]
        [chart] = [t for t in rels(z, drawing).values() if "charts/" in t]
        return z.read(chart).decode()


def read_ppm(path: Path) -> tuple[int, int, bytes]:
    """Width, height and RGB pixels of a binary PPM (P6), as pdftoppm writes it."""
    data = path.read_bytes()
    fields, pos = [], 0
    while len(fields) < 4:
        while data[pos : pos + 1].isspace():
            pos += 1
        end = pos
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    assert fields[0] == b"P6" and int(fields[3]) == 255
    width, height = int(fields[1]), int(fields[2])
    return width, height, data[pos + 1 : pos + 1 + 3 * width * height]


@pytest.mark.libreoffice
def test_three_rounds_of_300_open_in_libreoffice(tmp_path):
    """The must-show: a simulated three-round study of 300 participants gives a report that
    LibreOffice opens and prints, with the Rounds sheet, its table and its line chart."""
    if SOFFICE is None or PDFTOTEXT is None or PDFTOPPM is None:
        pytest.skip("LibreOffice and poppler-utils are not installed; CI installs them")
    store, survey = three_rounds(tmp_path / "t.db", 300)
    overview = rounds_overview(store, survey, include_simulated=True)
    done = run(
        ["report", str(SURVEY), "--include-simulated", "-o", "report.xlsx"],
        tmp_path / "t.db",
        tmp_path,
    )
    store.close()
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Wrote report.xlsx: "), done.stdout
    xlsx = tmp_path / "report.xlsx"
    # The chart is in the workbook's drawing parts: Rounds sheet -> drawing -> a line chart.
    line = chart_of_sheet(xlsx, "Rounds")
    assert "<lineChart>" in line
    assert line.count("<ser>") == len(overview["proposals"])
    assert re.search(r"<f>'?Rounds'?!\$B\$\d+:\$D\$\d+</f>", line)  # 3 rounds: B..D
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(xlsx),
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stderr
    pdf = tmp_path / "report.pdf"
    text = subprocess.run(
        [PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    [page] = [i for i, p in enumerate(pages, 1) if "Support across the Delphi rounds" in p]
    printed = pages[page - 1]
    assert "Support per round (share of valid answers)" in printed  # the chart's title
    for label in ("Round 1", "Round 2", "Round 3"):
        assert label in printed  # the chart's x axis
    carried = next(p for p in overview["proposals"] if p["rounds"][2] is not None)
    assert carried["title"].split()[0] in printed
    assert "Attrition between rounds" in text and "Participation by round" in text
    assert "Proposals asked in each round" in text
    # The chart is drawn: its series' colours are on the page.
    subprocess.run(
        [PDFTOPPM, "-f", str(page), "-l", str(page), "-r", "50", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    [ppm] = tmp_path.glob("p-*.ppm")
    _, _, pixels = read_ppm(ppm)
    colours = Counter(pixels[i : i + 3] for i in range(0, len(pixels), 3))
    blue = sum(
        n
        for rgb, n in colours.items()
        if abs(rgb[0] - 0x2E) < 40 and abs(rgb[1] - 0x75) < 40 and abs(rgb[2] - 0xB6) < 40
    )
    orange = sum(
        n
        for rgb, n in colours.items()
        if abs(rgb[0] - 0xED) < 40 and abs(rgb[1] - 0x7D) < 40 and abs(rgb[2] - 0x31) < 40
    )
    assert blue > 50 and orange > 50, (blue, orange)
