-- Checkpoints of projections: the state folded from the log's first `position` events of a
-- stream, under one projection (framework, taxonomy and state format, named by `projection`).
-- A cache: rows may be deleted at any time and no answer changes. Not part of the hash chain.
CREATE TABLE checkpoints (
    stream     TEXT    NOT NULL,
    projection TEXT    NOT NULL,
    position   INTEGER NOT NULL,
    created_at TEXT    NOT NULL,
    state      BLOB    NOT NULL,
    PRIMARY KEY (stream, projection, position)
);

-- `--known-at` turns an instant into the last position recorded by then.
CREATE INDEX events_by_recorded_at ON events (recorded_at);
