-- The notes table pg-notes serves. Apply once: psql -f schema.sql
CREATE TABLE IF NOT EXISTS notes (
    id    bigserial PRIMARY KEY,
    title text NOT NULL UNIQUE,
    body  text NOT NULL
);
