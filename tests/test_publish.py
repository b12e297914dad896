"""``consult publish``: the pseudonymous database loads in Datasette with its metadata, its
figures are those of ``consult results --json``, and no name or access code is anywhere in it."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from datasette.app import Datasette
from publish_support import ANSWERS, SURVEY_YAML, Panel, build_panel

from consult.errors import SurveyError
from consult.survey.loader import load_survey

CONSULT = str(Path(sys.executable).parent / "consult")
SRC = str(Path(__file__).resolve().parents[1] / "src")


def consult(panel: Panel, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CONSULT_DB"}
    # This checkout's code, whatever the program's install points at (cwd is elsewhere).
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [SRC, env.get("PYTHONPATH")]))
    return subprocess.run(
        [CONSULT, "--db", str(panel.db), *args],
        cwd=panel.db.parent,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def panel(tmp_path_factory: pytest.TempPathFactory) -> Panel:
    return build_panel(tmp_path_factory.mktemp("publish"))


@pytest.fixture(scope="module")
def published(panel: Panel) -> Path:
    out = panel.db.parent / "share" / "public.db"
    result = consult(panel, "publish", str(panel.survey_file), "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "3 respondents" in result.stdout
    return out


def get(db: Path, metadata: Path, *urls: str) -> list[Any]:
    """The JSON Datasette answers at each of ``urls``, with the metadata loaded."""

    async def fetch() -> list[Any]:
        ds = Datasette([str(db)], metadata=yaml.safe_load(metadata.read_text(encoding="utf-8")))
        out = []
        for url in urls:
            response = await ds.client.get(url)
            assert response.status_code == 200, (url, response.text[:300])
            out.append(response.json())
        return out

    return asyncio.run(fetch())


def results_json(panel: Panel, *args: str) -> dict:
    result = consult(panel, "results", str(panel.survey_file), "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_datasette_serves_the_figures_of_results_json(panel: Panel, published: Path) -> None:
    expected = results_json(panel)
    overall, by_group, canned = get(
        published,
        published.parent / "metadata.yml",
        "/public/support_overall.json?_shape=array",
        "/public/support_by_group.json?_shape=array&_size=max",
        "/public/support_by_group_for_proposal.json?proposal=grid&_shape=array",
    )
    assert [r["proposal_id"] for r in overall] == [p["id"] for p in expected["proposals"]]
    for row, p in zip(overall, expected["proposals"], strict=True):
        panel_figures = p["panel"]
        assert row["rank"] == p["rank"]
        assert row["n_valid"] == panel_figures["n_valid"]
        assert row["n_abstained"] == panel_figures["n_abstained"]
        assert row["support"] == panel_figures["support"]
        assert [row["support_ci_low"], row["support_ci_high"]] == panel_figures["support_ci"]
        assert row["opposition"] == panel_figures["opposition"]
        assert row["median"] == panel_figures["median"]
        assert row["consensus"] == p["consensus"]
        assert row["group_balanced_support"] == p["group_balanced_support"]
        assert row["max_divergence"] == (p["max_divergence"] or {}).get("difference")
        assert row["contested"] == int(p["contested"])
    wanted = {(p["id"], g): s for p in expected["proposals"] for g, s in p["groups"].items()}
    assert {(r["proposal_id"], r["group_id"]) for r in by_group} == set(wanted)
    for row in by_group:
        figures = wanted[row["proposal_id"], row["group_id"]]
        assert row["support"] == figures["support"]
        assert row["n_valid"] == figures["n_valid"]
        ci = figures["support_ci"] or [None, None]
        assert [row["support_ci_low"], row["support_ci_high"]] == ci
    # The known panel: Bob and Carol (industry) put the grid at 4 and 1, Alice (research) at 5.
    grid = {r["group_id"]: r for r in canned}
    assert grid["industry"]["support"] == 0.5 and grid["industry"]["n_valid"] == 2
    assert grid["research"]["support"] == 1.0 and grid["research"]["group_label"] == "Researchers"


def test_the_filter_is_that_of_results(panel: Panel, published: Path) -> None:
    """Submitted, not simulated, the latest round: Dan never submitted, the ten are simulated."""
    (respondents, about) = get(
        published,
        published.parent / "metadata.yml",
        "/public/respondents.json?_shape=array",
        "/public/about.json?_shape=array",
    )
    assert sorted(r["respondent"] for r in respondents) == sorted(
        panel.people[k].pseudonym for k in ("alice", "bob", "carol")
    )
    facts = {r["key"]: r["value"] for r in about}
    assert facts["round"] == "1" and facts["simulated_included"] == "0"
    assert facts["licence"] == "CC BY 4.0"

    out = panel.db.parent / "with-simulated" / "public.db"
    result = consult(
        panel, "publish", str(panel.survey_file), "-o", str(out), "--include-simulated"
    )
    assert result.returncode == 0, result.stderr
    expected = results_json(panel, "--include-simulated")
    [overall] = get(out, out.parent / "metadata.yml", "/public/support_overall.json?_shape=array")
    assert {r["proposal_id"]: r["support"] for r in overall} == {
        p["id"]: p["panel"]["support"] for p in expected["proposals"]
    }
    assert {r["proposal_id"]: r["n_valid"] for r in overall} == {
        p["id"]: p["panel"]["n_valid"] for p in expected["proposals"]
    }


def test_answers_carry_their_labels_in_every_language(panel: Panel, published: Path) -> None:
    [answers] = get(
        published,
        published.parent / "metadata.yml",
        "/public/answers.json?question=carbon-price.support&_shape=array",
    )
    by_person = {a["respondent"]: a for a in answers}
    alice = by_person[panel.people["alice"].pseudonym]
    assert (alice["value"], alice["numeric"]) == ("2", 2.0)
    assert (alice["label_en"], alice["label_ko"]) == ("2 Oppose", "2 반대")
    bob = by_person[panel.people["bob"].pseudonym]
    assert (bob["value"], bob["label_en"], bob["label_ko"]) == (
        "abstain",
        "Don't know",
        "잘 모르겠음",
    )


def test_comments_are_searchable(panel: Panel, published: Path) -> None:
    table, canned = get(
        published,
        published.parent / "metadata.yml",
        "/public/comments.json?_search=owner&_shape=array",
        "/public/search_comments.json?words=operator&_shape=array",
    )
    assert [c["text"] for c in table] == [ANSWERS["alice"]["grid.comment"]]
    assert [(c["group_id"], c["text"]) for c in canned] == [
        ("industry", ANSWERS["carol"]["grid.comment"])
    ]


def test_metadata_describes_the_database(published: Path) -> None:
    [meta] = get(published, published.parent / "metadata.yml", "/-/metadata.json")
    assert meta["title"] == "Energy transition expert panel"
    assert meta["license"] == "CC BY 4.0"
    assert meta["source_url"] == "https://example.org/energy-panel"
    tables = meta["databases"]["public"]["tables"]
    assert tables["support"]["columns"]["support_ci_low"].startswith("Lower end of the Wilson")
    assert tables["answers"]["columns"]["label_ko"] == "The answer as people read it in ko."
    query = meta["databases"]["public"]["queries"]["support_by_group_for_proposal"]
    assert query["title"] == "Support by group for a proposal" and ":proposal" in query["sql"]


def every_value(path: Path) -> str:
    """Every table's every cell (the FTS index's own tables too), and the schema, as text."""
    conn = sqlite3.connect(path)
    try:
        parts = [str(row) for row in conn.execute("SELECT * FROM sqlite_master")]
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        for table in tables:
            parts += [str(row) for row in conn.execute(f'SELECT * FROM "{table}"')]
        return "\n".join(parts)
    finally:
        conn.close()


def test_no_name_code_or_secret_anywhere(panel: Panel, published: Path) -> None:
    live = sqlite3.connect(panel.db)
    hashes = [h for (h,) in live.execute("SELECT code_hash FROM participants")]
    live.close()
    key = Path(f"{panel.db}.key").read_bytes()
    secrets = panel.secrets() + hashes + [panel.people["dan"].pseudonym]
    assert len(hashes) == 14 and all(len(h) == 64 for h in hashes)

    vacuumed = published.parent / "vacuumed.db"
    with sqlite3.connect(published) as conn:
        conn.execute("VACUUM INTO ?", (str(vacuumed),))
    for path in (published, vacuumed):
        text = every_value(path)
        raw = path.read_bytes()
        assert panel.people["alice"].pseudonym in text  # the scan sees the data
        for secret in secrets:
            assert secret not in text, secret
            for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
                assert secret.encode(encoding) not in raw, (path.name, secret, encoding)
        assert key not in raw
    metadata = (published.parent / "metadata.yml").read_text(encoding="utf-8")
    assert not [s for s in secrets if s in metadata]
    columns = set()
    with sqlite3.connect(published) as conn:
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type='table'"):
            columns |= {r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')}
    assert not columns & {"name", "organisation", "code", "code_hash", "external_id", "session_id"}


def test_an_existing_file_is_kept_without_force(panel: Panel, published: Path) -> None:
    before = published.read_bytes()
    result = consult(panel, "publish", str(panel.survey_file), "-o", str(published))
    assert result.returncode == 2
    assert result.stderr == f"Error: {published} already exists; add --force to overwrite it\n"
    assert published.read_bytes() == before
    # A new database beside an existing metadata.yml: the metadata is not replaced either.
    other = published.parent / "other.db"
    result = consult(panel, "publish", str(panel.survey_file), "-o", str(other))
    assert result.returncode == 2 and "metadata.yml already exists" in result.stderr
    assert not other.exists()

    copy = published.parent.parent / "forced"
    shutil.copytree(published.parent, copy)
    result = consult(
        panel, "publish", str(panel.survey_file), "-o", str(copy / "public.db"), "--force",
        "--no-comments",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(copy / "public.db") as conn:
        assert conn.execute("SELECT count(*) FROM comments").fetchone() == (0,)
        texts = conn.execute(
            "SELECT count(*) FROM answers a JOIN questions q USING (question) WHERE q.type = 'text'"
        ).fetchone()
        assert texts == (0,)


def test_bad_input_is_one_line(panel: Panel, tmp_path: Path) -> None:
    result = consult(
        panel, "publish", str(panel.survey_file), "-o", str(tmp_path / "p.db"), "--lang", "fr"
    )
    assert result.returncode == 2
    assert result.stderr == "Error: --lang fr: the survey is in en, ko\n"
    assert not (tmp_path / "p.db").exists()
    result = consult(panel, "publish", str(panel.survey_file), "-o", "/dev/stdout")
    assert result.returncode == 2
    assert result.stderr == "Error: /dev/stdout: publish writes files; name a file, not a stream\n"


def test_licence_and_source_are_optional_text(tmp_path: Path) -> None:
    path = tmp_path / "survey.yaml"
    path.write_text(SURVEY_YAML.replace("licence: CC BY 4.0", "licence: [1]"), encoding="utf-8")
    with pytest.raises(SurveyError) as info:
        load_survey(path)
    assert [str(p) for p in info.value.problems] == [
        f"{path}:4: licence: expected text, e.g. 'CC BY 4.0' or a web address"
    ]
    path.write_text(SURVEY_YAML.replace("licence: CC BY 4.0\n", ""), encoding="utf-8")
    assert "licence" not in load_survey(path).definition
