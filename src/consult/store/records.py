"""The records the store hands out and takes in, and how codes and times are written.

Plain data, no SQL: every backend returns these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

#: Access codes avoid look-alikes (0/O, 1/I/L, 2/Z, 5/S, 8/B).
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6
PSEUDONYM_LENGTH = 6
#: Wrong exit words a kiosk takes before its exit word stops working (panel unlock-kiosk).
KIOSK_EXIT_ATTEMPTS = 5

STATUS_IN_PROGRESS = "in_progress"
STATUS_SUBMITTED = "submitted"


def now() -> str:
    """The current time as ISO 8601 UTC with milliseconds, the form every timestamp is stored in."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def normalise_code(code: str) -> str:
    """An access code as typed (any case, spaces or dashes) in its stored form."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def format_code(code: str) -> str:
    """An access code as shown to people: ``ACD-479``."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


@dataclass(frozen=True)
class Participant:
    id: int
    survey_id: str
    pseudonym: str
    # The access code in plain, known only when it was just issued or just typed: the store
    # keeps a keyed hash of it (consult.store.codes), so a participant read back has "".
    code: str
    group_id: str
    name: str | None
    organisation: str | None
    language: str | None
    simulated: bool
    created_at: str
    external_id: str | None = None  # the facilitator's id from a panel file's ``id`` column
    removed_at: str | None = None  # set by ``consult panel remove``
    uuid: str | None = None  # stable across databases (consult merge)


@dataclass(frozen=True)
class Response:
    id: int
    participant_id: int
    group_id: str
    survey_hash: str
    round: int
    status: str
    language: str | None
    started_at: str
    updated_at: str
    submitted_at: str | None
    skipped_to: str | None = None  # the furthest question skipped (see mark_skipped)
    uuid: str | None = None  # stable across databases (consult merge)
    #: How it came in: terminal, form, table, merge or simulate.
    channel: str = "terminal"

    @property
    def submitted(self) -> bool:
        return self.status == STATUS_SUBMITTED


@dataclass(frozen=True)
class Round:
    """One Delphi round of a survey (see the ``rounds`` table in consult.store.schema)."""

    survey_id: str
    number: int
    survey_hash: str | None
    opened_at: str
    closed_at: str | None = None
    #: What the round asks, fixed when it opened: {"carried": [...], "settled": {...}, ...}.
    plan: dict = field(default_factory=dict)
    #: The round's results at closing (None while it is open).
    snapshot: dict | None = None
    #: Whether closing this round ended the study.
    final: bool = False

    @property
    def is_open(self) -> bool:
        return self.closed_at is None


@dataclass(frozen=True)
class ImportedResponse:
    """A response arriving from a file (``consult import``): what to write, already checked.

    ``participant_id`` is None for a new participant of ``group_id`` (a blank form in open
    enrolment). ``answers`` maps question key -> (JSON value, numeric); ``clear`` lists answers
    to delete (blank in the file, answered before).
    """

    participant_id: int | None
    group_id: str
    survey_hash: str
    round: int
    channel: str
    source: str
    answers: dict[str, tuple[str, float | None]]
    clear: tuple[str, ...] = ()
    language: str | None = None
    #: For a new participant: the id that finds them again on the next import of the file.
    external_id: str | None = None


@dataclass(frozen=True)
class ResponseFilter:
    """Which responses aggregation and exports count."""

    round: int | None = None
    groups: tuple[str, ...] = ()
    since: str | None = None  # YYYY-MM-DD (UTC), compared with the response's last update
    until: str | None = None
    include_in_progress: bool = False
    include_simulated: bool = False


@dataclass(frozen=True)
class NewParticipant:
    group_id: str
    name: str | None = None
    organisation: str | None = None
    language: str | None = None
    external_id: str | None = None


# --- merging databases (consult merge) ------------------------------------------------------


@dataclass(frozen=True)
class MergeSource:
    """Another database attached for a merge: its file, and the name the store reads it by."""

    path: str
    alias: str


@dataclass(frozen=True)
class MergeConflict:
    """One answer both databases hold for the same response, with different values (JSON)."""

    pseudonym: str
    round: int
    question: str
    target_value: str
    target_time: str
    source_value: str
    source_time: str


@dataclass(frozen=True)
class MergeClash:
    """A pseudonym, external id or access code the target already gives another person.

    ``target`` and ``source`` say who each person is (name, else group and stable id)."""

    kind: str  # "pseudonym", "external id" or "access code"
    value: str  # the pseudonym or external id; never the code itself
    target: str
    source: str


@dataclass(frozen=True)
class MergePlan:
    """What merging ``source`` into the target would do, read inside the merge's transaction."""

    source: MergeSource
    survey_id: str
    #: Survey versions the merged responses answered that the target does not hold:
    #: content hash -> definition (JSON text).
    new_versions: dict[str, str]
    #: The source's recorded rounds of the survey.
    rounds: tuple[Round, ...]
    #: Rounds the source's responses are in.
    response_rounds: tuple[int, ...]
    participants_new: int
    responses_new: int
    responses_existing: int
    conflicts: tuple[MergeConflict, ...]
    clashes: tuple[MergeClash, ...]
    #: Simulated newcomers whose pseudonym the target gives someone else: they get a fresh one.
    renamed: int
    #: Whether both databases hash access codes with the same key (so merged codes work here).
    same_code_key: bool


@dataclass(frozen=True)
class MergeCounts:
    """What a merge of one source wrote (or, on a dry run, would write)."""

    participants_added: int = 0
    responses_added: int = 0
    responses_updated: int = 0
    responses_unchanged: int = 0
    answers_added: int = 0
    answers_changed: int = 0
    #: Conflicts settled for the target's value (the source's went into the history).
    answers_kept: int = 0
    #: Newcomers whose access code does not work here (the key differs): reissue if needed.
    codes_unusable: int = 0
    renamed: int = 0
