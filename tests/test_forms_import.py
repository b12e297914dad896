"""Spreadsheet forms out and answers in (issue 16): signed forms, filled and re-saved by
LibreOffice, imported all or nothing; idempotent; wide tables round-trip through the export."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from consult.imports.answer_files import describe, import_answers
from consult.reports.exports import write_export
from consult.reports.forms import write_forms
from consult.results.aggregation import aggregate
from consult.store import NewParticipant, ResponseFilter, Store, open_store
from consult.store.surveys import register_survey
from consult.survey.model import Survey

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
CONSULT = str(Path(sys.executable).parent / "consult")
EXAMPLE = str(Path(__file__).resolve().parents[1] / "surveys" / "st-diplomacy-roundtable.yaml")


def consult(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "CONSULT_DB"}
    return subprocess.run(
        [CONSULT, *args], capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL
    )


ALL = ResponseFilter(include_in_progress=True)

#: What a participant writes into the form: (question key, cell text, stored value).
FILLED = [
    ("organisation_type", "University", "university"),
    ("experience_years", 12, 12),
    ("ministry-led.support", "4 Support", 4),
    ("public-private-networks.support", "매우 지지", 5),  # a Korean label, read too
    ("legal-foundation.support", "2", 2),
    ("legal-foundation.why_oppose", "It would bind the next government's hands.", None),
    ("inter-ministerial-strategy.support", "Don't know / abstain", "abstain"),
    ("global-agendas.support", "Strongly oppose", 1),
    ("international-leadership.support", "5 Strongly support", 5),
    ("priorities", "legal-foundation; Led by specialised S&T ministries", None),
]


def expected_answers() -> dict[str, object]:
    out: dict[str, object] = {k: v for k, _, v in FILLED if v is not None}
    out["legal-foundation.why_oppose"] = "It would bind the next government's hands."
    out["priorities"] = ["legal-foundation", "ministry-led"]
    return out


def fill(path: Path, values: list[tuple[str, object, object]]) -> None:
    """Type answers into a form's answer cells, as a participant in Excel would."""
    wb = load_workbook(path)
    ws = wb["Form"]
    cells = {row[4].value: row[2] for row in ws.iter_rows() if row[4].value}
    for key, text, _ in values:
        cells[key].value = text
    wb.save(path)


def panel(store: Store, survey: Survey, n: int = 3) -> list[str]:
    register_survey(store, survey)
    people = store.add_participants(
        survey.id, [NewParticipant("science", name=f"Person {i}") for i in range(n)]
    )
    return [p.pseudonym for p in people]


def form_of(folder: Path, pseudonym: str) -> Path:
    return folder / f"form-{pseudonym}.xlsx"


def history_length(store: Store) -> int:
    return sum(
        len(store.answer_history(row["response_id"]))
        for row in store.participation_rows("st-diplomacy-roundtable", 1)
        if row["response_id"]
    )


def resave_in_libreoffice(path: Path, tmp: Path) -> Path:
    """Open and save the workbook in LibreOffice Calc headless, as a participant's office
    suite would."""
    out = tmp / "resaved"
    done = subprocess.run(
        [
            str(SOFFICE),
            f"-env:UserInstallation=file://{tmp / 'profile'}",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(path),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return out / path.name


# --------------------------------------------------------------------------- the must-show


@pytest.mark.libreoffice
def test_a_form_filled_and_resaved_by_libreoffice_imports_once(
    store: Store, example: Survey, tmp_path: Path
) -> None:
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed; CI installs it")
    first, *_ = panel(store, example)
    write_forms(store, example, tmp_path / "forms")
    form = form_of(tmp_path / "forms", first)
    fill(form, FILLED)
    resaved = resave_in_libreoffice(form, tmp_path)

    plan = import_answers(store, example, [resaved])
    assert plan.ok and plan.summary() == "1 created, 0 updated, 0 unchanged, 0 refused"
    who = next(p for p in store.participants(example.id) if p.pseudonym == first)
    response = store.response(who.id, 1)
    assert response is not None and response.submitted and response.channel == "form"
    assert store.answers(response.id) == expected_answers()
    history = store.answer_history(response.id)
    assert len(history) == len(expected_answers())

    again = import_answers(store, example, [resaved])
    assert again.summary() == "0 created, 0 updated, 1 unchanged, 0 refused"
    assert len(store.answer_history(response.id)) == len(history)  # nothing written


def test_one_cell_out_of_range_refuses_the_batch_naming_the_cell(
    store: Store, example: Survey, tmp_path: Path
) -> None:
    a, b, _ = panel(store, example)
    write_forms(store, example, tmp_path)
    fill(form_of(tmp_path, a), FILLED)
    bad = [(k, 75 if k == "experience_years" else t, v) for k, t, v in FILLED]
    fill(form_of(tmp_path, b), bad)
    row = next(
        r[4].row
        for r in load_workbook(form_of(tmp_path, b))["Form"].iter_rows()
        if r[4].value == "experience_years"
    )
    plan = import_answers(store, example, [form_of(tmp_path, a), form_of(tmp_path, b)])
    assert not plan.ok
    assert plan.problems == [
        f"{form_of(tmp_path, b)}:Form!C{row}: experience_years: 75 is above the maximum 60"
    ]
    assert all(store.response(p.id, 1) is None for p in store.participants(example.id))


def test_an_edited_token_or_a_re_addressed_form_is_refused(
    store: Store, example: Survey, tmp_path: Path
) -> None:
    a, b, _ = panel(store, example)
    write_forms(store, example, tmp_path)
    fill(form_of(tmp_path, a), FILLED)
    wb = load_workbook(form_of(tmp_path, a))
    meta = wb["consult"]
    assert meta.sheet_state == "veryHidden"
    token_cell = next(r[1] for r in meta.iter_rows() if r[0].value == "token")
    token = str(token_cell.value)
    token_cell.value = ("1" if token[0] == "0" else "0") + token[1:]  # one character changed
    wb.save(tmp_path / "edited.xlsx")
    plan = import_answers(store, example, [tmp_path / "edited.xlsx"])
    assert [o.action for o in plan.outcomes] == ["refused"]
    assert "token does not verify" in plan.outcomes[0].reason

    # The same form addressed to someone else: the token binds the pseudonym.
    wb = load_workbook(form_of(tmp_path, a))
    next(r[1] for r in wb["consult"].iter_rows() if r[0].value == "pseudonym").value = b
    wb.save(tmp_path / "readdressed.xlsx")
    plan = import_answers(store, example, [tmp_path / "readdressed.xlsx"])
    assert plan.outcomes[0].action == "refused" and plan.outcomes[0].pseudonym == b
    assert all(store.response(p.id, 1) is None for p in store.participants(example.id))


def test_dry_run_lists_created_updated_unchanged_refused(
    store: Store, example: Survey, tmp_path: Path
) -> None:
    people = panel(store, example, 6)
    write_forms(store, example, tmp_path)
    for p in people:
        fill(form_of(tmp_path, p), FILLED)
    # Two were imported before; one of them has changed their form since.
    import_answers(store, example, [form_of(tmp_path, p) for p in people[:2]])
    changed = [
        (k, "Strongly support" if k == "ministry-led.support" else t, v) for k, t, v in FILLED
    ]
    fill(form_of(tmp_path, people[1]), changed)
    # One form is for another survey version.
    wb = load_workbook(form_of(tmp_path, people[5]))
    next(r[1] for r in wb["consult"].iter_rows() if r[0].value == "survey_hash").value = "0" * 64
    wb.save(form_of(tmp_path, people[5]))

    files = [str(form_of(tmp_path, p)) for p in people]
    db = str(store.path)
    before = history_length(store)
    result = consult("--db", db, "import", EXAMPLE, *files, "--dry-run")
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"unchanged {people[0]}")
    assert lines[1].startswith(f"updated   {people[1]}")
    assert lines[2].strip() == "ministry-led.support: 4 Support → 5 Strongly support"
    assert [line.split()[0] for line in lines[3:7]] == ["created", "created", "created", "refused"]
    assert "made for another version of the survey" in lines[6]
    assert lines[-1] == "3 created, 1 updated, 1 unchanged, 1 refused (dry run: nothing written)"
    assert result.returncode == 2  # the real import would refuse the batch
    assert history_length(store) == before

    # Without the refused form the same batch commits, in one transaction.
    result = consult("--db", db, "import", EXAMPLE, *files[:5])
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "3 created, 1 updated, 1 unchanged, 0 refused (written)"
    )
    updated = next(p for p in store.participants(example.id) if p.pseudonym == people[1])
    response = store.response(updated.id, 1)
    assert response is not None
    history = store.answer_history(response.id, "ministry-led.support")
    assert [h["value"] for h in history] == [4, 5]
    rows = store.conn.execute(  # type: ignore[attr-defined]
        "SELECT channel, source FROM answer_history WHERE response_id = ? AND question = ?",
        (response.id, "ministry-led.support"),
    ).fetchall()
    assert {r[0] for r in rows} == {"form"} and rows[-1][1] == files[1]
    status = consult("--db", db, "status", EXAMPLE, "--json")
    assert json.loads(status.stdout)["by_channel"] == {"form": {"started": 5, "submitted": 5}}
    assert "By channel: form 5 (5 submitted)" in consult("--db", db, "status", EXAMPLE).stdout
    from consult.reports.excel.workbook import write_report

    write_report(store, example, tmp_path / "r.xlsx", flt=ResponseFilter(), lang="en")
    sheet = load_workbook(tmp_path / "r.xlsx", read_only=True)["Participation"]
    cells = [list(r) for r in sheet.iter_rows(values_only=True)]
    at = next(i for i, r in enumerate(cells) if r and r[0] == "Responses by channel")
    assert cells[at + 2][:3] == ["Channel", "Responses", "Submitted"]
    assert cells[at + 3][:3] == ["Spreadsheet form (consult forms, consult import)", 5, 5]


def test_a_terminal_submission_is_kept_unless_allow_update(
    store: Store, example: Survey, tmp_path: Path
) -> None:
    a, *_ = panel(store, example)
    who = next(p for p in store.participants(example.id) if p.pseudonym == a)
    response = store.start_response(who.id, example.hash, 1)
    for key, _, value in FILLED:
        if value is not None:
            store.save_answer(response, key, value, example.question(key).numeric(value))
    store.save_answer(response, "priorities", ["ministry-led"], None)
    store.submit_response(response.id)
    write_forms(store, example, tmp_path)
    fill(form_of(tmp_path, a), FILLED)
    plan = import_answers(store, example, [form_of(tmp_path, a)])
    assert plan.outcomes[0].action == "refused"
    assert "already submitted in the terminal" in plan.outcomes[0].reason
    plan = import_answers(store, example, [form_of(tmp_path, a)], allow_update=True)
    assert plan.ok and plan.outcomes[0].action == "updated"
    assert [h["value"] for h in store.answer_history(response.id, "priorities")] == [
        ["ministry-led"],
        ["legal-foundation", "ministry-led"],
    ]


def test_blank_forms_enrol_once(store: Store, example: Survey, tmp_path: Path) -> None:
    panel(store, example, 0)
    (blank,) = write_forms(store, example, tmp_path, blank=1)
    wb = load_workbook(blank)
    ws = wb["Form"]
    next(r[2] for r in ws.iter_rows() if r[4].value == "group").value = "diplomacy"
    wb.save(blank)
    fill(blank, FILLED)
    plan = import_answers(store, example, [blank])
    assert plan.summary() == "1 created, 0 updated, 0 unchanged, 0 refused"
    (someone,) = store.participants(example.id)
    assert someone.group_id == "diplomacy" and someone.name is None
    assert import_answers(store, example, [blank]).summary() == (
        "0 created, 0 updated, 1 unchanged, 0 refused"
    )
    assert len(store.participants(example.id)) == 1


def test_forms_never_carry_names_or_codes(store: Store, example: Survey, tmp_path: Path) -> None:
    register_survey(store, example)
    people = store.add_participants(
        example.id, [NewParticipant("science", name="Kim Minji", organisation="KIST")]
    )
    (form,) = write_forms(store, example, tmp_path)
    wb = load_workbook(form)
    text = " ".join(
        str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value
    )
    assert "Kim Minji" not in text and "KIST" not in text
    assert people[0].code not in text.replace("-", "")
    assert people[0].pseudonym in text
    ws = wb["Form"]
    assert str(ws.page_setup.paperSize) == ws.PAPERSIZE_A4 and ws.page_setup.fitToWidth == 1
    assert ws.protection.sheet
    assert len(ws.data_validations.dataValidation) >= len(example.proposals)


# --------------------------------------------------------------------------- wide tables


def test_the_wide_export_imports_back_unchanged_and_edits_update(
    store: Store, example: Survey, tmp_path: Path
) -> None:
    people = panel(store, example, 2)
    write_forms(store, example, tmp_path)
    for p in people:
        fill(form_of(tmp_path, p), FILLED)
    import_answers(store, example, [form_of(tmp_path, p) for p in people])
    before = aggregate(store, example, ResponseFilter()).to_dict()

    out = io.StringIO()
    assert write_export(store, example, "answers", "wide", out, ResponseFilter()) == 2
    table = tmp_path / "answers.csv"
    table.write_text(out.getvalue(), encoding="utf-8")
    plan = import_answers(store, example, [table])
    assert plan.summary() == "0 created, 0 updated, 2 unchanged, 0 refused"

    rows = list(csv.reader(io.StringIO(out.getvalue())))
    column = rows[0].index("global-agendas.support")
    assert rows[1][column] == "1 Strongly oppose"
    rows[1][column] = "3"
    with table.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows(rows)
    plan = import_answers(store, example, [table])
    assert plan.summary() == "0 created, 1 updated, 1 unchanged, 0 refused"
    assert describe(plan)[1].strip() == (
        "global-agendas.support: 1 Strongly oppose → 3 Neither support nor oppose"
    )
    after = aggregate(store, example, ResponseFilter()).to_dict()
    moved = next(p for p in after["proposals"] if p["id"] == "global-agendas")
    was = next(p for p in before["proposals"] if p["id"] == "global-agendas")
    assert was["panel"]["distribution"] == [[1, 2], [2, 0], [3, 0], [4, 0], [5, 0]]
    assert moved["panel"]["distribution"] == [[1, 1], [2, 0], [3, 1], [4, 0], [5, 0]]


def test_a_bad_table_names_row_and_column(store: Store, example: Survey, tmp_path: Path) -> None:
    a, *_ = panel(store, example, 1)
    table = tmp_path / "t.csv"
    table.write_text(
        f"pseudonym,ministry-led.support,nonsense\n{a},Maybe,\nP-NOBODY,4,\n",
        encoding="utf-8",
    )
    plan = import_answers(store, example, [table])
    assert not plan.ok
    assert (
        f"{table}: cell B2: ministry-led.support: 'Maybe' is not a point of the scale"
        in (plan.problems[0])
    )
    assert plan.outcomes[-1].action == "refused"
    assert "no participant P-NOBODY" in plan.outcomes[-1].reason
    with open_store(store.path) as again:
        assert again.import_state(example.id, 1) == {}


def test_import_cli_errors_are_one_line(store: Store, tmp_path: Path) -> None:
    result = consult("--db", str(store.path), "import", EXAMPLE, "missing.xlsx")
    assert result.returncode == 2
    assert result.stderr == "Error: missing.xlsx: no such file\n"
    result = consult("--db", str(store.path), "forms", EXAMPLE)
    assert result.returncode == 2 and "--output" in result.stderr


def test_a_round_two_form_asks_the_carried_proposals_with_feedback(
    store: Store, example: Survey, tmp_path: Path
) -> None:
    from consult.results.rounds import open_next_round

    people = panel(store, example, 3)
    write_forms(store, example, tmp_path / "r1")
    # ministry-led: everyone supports (consensus, settled); the others split.
    for i, p in enumerate(people):
        values = [
            (
                k,
                "5"
                if k == "ministry-led.support"
                else str(1 + 2 * i)
                if "." in k and k.endswith(".support")
                else t,
                v,
            )
            for k, t, v in FILLED
            if not k.endswith("why_oppose")
        ]
        fill(form_of(tmp_path / "r1", p), values)
    plan = import_answers(store, example, [form_of(tmp_path / "r1", p) for p in people])
    assert plan.ok, plan.problems
    opened = open_next_round(store, example)
    assert "ministry-led" not in opened.carried and "legal-foundation" in opened.carried

    write_forms(store, example, tmp_path / "r2")
    form = form_of(tmp_path / "r2", people[0])
    text = [str(c.value) for row in load_workbook(form)["Form"].iter_rows() for c in row if c.value]
    keys = [t for t in text if t.endswith(".support")]
    assert keys == [f"{pid}.support" for pid in opened.carried]
    joined = "\n".join(text)
    # legal-foundation in round 1: 1, 3, 5 -> median 3, IQR 2-4 (type 7); person 0 answered 1.
    assert "The panel in round 1: median 3, middle half 2–4 (3 answers)." in joined
    assert "Your answer in round 1: 1 Strongly oppose." in joined
    assert (
        "Answers in round 1: Strongly oppose 1 · Oppose 0 · Neither support nor oppose 1 · "
        "Support 0 · Strongly support 1." in joined
    )
    assert "Led by specialised S&T ministries (consensus for, 1)" in joined
    assert "Answer only if your answer to" in joined  # the reason question, outside the IQR

    carried = [(f"{pid}.support", "3", 3) for pid in opened.carried]
    fill(form, carried)
    plan = import_answers(store, example, [form])
    assert plan.ok and plan.round == 2, plan.problems
    who = next(p for p in store.participants(example.id) if p.pseudonym == people[0])
    response = store.response(who.id, 2)
    assert response is not None and store.answers(response.id) == {k: 3 for k, _, _ in carried}
    # a form of round 1 is refused now
    stale = import_answers(store, example, [form_of(tmp_path / "r1", people[1])])
    assert "made for round 1; the survey is in round 2" in stale.outcomes[0].reason


def test_forms_not_filled_in_are_counted_and_left_aside(
    store: Store, example: Survey, tmp_path: Path
) -> None:
    a, *_ = panel(store, example)
    write_forms(store, example, tmp_path)
    fill(form_of(tmp_path, a), FILLED)
    plan = import_answers(store, example, sorted(tmp_path.glob("form-*.xlsx")))
    assert plan.ok
    assert plan.count("created") == 1 and plan.count("empty") == 2
    assert plan.summary().endswith(", 2 empty (not filled in)")
    assert len(store.participants(example.id)) == 3


# --------------------------------------------------------------------------- what a review found


def test_a_removed_participant_stays_removed_when_their_form_returns(
    store: Store, example: Survey, tmp_path: Path
) -> None:
    panel(store, example, 0)
    (blank,) = write_forms(store, example, tmp_path, blank=1)
    wb = load_workbook(blank)
    next(r[2] for r in wb["Form"].iter_rows() if r[4].value == "group").value = "science"
    wb.save(blank)
    fill(blank, FILLED)
    assert import_answers(store, example, [blank]).count("created") == 1
    (someone,) = store.participants(example.id)
    store.remove_participant(someone.id, with_answers=True)
    plan = import_answers(store, example, [blank])
    assert [o.action for o in plan.outcomes] == ["refused"]
    assert "was removed (consult panel remove) and stays removed" in plan.outcomes[0].reason
    assert store.participants(example.id) == []


def test_a_blank_form_copied_to_someone_else_is_refused(
    store: Store, example: Survey, tmp_path: Path
) -> None:
    panel(store, example, 0)
    (blank,) = write_forms(store, example, tmp_path, blank=1)
    copies = []
    for group in ("science", "diplomacy"):
        copy = tmp_path / f"{group}.xlsx"
        shutil.copy(blank, copy)
        wb = load_workbook(copy)
        next(r[2] for r in wb["Form"].iter_rows() if r[4].value == "group").value = group
        wb.save(copy)
        fill(copy, FILLED)
        copies.append(copy)
    both = import_answers(store, example, copies)  # in one batch: named, not a crash
    assert not both.ok and "the same submission (form or instanceID)" in both.problems[0]
    assert import_answers(store, example, copies[:1]).count("created") == 1
    later = import_answers(store, example, copies[1:])  # in a later batch: refused
    assert later.outcomes[0].action == "refused"
    assert "says group diplomacy, but" in later.outcomes[0].reason
    assert "a blank form copied to someone else?" in later.outcomes[0].reason


def test_crafted_cells_are_one_line_errors(store: Store, example: Survey, tmp_path: Path) -> None:
    a, *_ = panel(store, example, 1)
    write_forms(store, example, tmp_path)
    form = form_of(tmp_path, a)
    fill(form, [(k, "² Support" if k == "ministry-led.support" else t, v) for k, t, v in FILLED])
    wb = load_workbook(form)
    next(r[1] for r in wb["consult"].iter_rows() if r[0].value == "token").value = "tökén"
    wb.save(form)
    done = consult("--db", str(store.path), "import", EXAMPLE, str(form))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and "TypeError" not in done.stderr
    assert "token does not verify" in done.stdout
    fill(form, [(k, "² Support" if k == "ministry-led.support" else t, v) for k, t, v in FILLED])
    write_forms(store, example, tmp_path / "fresh")
    fresh = form_of(tmp_path / "fresh", a)
    fill(fresh, [(k, "² Support" if k == "ministry-led.support" else t, v) for k, t, v in FILLED])
    plan = import_answers(store, example, [fresh])
    assert any("'² Support' is not a point of the scale" in p for p in plan.problems)


def test_a_wide_table_in_xlsx_and_its_checks(store: Store, example: Survey, tmp_path: Path) -> None:
    from openpyxl import Workbook

    a, b = panel(store, example, 2)
    wb = Workbook()
    ws = wb.active
    ws.append(["pseudonym", "group", *[k for k, _, _ in FILLED]])
    ws.append([a, "science", *[t for _, t, _ in FILLED]])
    ws.append([b, "diplomacy", *[t for _, t, _ in FILLED]])  # b is in science
    wb.save(tmp_path / "wide.xlsx")
    plan = import_answers(store, example, [tmp_path / "wide.xlsx"])
    assert [o.action for o in plan.outcomes] == ["created", "refused"]
    assert f"says group diplomacy, but {b} is in group science" == plan.outcomes[1].reason
    twice = tmp_path / "twice.csv"
    twice.write_text(f"pseudonym,ministry-led.support,pseudonym\n{a},4,{b}\n", encoding="utf-8")
    plan = import_answers(store, example, [twice])
    assert plan.problems == [f"{twice}: row 1: column 'pseudonym' appears twice in the header"]


def test_round_two_imports_only_the_invited(store: Store, example: Survey, tmp_path: Path) -> None:
    from consult.results.rounds import open_next_round

    a, b, c = panel(store, example, 3)
    write_forms(store, example, tmp_path / "r1")
    for p in (a, b):  # c never answers round 1
        fill(form_of(tmp_path / "r1", p), [x for x in FILLED if "why_oppose" not in x[0]])
    assert import_answers(store, example, [form_of(tmp_path / "r1", p) for p in (a, b)]).ok
    opened = open_next_round(store, example)
    table = tmp_path / "r2.csv"
    support = f"{opened.carried[0]}.support"
    table.write_text(f"pseudonym,{support}\n{a},3\n{c},3\n", encoding="utf-8")
    plan = import_answers(store, example, [table])
    assert [o.action for o in plan.outcomes] == ["created", "refused"]
    assert plan.outcomes[1].reason.startswith("not invited to round 2")
