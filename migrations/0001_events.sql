-- The append-only event log. One row per event; rows are never updated or deleted.
-- Gapless positions and versions are kept by dyad's single write path (BEGIN IMMEDIATE) and
-- checked by `dyad verify`, which also catches rows inserted by hand (an insert trigger cost
-- a third of append throughput).
-- `position` is global and gapless; `version` is gapless within a stream (a dyad, e.g. USA-RUS).
-- `hash` = SHA-256 over `prev_hash` and the event's canonical bytes (see src/store/chain.rs).
CREATE TABLE events (
    position       INTEGER PRIMARY KEY,
    stream         TEXT    NOT NULL,
    version        INTEGER NOT NULL,
    id             TEXT    NOT NULL UNIQUE,
    kind           TEXT    NOT NULL,
    schema_version INTEGER NOT NULL,
    occurred_on    TEXT    NOT NULL,
    recorded_at    TEXT    NOT NULL,
    payload        TEXT    NOT NULL,
    prev_hash      TEXT    NOT NULL,
    hash           TEXT    NOT NULL,
    UNIQUE (stream, version)
);

CREATE INDEX events_by_stream_occurred_on ON events (stream, occurred_on);

-- Append-only, whichever client writes: a mistake is fixed by a correction event.
CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'dyad events are append-only: UPDATE is refused; append a correction instead');
END;

CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'dyad events are append-only: DELETE is refused; append a retraction instead');
END;
