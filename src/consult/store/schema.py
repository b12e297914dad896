"""The database schema: every migration, in order. Never edit a released one: add one."""

from __future__ import annotations

#: PRAGMA application_id of a consult database ("Cnst").
APPLICATION_ID = 0x436E7374

# The history is written by triggers, so no code path can change an answer without a trace.
# Shared by the migrations that create the answers table (a rebuilt table needs them again).
_ANSWER_TRIGGERS = (
    """CREATE TRIGGER answers_insert_history AFTER INSERT ON answers BEGIN
        INSERT INTO answer_history (response_id, question, value, changed_at)
        VALUES (NEW.response_id, NEW.question, NEW.value, NEW.answered_at);
    END""",
    """CREATE TRIGGER answers_update_history AFTER UPDATE OF value ON answers
    WHEN NEW.value IS NOT OLD.value BEGIN
        INSERT INTO answer_history (response_id, question, value, changed_at)
        VALUES (NEW.response_id, NEW.question, NEW.value, NEW.answered_at);
    END""",
    # A response's last activity follows its answers, in the same statement.
    """CREATE TRIGGER answers_insert_touch AFTER INSERT ON answers
    WHEN NEW.answered_at > (SELECT updated_at FROM responses WHERE id = NEW.response_id) BEGIN
        UPDATE responses SET updated_at = NEW.answered_at WHERE id = NEW.response_id;
    END""",
    """CREATE TRIGGER answers_update_touch AFTER UPDATE OF value ON answers
    WHEN NEW.answered_at > (SELECT updated_at FROM responses WHERE id = NEW.response_id) BEGIN
        UPDATE responses SET updated_at = NEW.answered_at WHERE id = NEW.response_id;
    END""",
    """CREATE TRIGGER answers_delete_history AFTER DELETE ON answers BEGIN
        INSERT INTO answer_history (response_id, question, value, changed_at)
        VALUES (OLD.response_id, OLD.question, NULL,
                strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
    END""",
)

# A random UUID (version 4) in its usual text form, computed by SQLite.
_UUID4 = (
    "lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || "
    "substr(hex(randomblob(2)), 2) || '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || "
    "substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6)))"
)

# Each migration takes a database from version i to i + 1. Never edit a released one: add one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (
        """CREATE TABLE surveys (
            hash TEXT PRIMARY KEY CHECK (length(hash) = 64),
            survey_id TEXT NOT NULL CHECK (survey_id <> ''),
            version TEXT NOT NULL,
            title TEXT NOT NULL,
            definition TEXT NOT NULL CHECK (json_valid(definition)),
            path TEXT,
            source_sha256 TEXT,
            loaded_at TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX surveys_by_id ON surveys (survey_id, loaded_at)",
        "CREATE INDEX surveys_by_source ON surveys (source_sha256)",
        """CREATE TABLE participants (
            id INTEGER PRIMARY KEY,
            survey_id TEXT NOT NULL,
            pseudonym TEXT NOT NULL UNIQUE,
            code TEXT NOT NULL UNIQUE CHECK (length(code) >= 4),
            group_id TEXT NOT NULL CHECK (group_id <> ''),
            name TEXT,
            organisation TEXT,
            language TEXT,
            simulated INTEGER NOT NULL DEFAULT 0 CHECK (simulated IN (0, 1)),
            created_at TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX participants_by_survey ON participants (survey_id, group_id)",
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            survey_id TEXT NOT NULL,
            mode TEXT NOT NULL CHECK (mode IN ('single', 'kiosk', 'simulate')),
            facilitator TEXT,
            host TEXT,
            terminal TEXT,
            started_at TEXT NOT NULL,
            ended_at TEXT
        ) STRICT""",
        """CREATE TABLE responses (
            id INTEGER PRIMARY KEY,
            participant_id INTEGER NOT NULL REFERENCES participants (id),
            survey_hash TEXT NOT NULL REFERENCES surveys (hash),
            round INTEGER NOT NULL DEFAULT 1 CHECK (round >= 1),
            status TEXT NOT NULL CHECK (status IN ('in_progress', 'submitted')),
            session_id INTEGER REFERENCES sessions (id),
            language TEXT,
            started_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            submitted_at TEXT,
            UNIQUE (participant_id, round),
            CHECK ((status = 'submitted') = (submitted_at IS NOT NULL))
        ) STRICT""",
        """CREATE TABLE answers (
            id INTEGER PRIMARY KEY,
            response_id INTEGER NOT NULL REFERENCES responses (id),
            question TEXT NOT NULL CHECK (question <> ''),
            group_id TEXT NOT NULL,
            value TEXT NOT NULL CHECK (json_valid(value)),
            numeric REAL,
            answered_at TEXT NOT NULL,
            UNIQUE (response_id, question)
        ) STRICT""",
        # Histograms group by (question, group, value) and filter on the response:
        # this index answers them without touching the table.
        "CREATE INDEX answers_histogram ON answers (question, group_id, value, response_id)",
        """CREATE TABLE answer_history (
            id INTEGER PRIMARY KEY,
            response_id INTEGER NOT NULL REFERENCES responses (id),
            question TEXT NOT NULL,
            value TEXT CHECK (value IS NULL OR json_valid(value)),
            changed_at TEXT NOT NULL
        ) STRICT""",
        # No index on the history: it is written with every answer and read only for audits,
        # and an index there cost 45 µs a committed answer (145 vs 190 µs).
        *_ANSWER_TRIGGERS,
        """CREATE TRIGGER answer_history_no_update BEFORE UPDATE ON answer_history BEGIN
            SELECT RAISE(ABORT, 'answer_history is append-only');
        END""",
        """CREATE TRIGGER answer_history_no_delete BEFORE DELETE ON answer_history BEGIN
            SELECT RAISE(ABORT, 'answer_history is append-only');
        END""",
    ),
    (
        # The furthest question a participant passed without answering (an optional one they
        # skipped), so that resuming does not ask it again; answers mark their own place.
        "ALTER TABLE responses ADD COLUMN skipped_to TEXT",
        # Answers keyed by (response, question) in the table itself: one B-tree fewer to write
        # for every committed answer than a rowid table with a UNIQUE index (1.5x -> 1.3x a bare
        # sqlite3 insert, benchmarks/). The rows are copied; the history stays as it is.
        """CREATE TABLE answers_by_key (
            response_id INTEGER NOT NULL REFERENCES responses (id),
            question TEXT NOT NULL CHECK (question <> ''),
            group_id TEXT NOT NULL,
            value TEXT NOT NULL CHECK (json_valid(value)),
            numeric REAL,
            answered_at TEXT NOT NULL,
            PRIMARY KEY (response_id, question)
        ) STRICT, WITHOUT ROWID""",
        "INSERT INTO answers_by_key SELECT response_id, question, group_id, value, numeric, "
        "answered_at FROM answers ORDER BY response_id, question",
        "DROP TABLE answers",
        "ALTER TABLE answers_by_key RENAME TO answers",
        "CREATE INDEX answers_histogram ON answers (question, group_id, value, response_id)",
        *_ANSWER_TRIGGERS,
    ),
    (
        # The facilitator's own id of a participant (an ``id`` column of a panel file), so that
        # importing the same file again recognises who is already registered.
        "ALTER TABLE participants ADD COLUMN external_id TEXT",
        # A removed participant stays as a row (the history of their answers refers to their
        # responses) but is left out of codes, the panel list, status and results.
        "ALTER TABLE participants ADD COLUMN removed_at TEXT",
        "CREATE UNIQUE INDEX participants_by_external_id ON participants (survey_id, external_id) "
        "WHERE external_id IS NOT NULL AND removed_at IS NULL",
    ),
    (
        # Access codes at rest become a keyed hash (consult.store.codes): the table is rebuilt
        # without the plaintext column. ``consult_code_hash`` is a Python function the store
        # registers before migrating, with the key from the file beside the database. Runs
        # with foreign keys off (the rebuild drops the table responses refer to) and
        # secure_delete on, so the old pages are zeroed, not left in the file.
        """CREATE TABLE participants_v4 (
            id INTEGER PRIMARY KEY,
            survey_id TEXT NOT NULL,
            pseudonym TEXT NOT NULL UNIQUE,
            code_hash TEXT NOT NULL UNIQUE CHECK (length(code_hash) = 64),
            group_id TEXT NOT NULL CHECK (group_id <> ''),
            name TEXT,
            organisation TEXT,
            language TEXT,
            simulated INTEGER NOT NULL DEFAULT 0 CHECK (simulated IN (0, 1)),
            created_at TEXT NOT NULL,
            external_id TEXT,
            removed_at TEXT
        ) STRICT""",
        "INSERT INTO participants_v4 SELECT id, survey_id, pseudonym, consult_code_hash(code), "
        "group_id, name, organisation, language, simulated, created_at, external_id, removed_at "
        "FROM participants ORDER BY id",
        "DROP TABLE participants",
        "ALTER TABLE participants_v4 RENAME TO participants",
        "CREATE INDEX participants_by_survey ON participants (survey_id, group_id)",
        "CREATE UNIQUE INDEX participants_by_external_id ON participants (survey_id, external_id) "
        "WHERE external_id IS NOT NULL AND removed_at IS NULL",
        # A session keeps nothing that links a pseudonymous response to a person or a place:
        # no login name, host or terminal (resuming needs none of them).
        "ALTER TABLE sessions DROP COLUMN facilitator",
        "ALTER TABLE sessions DROP COLUMN host",
        "ALTER TABLE sessions DROP COLUMN terminal",
        # Wrong exit words typed at a kiosk: at five, the exit word stops working until a
        # facilitator runs ``consult panel unlock-kiosk``.
        "ALTER TABLE sessions ADD COLUMN exit_failures INTEGER NOT NULL DEFAULT 0",
        # Every wrong access code, with its time: the delay before the next attempt grows
        # with the recent ones, and ``consult status`` shows them.
        """CREATE TABLE code_failures (
            id INTEGER PRIMARY KEY,
            survey_id TEXT NOT NULL,
            failed_at TEXT NOT NULL
        ) STRICT""",
        "CREATE INDEX code_failures_by_time ON code_failures (failed_at, survey_id)",
    ),
    (
        # Delphi rounds (consult.results.rounds). A survey without rows here is in round 1, or
        # in the highest round its responses have. ``plan`` is what the round asks, fixed when
        # it opens: the proposals carried forward, those settled earlier, and when the reason
        # question applies. ``snapshot`` is the round's results as they were at closing, which
        # later edits cannot change. ``final`` marks the round whose closing ended the study.
        """CREATE TABLE rounds (
            survey_id TEXT NOT NULL,
            number INTEGER NOT NULL CHECK (number >= 1),
            survey_hash TEXT REFERENCES surveys (hash),
            opened_at TEXT NOT NULL,
            closed_at TEXT,
            plan TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(plan)),
            snapshot TEXT CHECK (snapshot IS NULL OR json_valid(snapshot)),
            final INTEGER NOT NULL DEFAULT 0 CHECK (final IN (0, 1)),
            PRIMARY KEY (survey_id, number),
            CHECK ((closed_at IS NULL) = (snapshot IS NULL)),
            CHECK (final = 0 OR closed_at IS NOT NULL)
        ) STRICT""",
        # Answers to a closed round are refused by the database itself, whatever the code path.
        """CREATE TRIGGER answers_closed_round_insert BEFORE INSERT ON answers
        WHEN EXISTS (SELECT 1 FROM responses r JOIN participants p ON p.id = r.participant_id
                     JOIN rounds d ON d.survey_id = p.survey_id AND d.number = r.round
                     WHERE r.id = NEW.response_id AND d.closed_at IS NOT NULL) BEGIN
            SELECT RAISE(ABORT, 'consult: the round is closed');
        END""",
        """CREATE TRIGGER answers_closed_round_update BEFORE UPDATE ON answers
        WHEN EXISTS (SELECT 1 FROM responses r JOIN participants p ON p.id = r.participant_id
                     JOIN rounds d ON d.survey_id = p.survey_id AND d.number = r.round
                     WHERE r.id = NEW.response_id AND d.closed_at IS NOT NULL) BEGIN
            SELECT RAISE(ABORT, 'consult: the round is closed');
        END""",
    ),
    (
        # Stable ids that survive a copy to another database (``consult merge``): a random
        # UUID (version 4) for every participant and response, old rows included; a trigger
        # gives one to every row inserted without it.
        "ALTER TABLE participants ADD COLUMN uuid TEXT",
        "ALTER TABLE responses ADD COLUMN uuid TEXT",
        f"UPDATE participants SET uuid = {_UUID4}",
        f"UPDATE responses SET uuid = {_UUID4}",
        "CREATE UNIQUE INDEX participants_by_uuid ON participants (uuid)",
        "CREATE UNIQUE INDEX responses_by_uuid ON responses (uuid)",
        f"""CREATE TRIGGER participants_uuid AFTER INSERT ON participants
        WHEN NEW.uuid IS NULL BEGIN
            UPDATE participants SET uuid = {_UUID4} WHERE id = NEW.id;
        END""",
        f"""CREATE TRIGGER responses_uuid AFTER INSERT ON responses
        WHEN NEW.uuid IS NULL BEGIN
            UPDATE responses SET uuid = {_UUID4} WHERE id = NEW.id;
        END""",
        # How a response and each answer came in: ``terminal`` (consult run), ``form`` (a filled
        # spreadsheet form), ``table`` (a wide table of answers), ``merge`` (another database),
        # ``simulate``; and from which file. The history copies both from the answer.
        "ALTER TABLE responses ADD COLUMN channel TEXT NOT NULL DEFAULT 'terminal'",
        "ALTER TABLE answers ADD COLUMN channel TEXT NOT NULL DEFAULT 'terminal'",
        "ALTER TABLE answers ADD COLUMN source TEXT",
        "ALTER TABLE answer_history ADD COLUMN channel TEXT",
        "ALTER TABLE answer_history ADD COLUMN source TEXT",
        "UPDATE responses SET channel = 'simulate' WHERE participant_id IN "
        "(SELECT id FROM participants WHERE simulated = 1)",
        "DROP TRIGGER answers_insert_history",
        "DROP TRIGGER answers_update_history",
        """CREATE TRIGGER answers_insert_history AFTER INSERT ON answers BEGIN
            INSERT INTO answer_history (response_id, question, value, changed_at, channel, source)
            VALUES (NEW.response_id, NEW.question, NEW.value, NEW.answered_at, NEW.channel,
                    NEW.source);
        END""",
        """CREATE TRIGGER answers_update_history AFTER UPDATE OF value ON answers
        WHEN NEW.value IS NOT OLD.value BEGIN
            INSERT INTO answer_history (response_id, question, value, changed_at, channel, source)
            VALUES (NEW.response_id, NEW.question, NEW.value, NEW.answered_at, NEW.channel,
                    NEW.source);
        END""",
        # Secrets of the database itself (the key that signs spreadsheet forms): never
        # exported, published or merged.
        """CREATE TABLE secrets (
            name TEXT PRIMARY KEY,
            value BLOB NOT NULL
        ) STRICT""",
        "INSERT INTO secrets (name, value) VALUES ('form_key', randomblob(32))",
    ),
    (
        # A closed round's responses keep the status they had when it closed: no submission,
        # no reopening after (the answers were guarded since migration 5).
        """CREATE TRIGGER responses_closed_round BEFORE UPDATE OF status ON responses
        WHEN NEW.status IS NOT OLD.status AND EXISTS (
            SELECT 1 FROM participants p JOIN rounds d ON d.survey_id = p.survey_id
            AND d.number = NEW.round WHERE p.id = NEW.participant_id AND d.closed_at IS NOT NULL
        ) BEGIN
            SELECT RAISE(ABORT, 'consult: the round is closed');
        END""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)
