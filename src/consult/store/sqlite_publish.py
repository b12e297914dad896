"""The public database ``consult publish`` writes: a new SQLite file for Datasette and sharing.

It is written from plain rows the layer above prepares (pseudonyms, labels, computed figures),
never copied from the live database: nothing it does not receive can be in it, so no name,
access code, code hash, secret, session or external id. Comments get a full-text index (FTS5)
Datasette finds by itself; views show the support for each proposal overall and by group from
the stored figures. The file is vacuumed with ``secure_delete`` on, so nothing deleted while
it was written remains in its pages.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Every table and view of the public database, with its columns (after ``{lang}`` columns are
#: spelt out per language): what metadata and tests describe.
SUPPORT_COLUMNS = (
    "proposal_id",
    "group_id",
    "rank",
    "n_valid",
    "n_abstained",
    "support",
    "support_ci_low",
    "support_ci_high",
    "neutral",
    "opposition",
    "median",
    "q1",
    "q3",
    "iqr",
    "mean",
    "small_group",
    "consensus",
    "group_balanced_support",
    "max_divergence",
    "contested",
)


@dataclass
class PublicData:
    """What goes into the public database; ``{lang}`` columns come one per language."""

    languages: Sequence[str]
    #: key -> value: survey id, version, hash, round, filter, licence, source, ...
    about: dict[str, Any]
    #: (group_id, position, labels by language)
    groups: list[tuple[str, int, dict[str, str]]] = field(default_factory=list)
    #: (proposal_id, number, titles by language, statements by language)
    proposals: list[tuple[str, int, dict[str, str], dict[str, str]]] = field(default_factory=list)
    #: (question, proposal_id or None, type, position, texts by language)
    questions: list[tuple[str, str | None, str, int, dict[str, str]]] = field(default_factory=list)
    #: (question, value, position, labels by language): scale points and options
    options: list[tuple[str, str, int, dict[str, str]]] = field(default_factory=list)
    #: (respondent, group_id, round, status, simulated)
    respondents: list[tuple[str, str, int, str, int]] = field(default_factory=list)
    #: (respondent, question, value as text, numeric, labels by language)
    answers: Iterable[tuple[str, str, str, float | None, dict[str, str]]] = ()
    #: (respondent, group_id, question, proposal_id, text): free-text answers
    comments: list[tuple[str, str, str, str | None, str]] = field(default_factory=list)
    #: one dict per proposal and respondent set, keyed by :data:`SUPPORT_COLUMNS`
    support: list[dict[str, Any]] = field(default_factory=list)


def lang_column(prefix: str, lang: str) -> str:
    """The column of a text in one language: ``title_en``, ``label_pt_br``."""
    return f"{prefix}_{re.sub(r'[^a-z0-9]', '_', lang.lower())}"


def write_public_database(path: Path, data: PublicData) -> dict[str, int]:
    """Create the public database at ``path`` (a new, empty file) from ``data``; returns the
    rows of each table."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.execute("BEGIN")
        counts = _write(conn, data)
        conn.execute("COMMIT")
        conn.execute("VACUUM")
        conn.execute("PRAGMA optimize")
        return counts
    finally:
        conn.close()


def _texts(prefix: str, langs: Sequence[str]) -> str:
    return "".join(f", {lang_column(prefix, lang)} TEXT" for lang in langs)


def _insert(conn: sqlite3.Connection, table: str, columns: Sequence[str], rows: Iterable) -> int:
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    before = conn.total_changes
    conn.executemany(sql, rows)
    return conn.total_changes - before


def _support_type(column: str) -> str:
    if column in ("proposal_id", "group_id", "consensus"):
        return "TEXT"
    if column in ("rank", "n_valid", "n_abstained", "small_group", "contested"):
        return "INTEGER"
    return "REAL"


def _write(conn: sqlite3.Connection, data: PublicData) -> dict[str, int]:
    langs = list(data.languages)
    first = lang_column("label", langs[0])
    counts = {}
    conn.execute("CREATE TABLE about (key TEXT PRIMARY KEY, value TEXT)")
    about = ((k, None if v is None else str(v)) for k, v in data.about.items())
    counts["about"] = _insert(conn, "about", ("key", "value"), about)
    conn.execute(
        f"CREATE TABLE groups (group_id TEXT PRIMARY KEY, position INTEGER{_texts('label', langs)})"
    )
    counts["groups"] = _insert(
        conn,
        "groups",
        ["group_id", "position", *(lang_column("label", x) for x in langs)],
        ((g, i, *(t.get(x) for x in langs)) for g, i, t in data.groups),
    )
    conn.execute(
        "CREATE TABLE proposals (proposal_id TEXT PRIMARY KEY, number INTEGER"
        f"{_texts('title', langs)}{_texts('statement', langs)})"
    )
    counts["proposals"] = _insert(
        conn,
        "proposals",
        [
            "proposal_id",
            "number",
            *(lang_column("title", x) for x in langs),
            *(lang_column("statement", x) for x in langs),
        ],
        (
            (p, n, *(t.get(x) for x in langs), *(s.get(x) for x in langs))
            for p, n, t, s in data.proposals
        ),
    )
    conn.execute(
        "CREATE TABLE questions (question TEXT PRIMARY KEY, proposal_id TEXT "
        "REFERENCES proposals (proposal_id), type TEXT NOT NULL, position INTEGER"
        f"{_texts('text', langs)})"
    )
    counts["questions"] = _insert(
        conn,
        "questions",
        ["question", "proposal_id", "type", "position", *(lang_column("text", x) for x in langs)],
        ((q, p, t, i, *(x_.get(x) for x in langs)) for q, p, t, i, x_ in data.questions),
    )
    conn.execute(
        "CREATE TABLE options (question TEXT NOT NULL REFERENCES questions (question), "
        f"value TEXT NOT NULL, position INTEGER{_texts('label', langs)}, "
        "PRIMARY KEY (question, value))"
    )
    counts["options"] = _insert(
        conn,
        "options",
        ["question", "value", "position", *(lang_column("label", x) for x in langs)],
        ((q, v, i, *(t.get(x) for x in langs)) for q, v, i, t in data.options),
    )
    conn.execute(
        "CREATE TABLE respondents (respondent TEXT PRIMARY KEY, group_id TEXT "
        "REFERENCES groups (group_id), round INTEGER, status TEXT, simulated INTEGER)"
    )
    counts["respondents"] = _insert(
        conn,
        "respondents",
        ("respondent", "group_id", "round", "status", "simulated"),
        data.respondents,
    )
    conn.execute(
        "CREATE TABLE answers (respondent TEXT NOT NULL REFERENCES respondents (respondent), "
        "question TEXT NOT NULL REFERENCES questions (question), value TEXT, numeric REAL"
        f"{_texts('label', langs)}, PRIMARY KEY (respondent, question))"
    )
    counts["answers"] = _insert(
        conn,
        "answers",
        ["respondent", "question", "value", "numeric", *(lang_column("label", x) for x in langs)],
        ((r, q, v, n, *(t.get(x) for x in langs)) for r, q, v, n, t in data.answers),
    )
    conn.execute("CREATE INDEX answers_by_question ON answers (question, value)")
    conn.execute(
        "CREATE TABLE comments (id INTEGER PRIMARY KEY, respondent TEXT REFERENCES respondents "
        "(respondent), group_id TEXT REFERENCES groups (group_id), question TEXT REFERENCES "
        "questions (question), proposal_id TEXT, text TEXT NOT NULL)"
    )
    counts["comments"] = _insert(
        conn,
        "comments",
        ("respondent", "group_id", "question", "proposal_id", "text"),
        data.comments,
    )
    # External content: the index refers to the comments' rows; Datasette finds it by name.
    conn.execute(
        "CREATE VIRTUAL TABLE comments_fts USING fts5 (text, content='comments', "
        "content_rowid='id', tokenize='unicode61 remove_diacritics 2')"
    )
    conn.execute("INSERT INTO comments_fts (comments_fts) VALUES ('rebuild')")
    columns = ", ".join(f"{c} {_support_type(c)}" for c in SUPPORT_COLUMNS)
    conn.execute(f"CREATE TABLE support ({columns}, PRIMARY KEY (proposal_id, group_id))")
    counts["support"] = _insert(
        conn, "support", SUPPORT_COLUMNS, ([r[c] for c in SUPPORT_COLUMNS] for r in data.support)
    )
    title = lang_column("title", langs[0])
    conn.execute(
        "CREATE VIEW support_overall AS SELECT s.rank, s.proposal_id, p.number, "
        f"p.{title} AS title, s.n_valid, s.n_abstained, s.support, s.support_ci_low, "
        "s.support_ci_high, s.neutral, s.opposition, s.median, s.iqr, s.consensus, "
        "s.group_balanced_support, s.max_divergence, s.contested FROM support s "
        "JOIN proposals p USING (proposal_id) WHERE s.group_id = 'panel' ORDER BY s.rank"
    )
    conn.execute(
        "CREATE VIEW support_by_group AS SELECT o.rank, s.proposal_id, p.number, "
        f"p.{title} AS title, s.group_id, g.{first} AS group_label, s.n_valid, s.n_abstained, "
        "s.support, s.support_ci_low, s.support_ci_high, s.neutral, s.opposition, s.median, "
        "s.iqr, s.small_group FROM support s JOIN proposals p USING (proposal_id) "
        "JOIN groups g USING (group_id) "
        "JOIN support o ON o.proposal_id = s.proposal_id AND o.group_id = 'panel' "
        "WHERE s.group_id <> 'panel' ORDER BY o.rank, g.position"
    )
    return counts


def canned_queries(lang: str) -> dict[str, tuple[str, str, str]]:
    """Datasette's canned queries of the public database, labels in ``lang``: name -> (title,
    description, SQL with named parameters)."""
    label = lang_column("label", lang)
    return {
        "support_by_group_for_proposal": (
            "Support by group for a proposal",
            "Support for one proposal in each stakeholder group (its id: see proposals).",
            "SELECT group_id, group_label, n_valid, n_abstained, support, support_ci_low, "
            "support_ci_high, opposition, median, small_group FROM support_by_group "
            "WHERE proposal_id = :proposal ORDER BY group_id",
        ),
        "answers_to_question": (
            "Answers to a question, by group",
            "How often each answer was given to one question, in each group.",
            f"SELECT r.group_id, a.value, a.{label} AS label, count(*) AS answers "
            "FROM answers a JOIN respondents r USING (respondent) WHERE a.question = :question "
            "GROUP BY r.group_id, a.value ORDER BY r.group_id, answers DESC",
        ),
        "search_comments": (
            "Search the comments",
            "Comments that contain these words (full-text search).",
            "SELECT c.group_id, c.question, c.text FROM comments c "
            "JOIN comments_fts f ON f.rowid = c.id WHERE comments_fts MATCH :words "
            "ORDER BY f.rank",
        ),
        "groups_on_a_proposal": (
            "Groups apart on a proposal",
            "Each group's support beside the panel's, in points.",
            f"SELECT s.group_id, g.{label} AS group_label, s.support, "
            "round((s.support - o.support) * 100, 1) AS points_from_panel FROM support s "
            "JOIN groups g USING (group_id) JOIN support o ON o.proposal_id = s.proposal_id "
            "AND o.group_id = 'panel' WHERE s.proposal_id = :proposal ORDER BY s.support DESC",
        ),
    }
