-- Reminders (Microsoft.Orleans.Reminders.AdoNet): durable, periodic grain wake-ups.
--
-- Contract, as the provider uses it:
-- * A reminder is identified by (@ServiceId, @GrainId, @ReminderName); its version is its ETag. An upsert
--   always wins and returns the new version as "Version"; a delete only removes the version it names and
--   returns one boolean.
-- * Each silo reads the reminders of its part of the hash ring. @GrainHash, @BeginHash and @EndHash are
--   unsigned 32-bit hashes sent as signed integers; the range is (begin, end]. The provider picks
--   ReadRangeRows1Key when begin < end in signed order and ReadRangeRows2Key (the range wraps) otherwise,
--   so plain signed comparisons below are right for every range, including a full ring (begin = end).
-- * @Period is milliseconds, as int or bigint depending on its size; it is read back with GetInt64.

CREATE TABLE IF NOT EXISTS orleans_reminders
(
    service_id    text    NOT NULL,
    grain_id      text    NOT NULL,
    reminder_name text    NOT NULL,
    start_time    timestamptz NOT NULL,
    period_ms     bigint  NOT NULL,
    grain_hash    integer NOT NULL,
    version       integer NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX IF NOT EXISTS orleans_reminders_ring ON orleans_reminders (service_id, grain_hash);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('UpsertReminderRowKey', $q$
    INSERT INTO orleans_reminders (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
    VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, @Period, @GrainHash, 0)
    ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
    SET start_time = EXCLUDED.start_time, period_ms = EXCLUDED.period_ms, grain_hash = EXCLUDED.grain_hash,
        version = orleans_reminders.version + 1
    RETURNING version AS "Version"
$q$),
('ReadReminderRowKey', $q$
    SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           period_ms AS "Period", version AS "Version"
    FROM orleans_reminders
    WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
$q$),
('ReadReminderRowsKey', $q$
    SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           period_ms AS "Period", version AS "Version"
    FROM orleans_reminders
    WHERE service_id = @ServiceId AND grain_id = @GrainId
$q$),
('ReadRangeRows1Key', $q$
    SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           period_ms AS "Period", version AS "Version"
    FROM orleans_reminders
    WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash
$q$),
('ReadRangeRows2Key', $q$
    SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           period_ms AS "Period", version AS "Version"
    FROM orleans_reminders
    WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)
$q$),
('DeleteReminderRowKey', $q$
    WITH deleted AS (
        DELETE FROM orleans_reminders
        WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
          AND version = @Version
        RETURNING 1)
    SELECT EXISTS (SELECT 1 FROM deleted) AS "Deleted"
$q$),
('DeleteReminderRowsKey', $q$
    DELETE FROM orleans_reminders WHERE service_id = @ServiceId
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
