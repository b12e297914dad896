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


def documented_keys() -> list[str]:
    """The JSON keys docs/statistics.md names for its figures: ``JSON: `a.b`, `c` `` lines."""
    text = (ROOT / "docs" / "statistics.md").read_text(encoding="utf-8")
    keys = []
    for line in re.findall(r"^JSON: (.*)$", text, flags=re.M):
        keys += re.findall(r"`([^`]+)`", line)
    return keys


def lookup(doc: dict, path: str) -> object:
    """``proposals[].panel.support``: each ``[]`` steps into the first item of a list, each
    ``{}`` into the first value of a mapping."""
    value: object = doc
    for part in path.split("."):
        name, steps = re.fullmatch(r"(\w*)((?:\[\]|\{\})*)", part).groups()
        if name:
            assert isinstance(value, dict) and name in value, f"{path}: no key {name!r}"
            value = value[name]
        for step in re.findall(r"\[\]|\{\}", steps):
            kind = list if step == "[]" else dict
            assert isinstance(value, kind) and value, f"{path}: no {step} at {part}"
            value = value[0] if kind is list else next(iter(value.values()))
    return value


def test_every_figure_in_the_statistics_page_names_a_json_key_that_exists(documents) -> None:
    keys = documented_keys()
    assert len(keys) >= 20, "docs/statistics.md names the JSON key of each figure"
    for key in keys:
        lookup(documents["results"], key)


def test_a_key_the_docs_name_wrongly_is_caught(documents) -> None:
    assert lookup(documents["results"], "proposals[].panel.support") is not None
    with pytest.raises(AssertionError):
        lookup(documents["results"], "proposals[].panel.supprt")
