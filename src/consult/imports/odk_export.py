"""Reading the CSV that ODK Central or KoboToolbox exports for a survey fielded as an XLSForm
(``consult survey export-xlsform``).

Their columns name each field by its group path: ODK Central joins the groups with ``-``
(``ministry-led-ministry-led.support``), KoboToolbox with ``/``
(``ministry-led/ministry-led.support``); the last part is our question key. Each row is one
submission, identified by its ``instanceID`` (``meta-instanceID``, ``meta/instanceID``, ``KEY``
or ``_uuid``): importing the same export again finds the participants it created and changes
nothing; an edited submission (``deprecatedID``) updates the response it replaces. The
stakeholder group is the ``group`` field. Choices arrive as names (several separated by
spaces); Kobo's 0/1 column per option of a multiple choice is read through the choice field
itself. Columns of the platforms' own (submission time, device, status...) are left aside.
"""

from __future__ import annotations

from consult.imports.answers import Submission
from consult.imports.tabular import Row
from consult.survey.model import Survey

#: Columns that hold the submission's id, most specific first.
INSTANCE_COLUMNS = ("meta-instanceID", "meta/instanceID", "instanceID", "KEY", "_uuid")
DEPRECATED_COLUMNS = ("meta-deprecatedID", "meta/deprecatedID", "deprecatedID")
#: The field the exported XLSForm asks the stakeholder group with.
GROUP_FIELD = "group"
#: Fields of the exported XLSForm that are no answers.
FORM_FIELDS = ("consent", "description")
#: The platforms' own columns (ODK Central, KoboToolbox), never answers.
PLATFORM_COLUMNS = {
    "SubmissionDate", "SubmitterID", "SubmitterName", "AttachmentsPresent",
    "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits", "FormVersion", "start",
    "end", "today", "deviceid", "username", "phonenumber", "simserial", "subscriberid",
    "audit", "formhub/uuid", "meta/rootUuid", "meta-rootUuid", "__version__",
}  # fmt: skip


def is_platform_export(header: list[str]) -> bool:
    """Whether a table's header is an ODK Central or KoboToolbox export."""
    return any(name in header for name in INSTANCE_COLUMNS)


def read_platform_export(rows: list[Row], shown: str, survey: Survey) -> list[Submission]:
    """One submission per row of an ODK Central or KoboToolbox CSV export."""
    _, header_cells = rows[0]
    header = [str(c or "").strip() for c in header_cells]
    instance_at = next(header.index(c) for c in INSTANCE_COLUMNS if c in header)
    deprecated_at = next((header.index(c) for c in DEPRECATED_COLUMNS if c in header), None)
    ids = {i for i, c in enumerate(header) if c in INSTANCE_COLUMNS or c in DEPRECATED_COLUMNS}
    keys = {q.key: q for q in survey.questions()}
    listed = {k for k, q in keys.items() if q.kind.has_options and not q.kind.picks_one}
    # Kobo's 0/1 column of each option of a multiple choice: the choice field holds it too.
    one_option = {f"{k}{sep}{o.id}" for k in listed for o in keys[k].options for sep in ("/", "-")}
    columns: dict[int, str] = {}
    problems = []
    for i, name in enumerate(header):
        if not name or i in ids or _platform(name):
            continue
        field = _field(name, keys)
        if field is None:
            if any(name == x or name.endswith(("/" + x, "-" + x)) for x in one_option):
                continue
            if name.rsplit("/", 1)[-1] in FORM_FIELDS or name.rsplit("-", 1)[-1] in FORM_FIELDS:
                continue
            if name.endswith(".statement"):
                continue  # a proposal's statement, a note
            problems.append((i, name))
            continue
        columns[i] = field
    out = []
    for number, cells in rows[1:]:
        values = [str(c).strip() if c is not None else "" for c in cells]
        values += [""] * (len(header) - len(values))
        if not any(values):
            continue
        instance = values[instance_at]
        where = f"{shown}: row {number}"
        sub = Submission(
            source=shown,
            where=where,
            channel="table",
            external_id=f"odk:{instance}" if instance else None,
            replaces=(
                f"odk:{values[deprecated_at]}"
                if deprecated_at is not None and values[deprecated_at]
                else None
            ),
        )
        if not instance:
            sub.problems.append(f"{where}: {header[instance_at]}: blank; whose answers are these?")
        for i, name in problems:
            if values[i]:
                sub.problems.append(
                    f"{where}, column {name}: not a question of {survey.id} ({values[i][:40]!r})"
                )
        for i, field in columns.items():
            raw = values[i]
            if field == GROUP_FIELD:
                sub.group = raw or None
                continue
            if field in listed and raw:
                raw = ";".join(raw.split())  # ODK and Kobo separate choices with spaces
            sub.cells[field] = (raw or None, f"{where}, column {header[i]}")
        out.append(sub)
    return out


def _platform(name: str) -> bool:
    return name in PLATFORM_COLUMNS or name.startswith("_")


def _field(name: str, keys: dict[str, object]) -> str | None:
    """The question key (or the group field) a column names, whatever its group path."""
    if name == GROUP_FIELD or name in keys:
        return name
    for sep in ("/", "-"):
        if sep in name:
            # the longest tail that is a key: proposal ids hold '-' themselves
            parts = name.split(sep)
            for j in range(1, len(parts)):
                tail = sep.join(parts[j:])
                if tail in keys or tail == GROUP_FIELD:
                    return tail
    return None
