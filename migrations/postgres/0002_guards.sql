-- The append-only guards, whichever client writes: UPDATE, DELETE and TRUNCATE are refused, and
-- an insert must be the log's next position and its stream's next version. The store refuses to
-- append while any of them is missing or changed, and `dyad verify --repair-triggers` runs this
-- file again to restore them (so every statement here can run twice).
CREATE OR REPLACE FUNCTION dyad_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'dyad events are append-only: % is refused; append a correction instead', TG_OP;
END
$$;

-- The function reads `events` of the schema it was created in, whatever the writer's search_path.
-- Its queries are planned at each call: a plan kept for the session is often made while the
-- table is still empty, when every index looks alike, and one that reads the stream's whole
-- (stream, occurred_on) index made a bulk insert quadratic.
CREATE OR REPLACE FUNCTION dyad_events_in_order() RETURNS trigger LANGUAGE plpgsql
SET search_path FROM CURRENT SET plan_cache_mode = force_custom_plan AS $$
BEGIN
    IF NEW.position IS DISTINCT FROM (SELECT COALESCE(MAX(position), 0) + 1 FROM events)
       OR NEW.version IS DISTINCT FROM
          (SELECT COALESCE(MAX(version), 0) + 1 FROM events WHERE stream = NEW.stream) THEN
        RAISE EXCEPTION 'dyad events are append-only: an insert must be the next position and the next version of its stream';
    END IF;
    RETURN NEW;
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
CREATE TRIGGER events_are_appended_in_order BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION dyad_events_in_order();
