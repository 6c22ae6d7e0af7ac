-- The append-only event log on PostgreSQL: the same rows as on SQLite (see migrations/), so that
-- the same events hash to the same chain. Text columns hold exactly the text the hash covers;
-- `COLLATE "C"` makes text order byte order, as on SQLite (fixed-width `recorded_at` sorts as
-- time, and an id prefix is a range of the unique index).
-- Appends are serialised by `LOCK TABLE events IN EXCLUSIVE MODE` in the writer's transaction: a
-- lock the database holds, so writers in any number of processes and machines take turns, while
-- readers are never blocked.
CREATE TABLE events (
    position       BIGINT  PRIMARY KEY CHECK (position >= 1),
    stream         TEXT    COLLATE "C" NOT NULL,
    version        BIGINT  NOT NULL CHECK (version >= 1),
    id             TEXT    COLLATE "C" NOT NULL UNIQUE,
    kind           TEXT    COLLATE "C" NOT NULL,
    schema_version BIGINT  NOT NULL,
    occurred_on    TEXT    COLLATE "C" NOT NULL,
    recorded_at    TEXT    COLLATE "C" NOT NULL,
    recorded_by    TEXT,
    payload        TEXT    NOT NULL,
    prev_hash      TEXT    NOT NULL,
    hash           TEXT    NOT NULL,
    UNIQUE (stream, version)
);

CREATE INDEX events_by_stream_occurred_on ON events (stream, occurred_on);
CREATE INDEX events_by_stream_kind ON events (stream, kind, position);
CREATE INDEX events_by_recorded_at ON events (recorded_at);

-- Checkpoints of projections: a cache, tied to the chain (see migrations/0006 and
-- src/store/chain.rs). Rows may be replaced or deleted at any time.
CREATE TABLE checkpoints (
    stream     TEXT   COLLATE "C" NOT NULL,
    projection TEXT   COLLATE "C" NOT NULL,
    position   BIGINT NOT NULL,
    created_at TEXT   NOT NULL,
    state      BYTEA  NOT NULL,
    head_hash  TEXT   NOT NULL,
    digest     TEXT   NOT NULL,
    PRIMARY KEY (stream, projection, position)
);
