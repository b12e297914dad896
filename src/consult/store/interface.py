"""The store's interface: everything the rest of consult asks of a database.

Only a backend (today :mod:`consult.store.sqlite`) speaks to the database itself; every other
module imports this interface and the records of :mod:`consult.store.records`, never
``sqlite3``. A second backend implements every method here (``tests/test_store.py`` checks
that the SQLite one does).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from consult.store.records import (
    ImportedResponse,
    MergeCounts,
    MergePlan,
    MergeSource,
    NewParticipant,
    Participant,
    Response,
    ResponseFilter,
    Round,
)


class Store(ABC):
    """A consult database. Use as a context manager: leaving it closes the store."""

    path: Path

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """A write transaction that takes the write lock at once (``BEGIN IMMEDIATE``).

        A deferred transaction that reads and then writes fails outright when another process
        wrote in between; taking the lock first makes it wait its turn instead.
        """

    def is_busy(self, exc: BaseException) -> bool:
        """Whether ``exc`` says only that another process holds the write lock (so the same
        call can be retried); a backend without locks never says so."""
        return False

    def set_busy_timeout(self, seconds: float) -> None:
        """How long a write waits for another process's lock before failing (see is_busy)."""
        del seconds  # a backend without locks never waits

    @property
    @abstractmethod
    def schema_version(self) -> int: ...

    @property
    @abstractmethod
    def journal_mode(self) -> str: ...

    @abstractmethod
    def save_survey(
        self,
        survey_id: str,
        hash: str,
        version: str,
        title: str,
        definition: dict,
        path: str = "",
        source_sha256: str | None = None,
    ) -> bool:
        """Record a survey definition; returns whether it was new. Same hash, same definition.

        ``source_sha256`` (of the file's bytes) lets an unchanged file skip YAML next time.
        """

    @abstractmethod
    def survey_by_source(self, source_sha256: str) -> tuple[str, str] | None:
        """The stored definition read from a file with these bytes, as (JSON text, path)."""

    @abstractmethod
    def survey_by_hash(self, hash: str) -> str | None:
        """The stored definition (JSON text) with this content hash, or None."""

    @abstractmethod
    def survey_definition(self, survey_id: str) -> tuple[str, str] | None:
        """The latest stored definition of ``survey_id`` as (JSON text, path), or None."""

    @abstractmethod
    def survey_versions(self, survey_id: str) -> list[dict[str, Any]]: ...

    @abstractmethod
    def add_participants(
        self,
        survey_id: str,
        people: Iterable[NewParticipant],
        *,
        simulated: bool = False,
        before_commit: Callable[[list[Participant]], None] | None = None,
    ) -> list[Participant]:
        """Register participants, all or nothing, each with a fresh access code and pseudonym.

        The codes are in the returned records only: the store keeps a keyed hash of each.
        ``before_commit`` receives the records inside the transaction; whatever it raises
        commits nothing (``panel import`` writes the codes to a file there).
        """

    @abstractmethod
    def reissue_code(self, participant_id: int) -> Participant:
        """A new access code for a participant; the old one stops working. The returned record
        carries the new code: the only moment it can be shown."""

    @abstractmethod
    def new_code_key(self) -> Path:
        """Create a new key of the access codes after the old one was lost (every code issued
        before stops working); refused while a key exists. Returns where it is."""

    @abstractmethod
    def record_code_failure(self, survey_id: str) -> None:
        """Note that a wrong access code was typed, with the time."""

    @abstractmethod
    def code_failures(self, seconds: float, survey_id: str | None = None) -> int:
        """How many wrong access codes were typed in the last ``seconds`` (one survey's, or
        the whole database's)."""

    @abstractmethod
    def exit_word_failed(self, session_id: int) -> int:
        """Count a wrong exit word typed at a kiosk; returns how many since the last unlock."""

    @abstractmethod
    def exit_word_failures(self, session_id: int) -> int: ...

    @abstractmethod
    def unlock_kiosks(self, survey_id: str) -> int:
        """Let the running kiosks of ``survey_id`` accept their exit word again; how many."""

    @abstractmethod
    def participant(self, participant_id: int) -> Participant: ...

    @abstractmethod
    def participant_by_code(self, survey_id: str, code: str) -> Participant | None:
        """The participant with this access code (any case, dashes or not): one indexed
        lookup. The record carries the code as typed, normalised."""

    @abstractmethod
    def participants(self, survey_id: str, *, include_simulated: bool = True) -> list[Participant]:
        """The participants of ``survey_id`` (removed ones left out), in order of registration."""

    @abstractmethod
    def set_participant_language(self, participant_id: int, language: str) -> None: ...

    @abstractmethod
    def participant_answer_count(self, participant_id: int) -> int:
        """How many current answers the participant's responses (every round) hold."""

    @abstractmethod
    def remove_participant(self, participant_id: int, *, with_answers: bool = False) -> int:
        """Mark a participant removed: their code no longer works and they are left out of the
        panel list, status and results. ``with_answers`` also deletes their answers (the history
        records each deletion); returns how many answers were deleted.
        """

    @abstractmethod
    def snapshot(self) -> AbstractContextManager[None]:
        """Reads that all see one state of the file, whatever other terminals commit meanwhile.

        A deferred read transaction: WAL readers do not block writers. Inside a transaction
        already open, it simply joins it.
        """

    @abstractmethod
    def histograms(
        self, survey_id: str, flt: ResponseFilter, questions: Sequence[str] | None = None
    ) -> list[tuple[str, str, str, int]]:
        """Answer counts per (question, group, stored JSON value) over the admitted responses,
        for ``questions`` only when given (free text has as many values as answers).
        """

    @abstractmethod
    def answer_counts(
        self, survey_id: str, questions: Sequence[str], flt: ResponseFilter
    ) -> list[tuple[str, str, int]]:
        """How many admitted answers each of ``questions`` has, per group: (question, group, n)."""

    @abstractmethod
    def current_round(self, survey_id: str) -> int:
        """The round a survey is in: the highest round any of its responses has, else 1."""

    @abstractmethod
    def latest_round(self, survey_id: str, flt: ResponseFilter) -> int | None:
        """The highest round among the responses ``flt`` admits (whatever its own round)."""

    @abstractmethod
    def response_counts(self, survey_id: str, flt: ResponseFilter) -> dict[str, int]:
        """Admitted responses per group."""

    @abstractmethod
    def response_hashes(self, survey_id: str, flt: ResponseFilter) -> dict[str, int]:
        """Admitted responses per survey definition (content hash) they were answered on."""

    @abstractmethod
    def answers_to_other_questions(
        self, survey_id: str, questions: Sequence[str], flt: ResponseFilter
    ) -> int:
        """How many admitted answers are to questions not in ``questions``."""

    @abstractmethod
    def text_answers(
        self, survey_id: str, question: str, flt: ResponseFilter, limit: int | None = None
    ) -> Iterator[tuple[str, str]]:
        """One question's free-text answers as (group, text), streamed, without who or when.

        Ordered by group and text, so the order reveals nothing about the author.
        """

    @abstractmethod
    def export_answers(
        self, survey_id: str, flt: ResponseFilter, question_order: Sequence[str] = ()
    ) -> Iterator[tuple[Any, ...]]:
        """Every admitted answer, pseudonymous, streamed: (pseudonym, group, round, status,
        simulated, question, value, numeric, answered_at). Never names or access codes.

        Each response's answers come in ``question_order`` (the survey's order); questions it
        does not name (a retired question) follow, by time.
        """

    @abstractmethod
    def export_identities(self, survey_id: str) -> dict[str, tuple[str | None, str | None]]:
        """pseudonym -> (name, organisation), only for reports an organiser asks to identify."""

    @abstractmethod
    def insert_simulated(
        self,
        survey_id: str,
        survey_hash: str,
        round: int,
        respondents: Iterable[tuple[str, str, list[tuple[str, str, float | None]]]],
    ) -> int:
        """Store synthetic submitted responses, all or nothing; returns how many.

        Each respondent is (group, language, [(question, JSON value, numeric)]). The rows meet
        the same constraints and triggers (history included) as interactive answers; only the
        batching differs, so a million answers take seconds, not minutes.
        """

    @abstractmethod
    def simulated_round(
        self, survey_id: str, round: int
    ) -> Iterator[tuple[int, str, str | None, dict[str, str]]]:
        """The submitted simulated responses of ``round``: (participant id, group, language,
        {question: JSON value}), in order of participant."""

    @abstractmethod
    def insert_simulated_round(
        self,
        survey_id: str,
        survey_hash: str,
        round: int,
        responses: Iterable[tuple[int, str, str | None, list[tuple[str, str, float | None]]]],
    ) -> int:
        """Submitted responses in ``round`` for simulated participants already registered (a
        rehearsed later Delphi round), all or nothing; returns how many."""

    @abstractmethod
    def report_answer_count(self, survey_id: str, flt: ResponseFilter) -> int:
        """How many answers the admitted responses hold: the length of a raw-answers export."""

    @abstractmethod
    def start_session(self, survey_id: str, mode: str) -> int:
        """Record that a session started: survey, mode and time; nothing about who or where."""

    @abstractmethod
    def end_session(self, session_id: int) -> None: ...

    @abstractmethod
    def response(self, participant_id: int, round: int) -> Response | None: ...

    @abstractmethod
    def response_by_id(self, response_id: int) -> Response: ...

    @abstractmethod
    def start_response(
        self,
        participant_id: int,
        survey_hash: str,
        round: int,
        *,
        session_id: int | None = None,
        language: str | None = None,
    ) -> Response:
        """The participant's response in ``round``, created in progress if there is none yet."""

    @abstractmethod
    def set_response_language(self, response_id: int, language: str) -> None: ...

    @abstractmethod
    def submit_response(self, response_id: int) -> None: ...

    @abstractmethod
    def reopen_response(self, response_id: int) -> None: ...

    @abstractmethod
    def save_answer(
        self, response: Response, question: str, value: Any, numeric: float | None
    ) -> None:
        """Store one answer and commit it at once; a changed answer keeps its old value in history.

        One statement, so one implicit transaction: triggers add the history row and move the
        response's last activity, and a killed process leaves either all of it or none.
        """

    @abstractmethod
    def mark_skipped(self, response: Response, question: str) -> None:
        """Note that the participant passed ``question`` without answering it, so that a
        resumed session continues after it rather than asking it again.
        """

    @abstractmethod
    def clear_answer(self, response: Response, question: str) -> None:
        """Remove an answer whose condition stopped holding; the history keeps it."""

    @abstractmethod
    def answers(self, response_id: int) -> dict[str, Any]:
        """The current answers of a response: question key -> value."""

    @abstractmethod
    def answer_history(
        self, response_id: int, question: str | None = None
    ) -> list[dict[str, Any]]: ...

    @abstractmethod
    def participation_rows(self, survey_id: str, round: int) -> list[dict[str, Any]]:
        """One row per participant of ``survey_id`` with their response in ``round`` (if any).

        Carries names for the facilitator's panel list (never codes); status figures drop them.
        ``answered`` counts the response's current answers; ``status`` is None before a start.
        """

    # --- Delphi rounds ------------------------------------------------------------------------

    @abstractmethod
    def rounds(self, survey_id: str) -> list[Round]:
        """The survey's recorded rounds, in order; none before the first ``round open``."""

    @abstractmethod
    def close_round(
        self,
        survey_id: str,
        number: int,
        snapshot: dict[str, Any],
        *,
        survey_hash: str | None = None,
        final: bool = False,
    ) -> None:
        """Close round ``number`` with its results frozen in ``snapshot``; from then on the store
        refuses answers to it. A round not recorded yet (round 1) is recorded, opened when its
        first response began. ``final`` ends the study. Run inside :meth:`transaction` with
        :meth:`open_round` so that closing one round and opening the next are one step."""

    @abstractmethod
    def open_round(
        self, survey_id: str, number: int, survey_hash: str, plan: dict[str, Any]
    ) -> Round:
        """Record that round ``number`` opened on this survey definition with this plan."""

    @abstractmethod
    def round_pairs(
        self,
        survey_id: str,
        questions: Sequence[str],
        before: int,
        after: int,
        flt: ResponseFilter,
    ) -> dict[str, dict[tuple[str, float, float], int]]:
        """Per question: (group, number answered in ``before``, in ``after``) -> participants
        whose admitted responses in both rounds hold a number for it; one read for all."""

    @abstractmethod
    def continuing(
        self, survey_id: str, before: int, after: int, flt: ResponseFilter
    ) -> dict[str, int]:
        """Participants per group with an admitted response in both rounds."""

    @abstractmethod
    def reasons(
        self,
        survey_id: str,
        text_questions: Sequence[str],
        support_question: str,
        flt: ResponseFilter,
    ) -> Iterator[tuple[str, float | None, str]]:
        """Free-text answers to ``text_questions`` in the admitted responses as (group, the same
        response's number for ``support_question`` or None, text): never who or when."""

    # --- responses from files -------------------------------------------------------------------

    @abstractmethod
    def form_key(self) -> bytes:
        """The database's secret that signs spreadsheet forms (never exported or shared)."""

    @abstractmethod
    def external_ids(self, survey_id: str) -> dict[str, tuple[int, bool]]:
        """external id -> (participant id, whether removed), removed participants included:
        a file that created someone finds them again, and a removed person stays removed."""

    @abstractmethod
    def import_state(self, survey_id: str, round: int) -> dict[int, dict[str, Any]]:
        """participant id -> {"response_id", "status", "channel", "answers": {key: value}}, for
        every response of ``round``."""

    @abstractmethod
    def write_imported(self, survey_id: str, responses: Sequence[ImportedResponse]) -> int:
        """Write imported responses, submitted, in one transaction (all or nothing); changed
        answers keep their old values in the history with the new one's channel and source.
        Returns how many answers were written or cleared."""

    @abstractmethod
    def responses_by_channel(
        self, survey_id: str, round: int, include_simulated: bool = False
    ) -> dict[str, dict[str, int]]:
        """channel -> {"started", "submitted"}: how the responses of ``round`` came in
        (terminal, form, table, merge; simulate only when ``include_simulated``)."""

    # --- merging databases (consult merge) ------------------------------------------------------

    @abstractmethod
    def merge_sources(
        self, paths: Sequence[str | Path]
    ) -> AbstractContextManager[list[MergeSource]]:
        """Open other consult databases for reading by :meth:`plan_merge` until the block ends.

        Enter it outside a transaction and open :meth:`transaction` inside it."""

    @abstractmethod
    def merge_survey_ids(self, source: MergeSource) -> list[str]:
        """The surveys the source database has participants of."""

    @abstractmethod
    def plan_merge(self, source: MergeSource, survey_id: str) -> MergePlan:
        """What merging ``source``'s participants and responses of ``survey_id`` would do, by
        stable ids (participant uuid; response = participant and round): newcomers, answers
        that differ (conflicts), pseudonyms or codes the target gives someone else (clashes),
        survey versions and rounds it brings. Inside :meth:`transaction`; writes nothing."""

    @abstractmethod
    def apply_merge(self, plan: MergePlan, prefer: str | None, source_name: str) -> MergeCounts:
        """Write the last plan (same transaction): new participants, responses and answers,
        conflicts settled by ``prefer`` (newer, target or source; the losing value stays in the
        history), merged answers marked channel ``merge`` with ``source_name``. Never copies a
        secret: a newcomer's access code is kept only when both databases share the key."""
