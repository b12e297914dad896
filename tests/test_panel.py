"""Panel registration, import (all or nothing), listing and reopening."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from consult.errors import InputError
from consult.session.panel import (
    add_participant,
    import_panel,
    list_panel,
    read_panel_file,
    remove_participant,
    reopen,
)
from consult.store import CODE_ALPHABET, Store, open_store
from consult.store.surveys import register_survey
from consult.survey.loader import load_survey

SMALL = Path(__file__).parent / "surveys" / "session-small.yaml"
CONSULT = str(Path(sys.executable).with_name("consult"))


@pytest.fixture
def survey():
    return load_survey(SMALL)


@pytest.fixture
def store(tmp_path: Path):
    with open_store(tmp_path / "consult.db") as s:
        yield s


def write_xlsx(path: Path, rows: list[list[object]]) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def count(store: Store) -> int:
    return store.conn.execute("SELECT count(*) FROM participants").fetchone()[0]


def test_add_gives_a_code_without_look_alikes(store: Store, survey) -> None:
    person = add_participant(store, survey, "science", name="Kim Minji", language="ko")
    assert len(person.code) == 6 and set(person.code) <= set(CODE_ALPHABET)
    assert not set(person.code) & set("0O1IL2Z5S8B")
    assert (person.group_id, person.name, person.language) == ("science", "Kim Minji", "ko")
    assert store.participant_by_code(survey.id, person.code.lower()) == person


def test_add_rejects_unknown_group_and_language(store: Store, survey) -> None:
    with pytest.raises(InputError) as info:
        add_participant(store, survey, "industry", language="fr")
    assert str(info.value) == (
        "unknown group 'industry' (one of: science, policy); unknown language 'fr' (one of: en, ko)"
    )
    assert count(store) == 0


def test_csv_import_registers_everyone(tmp_path: Path, store: Store, survey) -> None:
    path = tmp_path / "panel.csv"
    path.write_text(
        "\ufeffGroup,Name,Organization,Lang\n"
        "science,Kim Minji,KIST,ko\n"
        "\n"
        'policy,"Lee, Jae",MOFA,\n',
        encoding="utf-8",
    )
    people = import_panel(store, survey, path).added
    assert [(p.group_id, p.name, p.organisation, p.language) for p in people] == [
        ("science", "Kim Minji", "KIST", "ko"),
        ("policy", "Lee, Jae", "MOFA", None),
    ]
    assert len({p.code for p in people}) == 2


def test_csv_import_is_all_or_nothing_with_row_numbers(
    tmp_path: Path, store: Store, survey
) -> None:
    path = tmp_path / "panel.csv"
    path.write_text(
        "group,name,language\n"
        "science,Ann,en\n"
        "industry,Bob,en\n"
        "policy,Cho,en\n"
        ",Dan,\n"
        "policy,Eve,fr\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        import_panel(store, survey, path)
    assert str(info.value) == (
        f"{path}: 3 bad rows; nothing was imported\n"
        "  row 3: unknown group 'industry' (one of: science, policy)\n"
        "  row 5: group is empty\n"
        "  row 6: unknown language 'fr' (one of: en, ko)"
    )
    assert count(store) == 0


def test_xlsx_import_and_its_errors(tmp_path: Path, store: Store, survey) -> None:
    good = write_xlsx(
        tmp_path / "good.xlsx",
        [["group", "name", "organisation"], ["science", "Ann", "KAIST"], ["policy", "Bob", None]],
    )
    assert [p.name for p in import_panel(store, survey, good).added] == ["Ann", "Bob"]
    bad = write_xlsx(
        tmp_path / "bad.xlsx",
        [["group", "name"], ["science", "Cho"], ["Science ", "Dan"], ["diplomacy", "Eve"]],
    )
    with pytest.raises(InputError) as info:
        import_panel(store, survey, bad)
    assert str(info.value) == (
        f"{bad}: 2 bad rows; nothing was imported\n"
        "  row 3: unknown group 'Science' (one of: science, policy)\n"
        "  row 4: unknown group 'diplomacy' (one of: science, policy)"
    )
    assert count(store) == 2  # only the good file's
    # A value beside the header's columns, and a row whose first cell is empty, are not lost.
    stray = write_xlsx(
        tmp_path / "stray.xlsx",
        [["group", "name"], ["science", "Cho", "KAIST"], [None, "Dan"], ["policy", "Eve"]],
    )
    with pytest.raises(InputError) as info:
        import_panel(store, survey, stray)
    assert str(info.value) == (
        f"{stray}: 2 bad rows; nothing was imported\n"
        "  row 2: a value in column 3 (cell C2), which has no name in the header\n"
        "  row 3: group is empty"
    )
    assert count(store) == 2


def test_xlsx_with_a_stale_dimension_is_read_whole(tmp_path: Path, store: Store, survey) -> None:
    """Some programs save a sheet's <dimension> wrong; read-only openpyxl would trust it."""
    import re
    import zipfile

    good = write_xlsx(
        tmp_path / "good.xlsx",
        [["group", "name"], ["science", "Ann"], ["policy", "Bob"], ["science", "Cho"]],
    )
    stale = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(stale, "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A2"', data)
            out.writestr(item, data)
    assert [(p.group_id, p.name) for p in import_panel(store, survey, stale).added] == [
        ("science", "Ann"),
        ("policy", "Bob"),
        ("science", "Cho"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the file is empty; expected a header row with a 'group' column"),
        (
            "name,email\nAnn,a@x\n",
            "row 1: unknown column 'email' (expected: group, name, organisation, language, id)",
        ),
        ("name\nAnn\n", "row 1: no 'group' column in the header"),
        ("group\n\n", "no participants in the file"),
        ("group,name,Name\nscience,Ann,Ann\n", "row 1: column 'name' appears twice"),
        (
            'group,name\nscience,Ann\nscience,"Bob\npolicy,Cho\n',
            "row 3: cannot read the CSV (unexpected end of data)",
        ),
        (
            "group,name\nscience,Ann,KAIST\n",
            "1 bad row; nothing was imported\n"
            "  row 2: a value in column 3 (cell C2), which has no name in the header",
        ),
        (
            "group,name,\nscience,Bob,EXTRA\n",
            "1 bad row; nothing was imported\n"
            "  row 2: a value in column 3 (cell C2), which has no name in the header",
        ),
        (  # a quoted line break stays in its cell: the next record is still row 3
            'group,name\nscience,"Ann\nLee"\nastronomy,Bob\n',
            "1 bad row; nothing was imported\n"
            "  row 3: unknown group 'astronomy' (one of: science, policy)",
        ),
    ],
)
def test_bad_headers_and_empty_files(tmp_path: Path, survey, content: str, message: str) -> None:
    path = tmp_path / "panel.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_panel_file(survey, path)
    assert str(info.value) == f"{path}: {message}"


def test_unsupported_and_missing_files(tmp_path: Path, survey) -> None:
    with pytest.raises(InputError, match=r"no such file"):
        read_panel_file(survey, tmp_path / "absent.csv")
    odd = tmp_path / "panel.ods"
    odd.write_text("x")
    with pytest.raises(InputError, match=r"unsupported file type '\.ods'; use \.csv or \.xlsx"):
        read_panel_file(survey, odd)


def test_list_and_reopen(store: Store, survey) -> None:
    a = add_participant(store, survey, "science")
    b = add_participant(store, survey, "policy")
    register_survey(store, survey)
    response = store.start_response(b.id, survey.hash, 1, language="ko")
    store.save_answer(response, "years", 4, 4.0)
    store.submit_response(response.id)
    entries = list_panel(store, survey)
    assert [(e.pseudonym, e.status, e.answered, e.language) for e in entries] == [
        (a.pseudonym, "not started", 0, None),
        (b.pseudonym, "submitted", 1, "ko"),
    ]
    assert reopen(store, survey, b.code).status == "in_progress"
    with pytest.raises(InputError, match="is not submitted; it is already open"):
        reopen(store, survey, b.code)
    with pytest.raises(InputError, match="has not started answering"):
        reopen(store, survey, a.code)
    with pytest.raises(InputError, match="no participant with that pseudonym or access code"):
        reopen(store, survey, "XXXXXX")
    with pytest.raises(InputError, match="no participant 'P-XXXXXX'"):
        reopen(store, survey, "P-XXXXXX")
    store.submit_response(response.id)
    assert reopen(store, survey, b.pseudonym.lower()).status == "in_progress"  # or by pseudonym


def run(db: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CONSULT, "--db", str(db), *args], capture_output=True, text=True, timeout=60
    )


def test_cli_import_errors_exit_2_with_every_bad_row(tmp_path: Path) -> None:
    db, path = tmp_path / "consult.db", tmp_path / "panel.csv"
    path.write_text("group,name\nscience,Ann\nnope,Bob\n", encoding="utf-8")
    done = run(db, "panel", "import", str(SMALL), str(path))
    assert done.returncode == 2
    assert done.stderr == (
        f"Error: {path}: 1 bad row; nothing was imported\n"
        "  row 3: unknown group 'nope' (one of: science, policy)\n"
    )
    assert "Traceback" not in done.stderr


def test_cli_shows_codes_once_and_reissue_gives_a_new_one(tmp_path: Path) -> None:
    db = tmp_path / "consult.db"
    done = run(db, "panel", "add", str(SMALL), "--group", "science", "--name", "[bold]Kim[/]")
    assert done.returncode == 0, done.stderr
    assert "[bold]Kim[/]" in done.stdout  # a name is shown literally, never as markup
    (code,) = re.findall(r"\b([A-Z0-9]{3}-[A-Z0-9]{3})\b", done.stdout)
    with open_store(db) as store:
        (person,) = store.participants("session-small")
        assert person.code == ""  # never read back: the database keeps a keyed hash
        assert store.participant_by_code("session-small", code).id == person.id
    listed = run(db, "panel", "list", str(SMALL))
    assert code not in listed.stdout and code.replace("-", "") not in listed.stdout
    assert "Kim" not in listed.stdout
    rows = json.loads(run(db, "panel", "list", "session-small", "--json").stdout)["participants"]
    assert set(rows[0]) == {"pseudonym", "group", "language", "status", "answered", "last_activity"}
    gone = run(db, "panel", "list", "session-small", "--codes")
    assert gone.returncode == 2
    assert "--codes is gone" in gone.stderr and "consult panel reissue" in gone.stderr
    again = run(db, "panel", "reissue", str(SMALL), person.pseudonym)
    assert again.returncode == 0, again.stderr
    (new,) = re.findall(r"\b([A-Z0-9]{3}-[A-Z0-9]{3})\b", again.stdout)
    with open_store(db) as store:
        assert store.participant_by_code("session-small", code) is None  # the old one stops
        assert store.participant_by_code("session-small", new).pseudonym == person.pseudonym
    unknown = run(db, "panel", "reissue", str(SMALL), "P-XXXXXX")
    assert unknown.returncode == 2 and "no participant 'P-XXXXXX'" in unknown.stderr


# --- importing again, removing ----------------------------------------------------------------


def test_importing_the_same_people_again_is_refused_or_skipped(
    tmp_path: Path, store: Store, survey
) -> None:
    first = tmp_path / "first.csv"
    first.write_text("group,name\nscience,Kim Minji\npolicy,Lee Jae\n", encoding="utf-8")
    assert len(import_panel(store, survey, first).added) == 2
    again = tmp_path / "again.csv"
    again.write_text(
        "group,name\nscience,  kim   MINJI \npolicy,Park Ha\nscience,Lee Jae\n", encoding="utf-8"
    )
    with pytest.raises(InputError) as info:
        import_panel(store, survey, again)
    (kim,) = [p for p in store.participants(survey.id) if p.name == "Kim Minji"]
    assert str(info.value) == (
        f"{again}: 1 person is already registered; nothing was imported "
        "(--skip-existing imports the others)\n"
        f"  kim   MINJI (science): already registered as {kim.pseudonym}"
    )
    assert "Lee Jae" not in str(info.value)  # same name, other group: another person
    assert count(store) == 2
    done = import_panel(store, survey, again, skip_existing=True)
    assert [p.name for p in done.added] == ["Park Ha", "Lee Jae"]
    assert [(person.name, known.id) for person, known in done.skipped] == [("kim   MINJI", kim.id)]
    assert count(store) == 4


def test_an_id_column_recognises_people_whoever_they_are_named(
    tmp_path: Path, store: Store, survey
) -> None:
    path = tmp_path / "panel.csv"
    path.write_text("ID,group,name\nK-7,science,Kim\nL-8,policy,\n", encoding="utf-8")
    people = import_panel(store, survey, path).added
    assert [p.external_id for p in people] == ["K-7", "L-8"]
    path.write_text("id,group,name\nK-7,science,Kim M.\nL-8,policy,\nM-9,policy,\n")
    with pytest.raises(InputError, match="2 people are already registered"):
        import_panel(store, survey, path)
    done = import_panel(store, survey, path, skip_existing=True)
    assert [p.external_id for p in done.added] == ["M-9"]
    twice = tmp_path / "twice.csv"
    twice.write_text("id,group\nX-1,science\nX-1,policy\n", encoding="utf-8")
    with pytest.raises(InputError, match="row 3: id 'X-1' is also on row 2"):
        import_panel(store, survey, twice)


def test_remove_refuses_someone_who_answered_unless_with_answers(store: Store, survey) -> None:
    register_survey(store, survey)
    idle = add_participant(store, survey, "science", name="Idle")
    busy = add_participant(store, survey, "policy", name="Busy")
    response = store.start_response(busy.id, survey.hash, 1)
    store.save_answer(response, "years", 3, 3.0)
    removed, deleted = remove_participant(store, survey, idle.pseudonym.lower())
    assert (removed.id, deleted) == (idle.id, 0)
    with pytest.raises(InputError) as info:
        remove_participant(store, survey, busy.pseudonym)
    assert str(info.value) == (
        f"{busy.pseudonym} has given 1 answer; nothing was removed "
        "(--with-answers removes them and deletes their answers)"
    )
    assert [e.pseudonym for e in list_panel(store, survey)] == [busy.pseudonym]
    assert remove_participant(store, survey, busy.pseudonym, with_answers=True)[1] == 1
    assert list_panel(store, survey) == []
    assert store.answers(response.id) == {}
    assert [h["value"] for h in store.answer_history(response.id)] == [3, None]
    with pytest.raises(InputError, match="no participant"):
        remove_participant(store, survey, busy.pseudonym)


def test_cli_import_twice_and_remove(tmp_path: Path) -> None:
    db, path = tmp_path / "consult.db", tmp_path / "panel.csv"
    path.write_text("group,name\nscience,Ann\npolicy,Bob\n", encoding="utf-8")
    assert run(db, "panel", "import", str(SMALL), str(path)).returncode == 0
    again = run(db, "panel", "import", str(SMALL), str(path))
    assert again.returncode == 2
    assert "2 people are already registered; nothing was imported" in again.stderr
    assert "Ann (science): already registered as P-" in again.stderr
    path.write_text("group,name\nscience,ann\npolicy,Cho\n", encoding="utf-8")
    skipped = run(db, "panel", "import", str(SMALL), str(path), "--skip-existing")
    assert skipped.returncode == 0, skipped.stderr
    assert "Skipped ann (science): already registered as P-" in skipped.stdout
    assert "Registered 1 participant." in skipped.stdout
    # The codes of each import are kept in a file of their own, readable by the owner only.
    first, second = tmp_path / "panel-codes.csv", tmp_path / "panel-codes-2.csv"
    assert first.stat().st_mode & 0o777 == second.stat().st_mode & 0o777 == 0o600
    assert [r["name"] for r in csv.DictReader(first.open())] == ["Ann", "Bob"]
    assert [r["name"] for r in csv.DictReader(second.open())] == ["Cho"]
    listed = json.loads(run(db, "panel", "list", "session-small", "--json").stdout)
    pseudonyms = [row["pseudonym"] for row in listed["participants"]]
    assert len(pseudonyms) == 3
    removed = run(db, "panel", "remove", str(SMALL), pseudonyms[0])
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout == (
        f"Removed {pseudonyms[0]} from the panel; their code no longer works.\n"
    )
    listed = json.loads(run(db, "panel", "list", "session-small", "--json").stdout)
    assert [row["pseudonym"] for row in listed["participants"]] == pseudonyms[1:]
    status = run(db, "status", "session-small", "--json")
    assert status.returncode == 0, status.stderr
    assert json.loads(status.stdout)["total"]["invited"] == 2
    assert run(db, "panel", "remove", str(SMALL), "P-NOBODY").returncode == 2
