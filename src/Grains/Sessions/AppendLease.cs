namespace Orleans.Uploads.Grains.Sessions;

/// <summary>The right to append to an upload, from <see cref="Offset"/> on, until a newer lease replaces it.</summary>
[GenerateSerializer, Immutable, Alias("uploads.AppendLease")]
public sealed record AppendLease([property: Id(0)] Guid Id, [property: Id(1)] long Offset, [property: Id(2)] long? TotalSize);

/// <summary>After an append: the durable length, and how far the lease has written (more, while uncommitted).</summary>
[GenerateSerializer, Immutable, Alias("uploads.AppendProgress")]
public sealed record AppendProgress([property: Id(0)] long DurableOffset, [property: Id(1)] long Position, [property: Id(2)] UploadStatus Status);

/// <summary>What a final (concatenated) upload needs to know of one of its parts.</summary>
[GenerateSerializer, Immutable, Alias("uploads.PartInfo")]
public sealed record PartInfo([property: Id(0)] bool IsUsable, [property: Id(1)] long Size, [property: Id(2)] string Reason);

/// <summary>tus concatenation: a partial upload is one piece of a final upload, which is assembled from its parts.</summary>
[GenerateSerializer, Alias("uploads.UploadKind")]
public enum UploadKind
{
    Whole = 0,
    Partial = 1,
    Final = 2,
}
