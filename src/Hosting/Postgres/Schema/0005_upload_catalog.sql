-- The seed's tables (video-upload-integration-guide.md, "Step 3: Database Schema Updates") for the rest of a platform to
-- query: a projection of grain state written by the grains after their durable writes (src/Grains/Catalog), rebuildable
-- from that state with `rebuild-tables`. Grain state stays the source of truth.
--
-- Beyond the seed's columns: protocol (seed, tus, legacy, unknown), revision (the session state's write counter: an
-- upsert only replaces a row of lower or equal revision, so a replayed older write never wins) and the videos table's
-- columns of the video records. No foreign keys: the rows of one upload may reach the database from different silos in
-- any order (a video row before its session's), and each converges on its own.

CREATE TABLE IF NOT EXISTS upload_sessions
(
    id                uuid PRIMARY KEY,
    filename          text        NOT NULL,
    original_filename text        NOT NULL,
    total_size        bigint,
    uploaded_size     bigint      NOT NULL DEFAULT 0,
    status            text        NOT NULL,
    created_at        timestamptz NOT NULL,
    completed_at      timestamptz,
    project_id        text,
    file_hash         text,
    metadata          jsonb,
    protocol          text        NOT NULL,
    revision          bigint      NOT NULL
);

CREATE INDEX IF NOT EXISTS upload_sessions_by_project ON upload_sessions (project_id, created_at, id);
CREATE INDEX IF NOT EXISTS upload_sessions_by_status ON upload_sessions (status);

CREATE TABLE IF NOT EXISTS upload_chunks
(
    upload_session_id uuid        NOT NULL,
    chunk_number      integer     NOT NULL,
    size              bigint      NOT NULL,
    status            text        NOT NULL,
    hash              text,
    uploaded_at       timestamptz NOT NULL,
    retry_count       integer     NOT NULL DEFAULT 0,
    PRIMARY KEY (upload_session_id, chunk_number)
);

CREATE TABLE IF NOT EXISTS videos
(
    id                uuid PRIMARY KEY,
    upload_session_id uuid        NOT NULL,
    project_id        text        NOT NULL,
    filename          text        NOT NULL,
    original_filename text        NOT NULL,
    size              bigint      NOT NULL,
    status            text        NOT NULL,
    created_at        timestamptz NOT NULL,
    file_hash         text,
    metadata          jsonb,
    scan_status       text        NOT NULL
);

-- The listing: a project's videos by (created_at, id), keyset-paged.
CREATE INDEX IF NOT EXISTS videos_by_project ON videos (project_id, created_at, id);
CREATE INDEX IF NOT EXISTS videos_by_upload ON videos (upload_session_id);
