namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// One piece of a request body on its way into an append-mode upload. The request picks its lease id; its first
/// piece says where the client believes the upload stands (<see cref="Offset"/>), which opens the lease.
/// </summary>
[GenerateSerializer, Immutable, Alias("uploads.AppendPiece")]
public sealed record AppendPiece
{
    /// <summary>The request's lease: chosen by the request, superseded by any later request's first piece.</summary>
    [Id(0)] public required Guid Lease { get; init; }

    /// <summary>Set on a request's first piece only: the offset it writes at, which must be the stored length.</summary>
    [Id(1)] public long? Offset { get; init; }

    /// <summary>First piece: the whole body's length when the request declared it; refused up front if it overruns the upload.</summary>
    [Id(2)] public long? BodyLength { get; init; }

    /// <summary>First piece: a total size declared with this request (tus creation-defer-length), set before any byte is written.</summary>
    [Id(3)] public long? DeclaredLength { get; init; }

    /// <summary>Makes this piece and the lease's earlier uncommitted ones durable.</summary>
    [Id(4)] public bool Commit { get; init; }

    /// <summary>Nothing follows in this request: the lease ends after this piece, and its uncommitted bytes are dropped.</summary>
    [Id(5)] public bool Last { get; init; }
}

/// <summary>After a piece: the durable length, how far the lease has written (more, while uncommitted), and when the upload expires.</summary>
[GenerateSerializer, Immutable, Alias("uploads.AppendProgress")]
public sealed record AppendProgress(
    [property: Id(0)] long DurableOffset,
    [property: Id(1)] long Position,
    [property: Id(2)] UploadStatus Status,
    [property: Id(3)] DateTimeOffset ExpiresAt);
