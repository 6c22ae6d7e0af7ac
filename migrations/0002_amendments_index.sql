-- Corrections and retractions are read before the reports they amend: find them without a scan.
CREATE INDEX events_by_stream_kind ON events (stream, kind, position);
