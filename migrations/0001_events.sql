-- The append-only event log. One row per event; rows are never updated or deleted.
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

-- Positions and versions stay gapless even for rows inserted by hand.
CREATE TRIGGER events_stay_gapless BEFORE INSERT ON events
WHEN NEW.position IS NOT (SELECT COALESCE(MAX(position), 0) + 1 FROM events)
  OR NEW.version IS NOT (SELECT COALESCE(MAX(version), 0) + 1 FROM events WHERE stream = NEW.stream)
BEGIN
    SELECT RAISE(ABORT, 'dyad events must be appended at the next position and the next stream version');
END;
