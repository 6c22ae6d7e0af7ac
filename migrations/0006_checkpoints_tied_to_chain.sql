-- A checkpoint is tied to the chain it was folded from: `head_hash` is the hash of the event at
-- its `position` (a row copied from another log, or left over from a log rewritten below it, no
-- longer matches), and `digest` is the SHA-256 of its own bytes (see src/store/chain.rs), so a
-- state edited in place is caught. Both are checked before a checkpoint is used and by
-- `dyad verify`. The rows written before this migration carry neither: they are a cache, so they
-- are dropped, and no answer changes.
DELETE FROM checkpoints;
ALTER TABLE checkpoints ADD COLUMN head_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE checkpoints ADD COLUMN digest TEXT NOT NULL DEFAULT '';
