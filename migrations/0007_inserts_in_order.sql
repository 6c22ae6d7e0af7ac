-- The database itself refuses any insert that is not the log's next event, whichever client
-- writes. `INSERT OR REPLACE` resolves a conflict by deleting the old row without firing the
-- delete trigger, so the unique constraints alone let a row be replaced: these triggers run
-- before any conflict is resolved. An insert must take the next position and the next version
-- of its stream, and an id already recorded is refused (the message names `events.id`, as the
-- unique constraint's does: the store reads it as an id already recorded). Each check is one
-- seek in an index the table already has.
CREATE TRIGGER events_are_appended_in_order BEFORE INSERT ON events
WHEN NEW.position IS NOT (SELECT COALESCE(MAX(position), 0) + 1 FROM events)
  OR NEW.version IS NOT (SELECT COALESCE(MAX(version), 0) + 1 FROM events WHERE stream = NEW.stream)
BEGIN
    SELECT RAISE(ABORT, 'dyad events are append-only: an insert must be the next position and the next version of its stream');
END;

CREATE TRIGGER events_ids_are_never_reused BEFORE INSERT ON events
WHEN EXISTS (SELECT 1 FROM events WHERE id = NEW.id)
BEGIN
    SELECT RAISE(ABORT, 'dyad events are append-only: events.id is already recorded');
END;
