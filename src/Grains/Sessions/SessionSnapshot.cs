namespace Orleans.Uploads.Grains.Sessions;

/// <summary>How a session's stored state reads to clients: progress, speed, what is missing, when it expires.</summary>
public static class SessionSnapshot
{
    public static UploadSnapshot Of(Guid uploadId, UploadSessionState state, TimeSpan uploadTimeout, DateTimeOffset now)
    {
        var uploaded = state.UploadedBytes;
        var speed = UploadSpeed(state, uploaded, now);
        var layout = state.Layout;
        double? remaining = state.Status switch
        {
            UploadStatus.Completed => 0,
            _ when state.Status.AcceptsBytes() && speed > 0 && layout is { } known => (known.TotalSize - uploaded) / speed,
            _ => null,
        };
        return new UploadSnapshot
        {
            UploadId = uploadId,
            Filename = state.Filename,
            ProjectId = ProjectIds.OrDefault(state.ProjectId),
            TotalSize = state.TotalSize,
            ChunkSize = state.ChunkSize,
            TotalChunks = layout?.TotalChunks ?? 0,
            CompletedChunks = state.CompletedChunks,
            UploadedBytes = uploaded,
            Status = state.Status,
            MissingChunks = state.Status.AcceptsBytes() ? state.MissingChunks() : [],
            FailedChunks = [.. state.ChunkRetries.Keys.Where(state.IsMissing).Order()],
            UploadSpeed = Math.Round(speed, 1),
            EstimatedTimeRemaining = remaining is { } seconds ? Math.Round(seconds, 1) : null,
            CreatedAt = state.CreatedAt,
            LastActivityAt = state.LastActivityAt,
            ExpiresAt = state.LastActivityAt + uploadTimeout,
            CompletedAt = state.CompletedAt,
            FileHash = state.FileHash,
            MetadataJson = state.MetadataJson,
            Mode = state.Mode,
            FailureReason = state.FailureReason,
            ChunkRetries = state.TotalRetries,
            Kind = state.Kind,
            Parts = state.Parts,
        };
    }

    /// <summary>Bytes per second from the first stored byte to the last activity (or now, while the upload is open).</summary>
    private static double UploadSpeed(UploadSessionState state, long uploaded, DateTimeOffset now)
    {
        if (state.FirstByteAt is not { } first || uploaded == 0)
        {
            return 0;
        }

        var end = state.Status.AcceptsBytes() ? now : state.LastActivityAt;
        return uploaded / Math.Max((end - first).TotalSeconds, 0.001);
    }
}
