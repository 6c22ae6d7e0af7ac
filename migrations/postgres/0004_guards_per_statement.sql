-- The append-only guards, the order checked once per statement instead of once per row: the
-- guards of 0002_guards.sql, with `events_are_appended_in_order` now an AFTER INSERT trigger FOR
-- EACH STATEMENT over the rows the statement inserted (a transition table). It checks what the
-- row trigger checked, on the statement's result: the new positions follow the last earlier one
-- without a gap, and in each stream the new versions follow its last earlier version without a
-- gap, in the order of positions. (A row trigger planned and ran two lookups per row: 90% of a
-- bulk import's time.) A duplicate position or version is refused by the unique indexes before
-- the check runs. UPDATE, DELETE and TRUNCATE stay refused. This file is the guards' definition
-- from now on: `dyad verify --repair-triggers` runs it again (every statement can run twice).
CREATE OR REPLACE FUNCTION dyad_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'dyad events are append-only: % is refused; append a correction instead', TG_OP;
END
$$;

-- The function reads `events` of the schema it was created in, whatever the writer's search_path.
-- Every lookup is a MAX that an index answers from its end, and plans are made at each call with
-- the values at hand: a plan kept for the session, generic in the positions, read the table from
-- its start (each statement slower than the last as the log grew).
CREATE OR REPLACE FUNCTION dyad_events_in_order() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT SET plan_cache_mode = force_custom_plan AS $$
DECLARE
    first_position BIGINT;
    last_position  BIGINT;
    inserted       BIGINT;
BEGIN
    SELECT MIN(position), MAX(position), COUNT(*)
    INTO first_position, last_position, inserted FROM appended;
    IF inserted = 0 THEN
        RETURN NULL;
    END IF;
    IF last_position - first_position + 1 <> inserted
       OR first_position <> (SELECT COALESCE(MAX(position), 0) + 1 FROM events
                             WHERE position < first_position)
       OR (SELECT MAX(position) FROM events) <> last_position
       OR EXISTS (
           SELECT 1
           FROM (SELECT stream, MIN(version) AS first_version, MAX(version) AS last_version,
                        COUNT(*) AS versions
                 FROM appended GROUP BY stream) s
           WHERE s.last_version - s.first_version + 1 <> s.versions
              OR s.first_version <> (SELECT COALESCE(MAX(version), 0) + 1 FROM events e
                                     WHERE e.stream = s.stream AND e.version < s.first_version)
              OR (SELECT MAX(version) FROM events e WHERE e.stream = s.stream) <> s.last_version)
       OR EXISTS (
           SELECT 1
           FROM (SELECT version - MIN(version) OVER (PARTITION BY stream)
                        - ROW_NUMBER() OVER (PARTITION BY stream ORDER BY position) AS skew
                 FROM appended) ordered
           WHERE skew <> -1) THEN
        RAISE EXCEPTION 'dyad events are append-only: an insert must be the next position and the next version of its stream';
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS events_are_never_updated ON events;
CREATE TRIGGER events_are_never_updated BEFORE UPDATE ON events
    FOR EACH ROW EXECUTE FUNCTION dyad_events_refuse_change();

DROP TRIGGER IF EXISTS events_are_never_deleted ON events;
CREATE TRIGGER events_are_never_deleted BEFORE DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION dyad_events_refuse_change();

DROP TRIGGER IF EXISTS events_are_never_truncated ON events;
CREATE TRIGGER events_are_never_truncated BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION dyad_events_refuse_change();

DROP TRIGGER IF EXISTS events_are_appended_in_order ON events;
CREATE TRIGGER events_are_appended_in_order AFTER INSERT ON events
    REFERENCING NEW TABLE AS appended
    FOR EACH STATEMENT EXECUTE FUNCTION dyad_events_in_order();
