-- Grain state (Microsoft.Orleans.Persistence.AdoNet): one row per grain state.
--
-- Contract, as the provider uses it:
-- * Every statement gets the grain's identity as natural key parts: @ServiceId, @GrainTypeString (in
--   Orleans 7+ this is the *state name*, e.g. "session", not the grain class), @GrainIdN0/@GrainIdN1
--   (a Guid's two halves, or 0 and the integer key) and @GrainIdExtensionString (the key extension, or the
--   whole key of a string-keyed grain; NULL when there is none). It also gets @GrainIdHash and
--   @GrainTypeHash, 32-bit hashes computed by the provider's IStorageHasherPicker.
-- * The version (the grain's ETag) is an integer. A write, clear or delete names the version the grain
--   last saw as @GrainStateVersion (NULL: "I saw no row") and must return the new version as one value.
--   The provider reports InconsistentStateException when it gets no row, NULL or the version it sent:
--   that is how a stale ETag (e.g. a second activation) is refused.
--
-- Identity is the natural key, not the hashes: hashes collide, and the default hasher has changed between
-- Orleans versions before (3.x Jenkins, 7+ StableHash); a row found by hash would be lost to a new hasher.
-- The hashes are recorded as Orleans computed them, nothing more.
-- "No key extension" is stored as '' rather than NULL so that a plain primary key covers it (NULLs would
-- never conflict) and every lookup can use that index. Orleans never creates an empty extension.

CREATE TABLE IF NOT EXISTS orleans_grain_state
(
    service_id      text    NOT NULL,
    grain_type      text    NOT NULL,
    grain_id_n0     bigint  NOT NULL,
    grain_id_n1     bigint  NOT NULL,
    grain_id_ext    text    NOT NULL,
    grain_id_hash   integer NOT NULL,
    grain_type_hash integer NOT NULL,
    payload         bytea,               -- NULL after ClearState: the row and its version live on
    version         integer NOT NULL,
    modified_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext)
);

INSERT INTO OrleansQuery (QueryKey, QueryText) VALUES
('ReadFromStorageKey', $q$
    SELECT payload AS "PayloadBinary", version AS "Version"
    FROM orleans_grain_state
    WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_id_ext = coalesce(@GrainIdExtensionString, '')
$q$),
-- With a version: update that version only. Without: insert, unless a row exists (then nothing comes
-- back and the provider reports the conflict). Concurrent first writes meet at the primary key.
('WriteToStorageKey', $q$
    WITH updated AS (
        UPDATE orleans_grain_state
        SET payload = @PayloadBinary, version = version + 1, modified_at = now(),
            grain_id_hash = @GrainIdHash, grain_type_hash = @GrainTypeHash
        WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
          AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
          AND grain_id_ext = coalesce(@GrainIdExtensionString, '')
          AND version = @GrainStateVersion
        RETURNING version),
    inserted AS (
        INSERT INTO orleans_grain_state
            (service_id, grain_type, grain_id_n0, grain_id_n1, grain_id_ext, grain_id_hash, grain_type_hash, payload, version)
        SELECT @ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1, coalesce(@GrainIdExtensionString, ''),
               @GrainIdHash, @GrainTypeHash, @PayloadBinary, 1
        WHERE @GrainStateVersion IS NULL
        ON CONFLICT DO NOTHING
        RETURNING version)
    SELECT version AS "NewGrainStateVersion" FROM updated
    UNION ALL
    SELECT version FROM inserted
$q$),
-- ClearState without DeleteStateOnClear: drop the payload, keep the row so the version keeps counting.
('ClearStorageKey', $q$
    UPDATE orleans_grain_state
    SET payload = NULL, version = version + 1, modified_at = now()
    WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_id_ext = coalesce(@GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version AS "NewGrainStateVersion"
$q$),
-- ClearState with DeleteStateOnClear: remove the row. The provider still wants a version different
-- from the one it sent as proof of success, so return the next one (the grain's ETag becomes NULL).
('DeleteStorageKey', $q$
    DELETE FROM orleans_grain_state
    WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
      AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
      AND grain_id_ext = coalesce(@GrainIdExtensionString, '')
      AND version = @GrainStateVersion
    RETURNING version + 1 AS "NewGrainStateVersion"
$q$)
ON CONFLICT (QueryKey) DO UPDATE SET QueryText = EXCLUDED.QueryText;
