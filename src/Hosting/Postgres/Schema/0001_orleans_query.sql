-- The Orleans ADO.NET providers (clustering, grain storage, reminders) ship no SQL of their own: at
-- start-up each reads the statements it will run from this table, by key, with exactly
--     SELECT QueryKey, QueryText FROM OrleansQuery
-- The names are unquoted there, so PostgreSQL folds them to lower case: this table must be created
-- unquoted too. The later migrations fill it; each provider checks at start-up that its keys are here.
CREATE TABLE IF NOT EXISTS OrleansQuery
(
    QueryKey  text PRIMARY KEY,
    QueryText text NOT NULL
);
