-- Who recorded each event: the analyst (`--as`, `$DYAD_USER`, the system user) or the owner of
-- the service's token. Events recorded before this migration have none (NULL): they read as
-- `unknown`, and their hashes, which never covered it, verify unchanged. New events carry it in
-- the hashed envelope (see src/store/chain.rs). ADD COLUMN rewrites no row.
ALTER TABLE events ADD COLUMN recorded_by TEXT;
