"""The ``--json`` outputs are a contract with the scripts that read them (as pipx pins its own).

Every ``--json`` document starts with ``"format": 1`` and a ``"kind"``. The keys below are
the layout of format 1: a script may rely on each. Adding a key keeps format 1 (add it here and
to the docs); renaming or removing one raises ``JSON_FORMAT`` in ``consult.cli.options``.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SURVEY = ROOT / "surveys" / "st-diplomacy-roundtable.yaml"
CONSULT = str(Path(sys.executable).parent / "consult")

RESULTS_KEYS = {
    "format", "kind", "survey", "language", "filter", "consensus_rule", "quantile_method",
    "groups", "respondents", "krippendorff_alpha_ordinal", "krippendorff_alpha_scope",
    "ignored_answers", "unplaced", "wordings", "proposals", "settled", "scales", "choices",
    "rankings", "ranking_concordance", "numbers", "comment_counts", "comments",
}  # fmt: skip
SURVEY_KEYS = {"id", "title", "version", "hash"}
FILTER_KEYS = {"round", "groups", "since", "until", "include_in_progress", "include_simulated"}
PROPOSAL_KEYS = {
    "id", "title", "question", "rank", "panel", "groups", "group_balanced_support",
    "divergences", "max_divergence", "contested", "divergence_flag", "flagged_divergence",
    "small_groups", "rand_ucla", "group_informed_consensus", "consensus",
}  # fmt: skip
SCALE_SUMMARY_KEYS = {
    "n_valid", "n_abstained", "distribution", "support", "neutral", "opposition", "support_ci",
    "neutral_ci", "opposition_ci", "mean", "sd", "median", "q1", "q3", "iqr", "tastle_wierman",
    "percent_agreement", "agreement_side", "support_count", "neutral_count", "opposition_count",
    "abstention_share",
}  # fmt: skip
DIVERGENCE_KEYS = {"group_a", "group_b", "difference", "ci"}
CHOICE_KEYS = {"option", "count", "share"}
RANKING_KEYS = {"option", "n", "mean_rank", "borda", "first_share"}
NUMBER_KEYS = {"n", "mean", "median", "q1", "q3", "min", "max"}
STATUS_KEYS = {
    "format", "kind", "survey", "round", "groups", "total", "not_finished", "last_activity",
    "failed_codes_last_hour", "by_channel",
}  # fmt: skip
STATUS_GROUP_KEYS = {"group", "invited", "started", "submitted"}
WAITING_KEYS = {"pseudonym", "group", "status", "answered", "last_activity"}
PANEL_KEYS = {"format", "kind", "survey", "participants"}
PARTICIPANT_KEYS = {"pseudonym", "group", "language", "status", "answered", "last_activity"}
ROUND_STATUS_KEYS = {"format", "kind", "survey", "design", "current_round", "rounds"}
DESIGN_KEYS = {"max_rounds", "carry_forward", "feedback", "reasons", "stability", "invite"}
ROUND_KEYS = {
    "round", "state", "opened_at", "closed_at", "participation", "carried", "settled", "verdicts",
    "stability", "include_simulated",
}  # fmt: skip
ROUND_PARTICIPATION_KEYS = {"groups", "total", "incomplete"}
BETWEEN_KEYS = {"between", "criterion", "proposals", "criterion_met", "attrition"}
STABILITY_KEYS = {
    "n_pairs", "changed_share", "mean_absolute_change", "wilcoxon", "weighted_kappa",
    "weighted_kappa_quadratic", "iqr_before", "iqr_after", "iqr_change", "cv_before", "cv_after",
    "cv_change",
}  # fmt: skip
WILCOXON_KEYS = {"statistic", "t_plus", "t_minus", "n", "z", "p_value", "p_exact"}
ATTRITION_KEYS = {"n_previous", "n_both", "n_lost", "lost_share"}
ROUNDS_KEYS = {"format", "kind", "survey", "rounds", "proposals"}
ROUNDS_PROPOSAL_KEYS = {"id", "title", "rounds", "settled_in", "settled_verdict"}
ROUNDS_CELL_KEYS = {
    "round", "n", "support", "median", "q1", "q3", "iqr", "verdict", "support_change",
    "median_change", "stability", "stable",
}  # fmt: skip


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    db = tmp_path_factory.mktemp("contract") / "c.db"

    def consult(*args: str) -> str:
        done = subprocess.run(
            [CONSULT, "--db", str(db), *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    consult("simulate", str(SURVEY), "-n", "30", "--seed", "4")
    consult("panel", "add", str(SURVEY), "--group", "science", "--name", "Kim")
    return {
        "results": json.loads(consult("results", str(SURVEY), "--json", "--include-simulated")),
        "status": json.loads(consult("status", str(SURVEY), "--json")),
        "panel": json.loads(consult("panel", "list", str(SURVEY), "--json")),
    }


@pytest.fixture(scope="module")
def round_documents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """``round status`` and ``results --rounds`` of a rehearsed study in its round 2."""
    db = tmp_path_factory.mktemp("rounds") / "r.db"

    def consult(*args: str) -> str:
        done = subprocess.run(
            [CONSULT, "--db", str(db), *args], capture_output=True, text=True, check=True
        )
        return done.stdout

    consult("simulate", str(SURVEY), "-n", "60", "--seed", "4")
    consult("round", "open", str(SURVEY), "--include-simulated")
    consult("simulate", str(SURVEY), "--seed", "5")
    return {
        "round_status": json.loads(
            consult("round", "status", str(SURVEY), "--json", "--include-simulated")
        ),
        "rounds": json.loads(
            consult("results", str(SURVEY), "--rounds", "--json", "--include-simulated")
        ),
    }


@pytest.mark.parametrize("kind", ["round_status", "rounds"])
def test_every_round_json_carries_its_format_and_kind(round_documents: dict, kind: str) -> None:
    assert round_documents[kind]["format"] == 1
    assert round_documents[kind]["kind"] == kind


def test_round_status_layout(round_documents: dict) -> None:
    doc = round_documents["round_status"]
    assert set(doc) == ROUND_STATUS_KEYS
    assert set(doc["design"]) == DESIGN_KEYS
    assert [r["round"] for r in doc["rounds"]] == [1, 2]
    for r in doc["rounds"]:
        assert set(r) == ROUND_KEYS
        assert set(r["participation"]) == ROUND_PARTICIPATION_KEYS
        assert all(set(g) == STATUS_GROUP_KEYS for g in r["participation"]["groups"])
    assert doc["rounds"][0]["stability"] == {}
    between = doc["rounds"][1]["stability"]
    assert set(between) == BETWEEN_KEYS
    for entry in between["proposals"].values():
        assert set(entry) == {"stability", "stable"}
        assert set(entry["stability"]) == STABILITY_KEYS
        assert set(entry["stability"]["wilcoxon"]) == WILCOXON_KEYS
    assert all(set(a) == ATTRITION_KEYS for a in between["attrition"].values())


def test_rounds_layout(round_documents: dict) -> None:
    doc = round_documents["rounds"]
    assert set(doc) == ROUNDS_KEYS
    assert doc["rounds"] == [1, 2]
    assert len(doc["proposals"]) == 6
    for p in doc["proposals"]:
        assert set(p) == ROUNDS_PROPOSAL_KEYS
        assert len(p["rounds"]) == 2
        assert all(set(c) == ROUNDS_CELL_KEYS for c in p["rounds"] if c is not None)


@pytest.mark.parametrize("kind", ["results", "status", "panel"])
def test_every_json_carries_its_format_and_kind(documents: dict, kind: str) -> None:
    assert documents[kind]["format"] == 1
    assert documents[kind]["kind"] == kind


def test_results_layout(documents: dict) -> None:
    doc = documents["results"]
    assert set(doc) == RESULTS_KEYS
    assert set(doc["survey"]) == SURVEY_KEYS
    assert set(doc["filter"]) == FILTER_KEYS
    assert set(doc["respondents"]) == {"total", "science", "diplomacy", "government"}
    assert len(doc["proposals"]) == 6
    for proposal in doc["proposals"]:
        assert set(proposal) == PROPOSAL_KEYS
        assert set(proposal["panel"]) == SCALE_SUMMARY_KEYS
        for summary in proposal["groups"].values():
            assert set(summary) == SCALE_SUMMARY_KEYS
        for divergence in [
            *proposal["divergences"],
            proposal["max_divergence"],
            proposal["flagged_divergence"],
        ]:
            assert set(divergence) == DIVERGENCE_KEYS
    for per_group in doc["choices"].values():
        for options in per_group.values():
            assert all(set(o) == CHOICE_KEYS for o in options)
    assert doc["rankings"] and all(
        set(r) == RANKING_KEYS for rs in doc["rankings"].values() for r in rs
    )
    assert doc["numbers"] and all(set(n) == NUMBER_KEYS for n in doc["numbers"].values())
    assert set(doc["krippendorff_alpha_scope"]) == {"scale", "proposals", "left_out"}
    for concordance in doc["ranking_concordance"].values():
        assert set(concordance) == {"kendall_w", "critical_difference", "indistinct_neighbours"}
        assert set(concordance["kendall_w"]) == {
            "w", "chi_square", "df", "p_value", "raters", "items",
        }  # fmt: skip


def test_status_layout(documents: dict) -> None:
    doc = documents["status"]
    assert set(doc) == STATUS_KEYS
    assert all(set(g) == STATUS_GROUP_KEYS for g in doc["groups"])
    assert set(doc["total"]) == STATUS_GROUP_KEYS - {"group"}
    assert [set(w) for w in doc["not_finished"]] == [WAITING_KEYS]


def test_panel_layout(documents: dict) -> None:
    doc = documents["panel"]
    assert set(doc) == PANEL_KEYS
    assert len(doc["participants"]) == 31
    assert all(set(p) == PARTICIPANT_KEYS for p in doc["participants"])


def documented_keys(label: str = "JSON") -> list[str]:
    """The JSON keys docs/statistics.md names for its figures: ``JSON: `a.b`, `c` `` lines
    (``JSON (round status): ...`` lines for ``consult round status --json``)."""
    text = (ROOT / "docs" / "statistics.md").read_text(encoding="utf-8")
    keys = []
    for line in re.findall(rf"^ *{re.escape(label)}: (.*)$", text, flags=re.M):
        keys += re.findall(r"`([^`]+)`", line)
    return keys


def lookup(doc: object, path: str) -> object:
    """``proposals[].panel.support``: each ``[]`` steps into an item of a list, each ``{}``
    into a value of a mapping: the first item along which the rest of the path exists (round
    1 has no stability figures; round 2 has)."""
    steps: list[str] = []
    for part in path.split("."):
        name, marks = re.fullmatch(r"(\w*)((?:\[\]|\{\})*)", part).groups()
        steps += ([name] if name else []) + re.findall(r"\[\]|\{\}", marks)
    found = _walk(doc, steps)
    assert found is not _MISSING, f"{path}: not in the document"
    return found


_MISSING = object()


def _walk(value: object, steps: list[str]) -> object:
    if not steps:
        return value
    step, rest = steps[0], steps[1:]
    if step in ("[]", "{}"):
        kind = list if step == "[]" else dict
        if not isinstance(value, kind):
            return _MISSING
        items = value if isinstance(value, list) else list(value.values())
        for item in items:
            found = _walk(item, rest)
            if found is not _MISSING:
                return found
        return _MISSING
    if not isinstance(value, dict) or step not in value:
        return _MISSING
    return _walk(value[step], rest)


def test_every_figure_in_the_statistics_page_names_a_json_key_that_exists(documents) -> None:
    keys = documented_keys()
    assert len(keys) >= 20, "docs/statistics.md names the JSON key of each figure"
    for key in keys:
        lookup(documents["results"], key)


def test_a_key_the_docs_name_wrongly_is_caught(documents) -> None:
    assert lookup(documents["results"], "proposals[].panel.support") is not None
    with pytest.raises(AssertionError):
        lookup(documents["results"], "proposals[].panel.supprt")


def test_every_stability_figure_in_the_statistics_page_names_a_json_key_that_exists(
    round_documents: dict,
) -> None:
    keys = documented_keys("JSON (round status)")
    assert len(keys) >= 10, "docs/statistics.md names the JSON key of each stability figure"
    for key in keys:
        lookup(round_documents["round_status"], key)
