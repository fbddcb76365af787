// Why this file exists: what a finished upload hands back, including how much of it this run actually sent.

using Orleans.Uploads.Client.Api;

namespace Orleans.Uploads.Client;

/// <summary>
/// A finished upload: its video record, and what this run did. <see cref="ChunksSent"/> counts chunks sent now;
/// <see cref="ChunksSkipped"/> those the server already held (a resumed upload); <see cref="ChunksAlreadyStored"/> sent
/// chunks the server answered <c>alreadyStored</c> (it had them after all).
/// </summary>
public sealed record UploadResult(
    Guid UploadId, VideoInfo Video, string FileHash, bool Resumed, int TotalChunks, int ChunksSent, int ChunksSkipped, int ChunksAlreadyStored);
