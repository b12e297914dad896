"""A report database shared by the report tests: 40 simulated responses and one hostile one."""

from __future__ import annotations

from pathlib import Path

from consult.session.simulation import simulate
from consult.store import NewParticipant, ResponseFilter, open_store
from consult.store.surveys import register_survey
from consult.survey.loader import load_survey

ROOT = Path(__file__).resolve().parents[1]
SURVEY = ROOT / "surveys" / "st-diplomacy-roundtable.yaml"

#: Comments a hostile participant might type; each must stay literal text.
HOSTILE = {
    "ministry-led.comment": '=HYPERLINK("http://x","click")',
    "public-private-networks.comment": "+cmd|' /C calc'!A0",
    "legal-foundation.comment": "@SUM(1+1)",
    "inter-ministerial-strategy.comment": "-1+1",
    "global-agendas.comment": "\tleading tab",
    "international-leadership.comment": "\rleading carriage return",
    "final_comment": "bell\x07 and escape\x1b[2J removed",
}
SECRET_NAME = "Dr Secret Name"
FLT = ResponseFilter(include_simulated=True)


def fill_store(path: Path):
    """A database with 40 simulated responses and one real, hostile one."""
    survey = load_survey(SURVEY)
    store = open_store(path)
    register_survey(store, survey)
    simulate(store, survey, 40, seed=1)
    [person] = store.add_participants(
        survey.id, [NewParticipant("science", name=SECRET_NAME, organisation="Secret Org")]
    )
    response = store.start_response(person.id, survey.hash, 1)
    store.save_answer(response, "ministry-led.support", 2, 2.0)
    for key, text in HOSTILE.items():
        store.save_answer(response, key, text, None)
    store.submit_response(response.id)
    return store, survey


def table_rows(ws, table_name):
    """The rows of a native table as dicts keyed by its column names."""
    table = ws.tables[table_name]
    cells = ws[table.ref]
    header = [c.value for c in cells[0]]
    assert header == [c.name for c in table.tableColumns]
    assert table.autoFilter is not None and table.autoFilter.ref == table.ref  # filter buttons
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in cells[1:]]
