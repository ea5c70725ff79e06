-- Places as units (issue 27): each place field of a record converted to today's
-- administrative units, with the version of the crosswalk that converted it, so that a
-- newer table changes nothing until `hoso units reconvert` re-converts and reports what
-- changed. `chosen` is the current commune a clerk chose for a split commune (the choice
-- is also in the record's history). Same shape as migrations/postgres/0007_place_units.sql.
CREATE TABLE place_units (
    record_id     TEXT NOT NULL REFERENCES records (id),
    key           TEXT NOT NULL,
    printed       TEXT NOT NULL,
    crosswalk     TEXT NOT NULL,
    units         TEXT NOT NULL,
    chosen        TEXT,
    converted_at  INTEGER NOT NULL,
    PRIMARY KEY (record_id, key)
);

-- The records whose places were converted (with a row in place_units for each place field
-- then held): new records, and records a correction changed, have none and are converted
-- by `hoso serve` within a minute.
CREATE TABLE place_records (
    record_id     TEXT PRIMARY KEY NOT NULL REFERENCES records (id),
    converted_at  INTEGER NOT NULL
);
