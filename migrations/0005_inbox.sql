-- The inbox: the news coder's proposals waiting for an analyst, beside the log. Unlike the log it
-- is a workspace: rows are edited and deleted (a proposal is evidence only once accepted into the
-- log, which then holds it), so it has no triggers and is not hash-chained. A rejected proposal
-- stays, with its reason, so that ingesting the same article again does not propose it again.
CREATE TABLE inbox_articles (
    id          INTEGER PRIMARY KEY,
    digest      TEXT NOT NULL UNIQUE,   -- SHA-256 of the article's text: one row per article
    title       TEXT NOT NULL,
    url         TEXT,
    outlet      TEXT,
    ingested_at TEXT NOT NULL,
    ingested_by TEXT NOT NULL
);

CREATE TABLE inbox_proposals (
    id          TEXT PRIMARY KEY,       -- the proposed event's id, as it will be in the log
    article     INTEGER NOT NULL REFERENCES inbox_articles (id),
    ordinal     INTEGER NOT NULL,       -- the coder's order within the article
    status      TEXT NOT NULL CHECK (status IN ('pending', 'rejected')),
    event       TEXT NOT NULL,          -- the proposal in the input format `dyad append` reads
    note        TEXT NOT NULL,
    explanation TEXT NOT NULL,
    reason      TEXT,                   -- why it was rejected
    decided_at  TEXT,
    decided_by  TEXT
);

CREATE INDEX inbox_proposals_by_article ON inbox_proposals (article, status, ordinal);
