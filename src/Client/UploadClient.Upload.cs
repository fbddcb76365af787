// Why this file exists: the upload itself. A plan first (resume the upload the store remembers for this file, or hash
// the file and initiate a new one), then only the chunks the server is missing, N at once, each read into a pooled
// buffer, hashed (X-Chunk-Hash) and sent, then complete.
// Hazard: a chunk's buffer goes back to the pool only after its request is disposed, so the handler (or a retry) can
// never read a buffer another chunk already reuses. At most Parallelism buffers exist: memory does not grow with the file.

using System.Buffers;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Orleans.Uploads.Client.Api;
using Orleans.Uploads.Client.Chunks;
using Orleans.Uploads.Client.Errors;
using Orleans.Uploads.Client.Resume;

namespace Orleans.Uploads.Client;

public sealed partial class UploadClient
{
    /// <summary>
    /// Uploads a file: resumes this file's unfinished upload when the resume store knows one (sending only missing
    /// chunks), else hashes it and starts one. Cancel the token to stop; a later call with the same file resumes.
    /// </summary>
    public async Task<UploadResult> UploadFileAsync(
        string path, UploadOptions? options = null, IProgress<UploadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        options ??= new UploadOptions();
        var identity = _resume is not null && options.Resume && options.UploadId is null ? await FileIdentity.OfAsync(path, cancellationToken) : null;
        await using var source = new FileChunkSource(path);
        return await UploadAsync(source, options.Filename ?? Path.GetFileName(path), options, identity, progress, cancellationToken);
    }

    /// <summary>Uploads a readable, seekable stream (never kept in memory: chunks are read at their offsets). No resume store.</summary>
    public async Task<UploadResult> UploadAsync(
        Stream stream, string filename, UploadOptions? options = null, IProgress<UploadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        await using var source = new StreamChunkSource(stream);
        return await UploadAsync(source, options?.Filename ?? filename, options ?? new UploadOptions(), null, progress, cancellationToken);
    }

    private async Task<UploadResult> UploadAsync(
        ChunkSource source, string filename, UploadOptions options, FileIdentity? identity, IProgress<UploadProgress>? progress, CancellationToken cancellationToken)
    {
        var length = source.Length;
        var plan = await PlanAsync(source, filename, length, options, identity, progress, cancellationToken);
        var sent = await SendChunksAsync(source, filename, length, plan, options.Parallelism ?? _options.Parallelism, progress, cancellationToken);

        progress?.Report(new UploadProgress(filename, UploadPhase.Completing, length, length, plan.TotalChunks, plan.TotalChunks, 0, TimeSpan.Zero, plan.UploadId));
        VideoInfo video;
        try
        {
            video = await CompleteAsync(plan.UploadId, plan.UploadToken, cancellationToken);
        }
        catch (UploadRefusedException)
        {
            // file_hash_mismatch, cancelled, expired: this upload cannot be resumed into anything good.
            _resume?.Forget(plan.UploadId);
            throw;
        }

        _resume?.Forget(plan.UploadId);
        progress?.Report(new UploadProgress(filename, UploadPhase.Done, length, length, plan.TotalChunks, plan.TotalChunks, 0, TimeSpan.Zero, plan.UploadId));
        return new UploadResult(
            plan.UploadId, video, plan.FileHash ?? video.FileHash ?? "", plan.Resumed, plan.TotalChunks, sent.Chunks, plan.TotalChunks - plan.Missing.Length, sent.AlreadyStored);
    }

    private async Task<UploadPlan> PlanAsync(
        ChunkSource source, string filename, long length, UploadOptions options, FileIdentity? identity, IProgress<UploadProgress>? progress, CancellationToken cancellationToken)
    {
        if (options.UploadId is { } given)
        {
            var token = UploadToken(options.UploadToken);
            var status = await GetJsonAsync<UploadStatusInfo>($"/api/uploads/{given}", token, cancellationToken);
            if (status.TotalSize is { } size && size != length)
            {
                throw new ArgumentException($"upload {given} expects {size} bytes; this content has {length}", nameof(options));
            }

            return new UploadPlan(given, token, status.ChunkSize, status.TotalChunks, status.FileHash, status.MissingChunks, Resumed: true);
        }

        var server = _http.BaseAddress?.ToString() ?? "";
        if (identity is not null && _resume?.Find(identity, server, options.ProjectId) is { } entry && await ResumableAsync(entry, cancellationToken) is { } missing)
        {
            return new UploadPlan(entry.UploadId, entry.UploadToken, entry.ChunkSize, ChunkCount(length, entry.ChunkSize), entry.FileHash, missing, Resumed: true);
        }

        var fileHash = await FileHasher.Sha256Async(source, length, hashed =>
            progress?.Report(new UploadProgress(filename, UploadPhase.Hashing, hashed, length, 0, 0, 0, null)), cancellationToken);
        using var request = NewRequest(HttpMethod.Post, "/api/uploads/initiate", null);
        request.Content = System.Net.Http.Json.JsonContent.Create(
            new InitiateRequest(filename, length, options.ProjectId, options.ChunkSize, fileHash, options.Metadata), options: ApiJson.Options);
        var upload = await SendJsonAsync<InitiatedUpload>(request, cancellationToken);
        if (identity is not null)
        {
            _resume?.Save(new ResumeEntry(identity, server, options.ProjectId, upload.UploadId, upload.UploadToken, upload.ChunkSize, fileHash, DateTimeOffset.UtcNow));
        }

        return new UploadPlan(upload.UploadId, upload.UploadToken, upload.ChunkSize, upload.TotalChunks, fileHash, [.. Enumerable.Range(0, upload.TotalChunks)], Resumed: false);
    }

    /// <summary>The chunks the server still needs for a remembered upload; null (and forgotten) when it is gone or ended.</summary>
    private async Task<int[]?> ResumableAsync(ResumeEntry entry, CancellationToken cancellationToken)
    {
        try
        {
            var status = await GetJsonAsync<UploadStatusInfo>($"/api/uploads/{entry.UploadId}", entry.UploadToken, cancellationToken);
            if (status.IsOpen || status.Status == "completed")
            {
                return status.Status == "completed" ? [] : status.MissingChunks;
            }
        }
        catch (UploadClientException ex) when (ex is UploadRefusedException || ex.Status is 401)
        {
            // 404/410: expired, cancelled or never seen by this server; 401: its token expired. Start again.
        }

        _resume?.Forget(entry.UploadId);
        return null;
    }

    private async Task<(int Chunks, int AlreadyStored)> SendChunksAsync(
        ChunkSource source, string filename, long length, UploadPlan plan, int parallelism, IProgress<UploadProgress>? progress, CancellationToken cancellationToken)
    {
        var missingBytes = plan.Missing.Sum(n => (long)LengthOf(n, plan.ChunkSize, length));
        var storedBytes = length - missingBytes;
        var completed = plan.TotalChunks - plan.Missing.Length;
        long sentBytes = 0;
        int sentChunks = 0, alreadyStored = 0;
        var clock = Stopwatch.StartNew();
        var gate = new Lock();
        progress?.Report(new UploadProgress(filename, UploadPhase.Uploading, storedBytes, length, completed, plan.TotalChunks, 0, null, plan.UploadId));

        await Parallel.ForEachAsync(
            plan.Missing,
            new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, parallelism), CancellationToken = cancellationToken },
            async (chunk, token) =>
            {
                var receipt = await SendChunkAsync(source, plan, chunk, LengthOf(chunk, plan.ChunkSize, length), token);
                lock (gate)
                {
                    var chunkLength = LengthOf(chunk, plan.ChunkSize, length);
                    sentBytes += chunkLength;
                    storedBytes += chunkLength;
                    sentChunks++;
                    completed++;
                    alreadyStored += receipt.AlreadyStored ? 1 : 0;
                    var speed = sentBytes / Math.Max(clock.Elapsed.TotalSeconds, 0.001);
                    progress?.Report(new UploadProgress(
                        filename, UploadPhase.Uploading, storedBytes, length, completed, plan.TotalChunks, speed, TimeSpan.FromSeconds((length - storedBytes) / Math.Max(speed, 1)), plan.UploadId));
                }
            });
        return (sentChunks, alreadyStored);
    }

    private async Task<ChunkReceipt> SendChunkAsync(ChunkSource source, UploadPlan plan, int chunk, int length, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var bytes = buffer.AsMemory(0, length);
            await source.ReadExactlyAsync((long)chunk * plan.ChunkSize, bytes, cancellationToken);
            var request = NewRequest(HttpMethod.Put, $"/api/uploads/{plan.UploadId}/chunks/{chunk}", plan.UploadToken);
            request.Headers.TryAddWithoutValidation(ChunkHashHeader, Convert.ToHexStringLower(SHA256.HashData(bytes.Span)));
            request.Content = new ReadOnlyMemoryContent(bytes);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

            // SendJsonAsync disposes the request (and its content) before the buffer goes back to the pool.
            return await SendJsonAsync<ChunkReceipt>(request, cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static int ChunkCount(long length, int chunkSize) => (int)((length + chunkSize - 1) / chunkSize);

    private static int LengthOf(int chunk, int chunkSize, long length) => (int)Math.Min(chunkSize, length - ((long)chunk * chunkSize));

    /// <summary>What one upload run sends: into which upload, with which token, and which chunks.</summary>
    private sealed record UploadPlan(Guid UploadId, string? UploadToken, int ChunkSize, int TotalChunks, string? FileHash, int[] Missing, bool Resumed);
}
