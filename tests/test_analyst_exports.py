"""Labelled data for analysts: SPSS and Stata files read back with pyreadstat, the codebook,
and a CSV's Frictionless data package validated by frictionless. (R is not on the machine
these tests were written on: haven is not checked.)"""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
from pathlib import Path

import frictionless
import pyreadstat
import pytest
from publish_support import HOSTILE, Panel, build_panel

CONSULT = str(Path(sys.executable).parent / "consult")
SRC = str(Path(__file__).resolve().parents[1] / "src")


def consult(panel: Panel, *args: str, pythonpath: str = "") -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CONSULT_DB"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [pythonpath, SRC, env.get("PYTHONPATH")]))
    return subprocess.run(
        [CONSULT, "--db", str(panel.db), "export", str(panel.survey_file), *args],
        cwd=panel.db.parent,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def panel(tmp_path_factory: pytest.TempPathFactory) -> Panel:
    return build_panel(tmp_path_factory.mktemp("analysts"))


def by_person(panel: Panel, frame) -> dict[str, dict]:
    names = {p.pseudonym: key for key, p in panel.people.items()}
    return {names[row["participant"]]: row for row in frame.to_dict("records")}


def test_spss_file_has_labels_values_and_declared_missing(panel: Panel, tmp_path: Path) -> None:
    path = tmp_path / "answers.sav"
    result = consult(panel, "--format", "sav", "-o", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith(f"Wrote 3 records to {path}\n")
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    rows = by_person(panel, frame)
    assert set(rows) == {"alice", "bob", "carol"}  # Dan never submitted; no simulated ones
    assert "name" not in frame.columns and "code" not in frame.columns

    labels = meta.column_names_to_labels
    assert labels["carbon_price_support"] == "How far do you support this proposal?"
    assert labels["carbon_price_concerns_cost"] == "What concerns you most?: Cost to households"
    assert (
        labels["priorities_grid"]
        == "Put the proposals in order of priority.: A national grid operator"
    )
    values = meta.variable_value_labels
    assert values["carbon_price_support"] == {
        1.0: "Strongly oppose",
        2.0: "Oppose",
        3.0: "Neither",
        4.0: "Support",
        5.0: "Strongly support",
        -7.0: "abstained",
        -8.0: "skipped",
    }
    assert values["sector"] == {1.0: "Public sector", 2.0: "Private sector", -8.0: "skipped"}
    assert values["group"] == {1.0: "Researchers", 2.0: "Industry"}
    declared = {r["lo"] for r in meta.missing_ranges["carbon_price_support"]}
    assert declared == {-7.0, -8.0, -9.0}

    alice, bob, carol = rows["alice"], rows["bob"], rows["carol"]
    assert (alice["group"], alice["sector"], alice["years"]) == (1.0, 1.0, 12.0)
    assert alice["carbon_price_support"] == 2.0 and alice["grid_support"] == 5.0
    flags = [alice[f"carbon_price_concerns_{o}"] for o in ("cost", "industry", "other")]
    assert flags == [1.0, 0.0, 1.0]
    assert alice["carbon_price_other_concern"] == HOSTILE  # data, not a formula, in SPSS
    assert (alice["priorities_grid"], alice["priorities_carbon_price"]) == (1.0, 2.0)
    assert bob["carbon_price_support"] == -7.0  # abstained
    assert bob["carbon_price_concerns_cost"] == -9.0  # not asked: an abstention meets no condition
    assert (bob["priorities_carbon_price"], bob["priorities_grid"]) == (1.0, 2.0)
    assert carol["carbon_price_concerns_cost"] == -9.0  # 5 is not <= 2
    assert carol["priorities_grid"] == -8.0  # skipped
    assert math.isnan(carol["years"])  # a number question: system missing
    assert carol["grid_comment"] == "Competition works better than one operator"

    plain, _ = pyreadstat.read_sav(str(path))  # declared missing values read as missing
    assert plain["carbon_price_support"].isna().sum() == 1


def test_stata_file_in_korean_with_extended_missing(panel: Panel, tmp_path: Path) -> None:
    path = tmp_path / "answers.dta"
    result = consult(panel, "--format", "dta", "--lang", "ko", "-o", str(path))
    assert result.returncode == 0, result.stderr
    frame, meta = pyreadstat.read_dta(str(path), user_missing=True)
    rows = by_person(panel, frame)
    assert meta.column_names_to_labels["grid_support"] == "이 제안을 얼마나 지지하십니까?"
    assert meta.variable_value_labels["grid_support"][4] == "지지"
    assert meta.variable_value_labels["group"] == {1: "연구자", 2: "산업계"}
    assert rows["bob"]["carbon_price_support"] == "a"  # .a: abstained
    assert rows["carol"]["priorities_grid"] == "b"  # .b: skipped
    assert rows["carol"]["carbon_price_concerns_other"] == "c"  # .c: not asked
    assert rows["alice"]["carbon_price_support"] == 2
    assert set(meta.missing_user_values["carbon_price_support"]) == {"a"}


def test_binary_formats_need_a_file_and_the_extra(panel: Panel, tmp_path: Path) -> None:
    result = consult(panel, "--format", "sav")
    assert (result.returncode, result.stderr) == (
        2,
        "Error: --format sav is a binary file: name it with -o FILE.sav\n",
    )
    result = consult(panel, "--format", "dta", "-o", "/dev/stdout")
    assert (result.returncode, result.stderr) == (
        2,
        "Error: /dev/stdout: --format dta needs a file, not a stream\n",
    )
    result = consult(panel, "--what", "summary", "--format", "dta", "-o", "s.dta")
    assert (result.returncode, result.stderr) == (
        2,
        "Error: --what summary comes as csv, json, jsonl, not dta\n",
    )
    # Without pyreadstat (a package that fails to import stands in for a missing one).
    missing = tmp_path / "no-pyreadstat"
    (missing / "pyreadstat").mkdir(parents=True)
    (missing / "pyreadstat" / "__init__.py").write_text("raise ImportError('not installed')\n")
    result = consult(panel, "--format", "sav", "-o", "a.sav", pythonpath=str(missing))
    assert (result.returncode, result.stderr) == (
        2,
        "Error: --format sav and dta need pyreadstat and pandas: pip install 'consult[spss]'\n",
    )
    assert not (panel.db.parent / "a.sav").exists()


def test_codebook_in_markdown_and_csv(panel: Panel) -> None:
    result = consult(panel, "--what", "codebook", "--format", "md")
    assert result.returncode == 0, result.stderr
    md = result.stdout
    assert md.startswith("# Codebook: Energy transition expert panel\n")
    section = md.split("## `carbon_price_support`\n", 1)[1].split("\n## ", 1)[0]
    assert "| en | How far do you support this proposal? |" in section
    assert "| ko | 이 제안을 얼마나 지지하십니까? |" in section
    assert "| 2 | 2 | Oppose | 반대 |" in section
    assert "abstain = abstained (the scale's abstain answer) (SPSS -7, Stata .a)" in section
    concerns = md.split("## `carbon_price_concerns_other`\n", 1)[1].split("\n## ", 1)[0]
    assert "not asked = not asked (its condition did not hold) (SPSS -9, Stata .c)" in concerns

    result = consult(panel, "--what", "codebook", "--format", "csv")
    rows = list(csv.DictReader(result.stdout.splitlines()))
    sector = [r for r in rows if r["variable"] == "sector"]
    assert [(r["role"], r["value"], r["spss"], r["text_ko"]) for r in sector] == [
        ("variable", "", "", "어디에서 일하십니까?"),
        ("value", "public", "1", "공공 부문"),
        ("value", "private", "2", "민간 부문"),
        ("missing", "skipped", "-8", "no answer (skipped, or the response stopped before it)"),
    ]
    years = [r for r in rows if r["variable"] == "years" and r["role"] == "missing"]
    assert [(r["value"], r["spss"]) for r in years] == [("skipped", "(system missing)")]


def test_wide_csv_with_a_data_package_that_validates(panel: Panel, tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    result = consult(panel, "--wide", "--datapackage", "-o", str(path))
    assert result.returncode == 0, result.stderr
    package = json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))
    fields = {f["name"]: f for f in package["resources"][0]["schema"]["fields"]}
    assert fields["carbon_price_support"]["constraints"]["enum"] == [1, 2, 3, 4, 5]
    assert fields["sector"]["constraints"]["enum"] == ["public", "private"]
    assert fields["years"]["type"] == "integer"
    assert fields["years"]["constraints"] == {"minimum": 0, "maximum": 60}
    assert package["resources"][0]["schema"]["missingValues"] == [
        "",
        "abstain",
        "skipped",
        "not asked",
    ]
    assert package["licenses"] == [{"name": "cc-by-4.0", "title": "CC BY 4.0"}]
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])

    rows = {r["participant"]: r for r in csv.DictReader(path.open(encoding="utf-8"))}
    alice = rows[panel.people["alice"].pseudonym]
    assert alice["carbon_price_other_concern"] == "'" + HOSTILE  # a formula stays text
    bob = rows[panel.people["bob"].pseudonym]
    assert (bob["carbon_price_support"], bob["carbon_price_concerns_cost"]) == (
        "abstain",
        "not asked",
    )

    # The package does check: a point off the scale is caught.
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    header = lines[0].split(",")
    column = header.index("grid_support")
    for i, line in enumerate(lines[1:], 1):
        cells = line.split(",")
        if cells[0] == panel.people["carol"].pseudonym:
            cells[column] = "9"
            lines[i] = ",".join(cells)
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert not report.valid
    assert [e.type for e in report.tasks[0].errors] == ["constraint-error"]


def test_long_answers_and_summary_packages_validate(panel: Panel, tmp_path: Path) -> None:
    for what in ("answers", "summary"):
        folder = tmp_path / what
        result = consult(panel, "--what", what, "--datapackage", "-o", str(folder / "x.csv"))
        assert result.returncode == 0, result.stderr
        report = frictionless.validate(str(folder / "datapackage.json"))
        assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_datapackage_needs_a_csv_file(panel: Panel) -> None:
    result = consult(panel, "--datapackage")
    assert result.returncode == 2
    assert result.stderr == (
        "Error: --datapackage describes a CSV of answers or the summary: add -o FILE.csv\n"
    )
    result = consult(panel, "--wide", "--format", "json")
    assert result.returncode == 2
    assert "--wide applies to --what answers --format csv" in result.stderr
