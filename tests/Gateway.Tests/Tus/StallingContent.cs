using System.Net;
using System.Net.Http.Headers;

namespace Orleans.Uploads.Gateway.Tests.Tus;

/// <summary>
/// A PATCH body that sends its first <c>stallAt</c> bytes, then stops until <see cref="Release"/>: a client whose
/// connection hangs mid-request, deterministically. Released, it sends the rest.
/// </summary>
public sealed class StallingContent : HttpContent
{
    private readonly byte[] _bytes;
    private readonly int _stallAt;
    private readonly TaskCompletionSource _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StallingContent(byte[] bytes, int stallAt)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stallAt);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(stallAt, bytes.Length);
        _bytes = bytes;
        _stallAt = stallAt;
        Headers.ContentType = new MediaTypeHeaderValue(TusClient.OffsetOctetStream);
    }

    /// <summary>Completes once the first part of the body has been written and flushed.</summary>
    public Task Stalled => _stalled.Task;

    public void Release() => _release.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(_bytes.AsMemory(0, _stallAt));
        await stream.FlushAsync();
        _stalled.TrySetResult();
        await _release.Task;
        await stream.WriteAsync(_bytes.AsMemory(_stallAt));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _bytes.Length;
        return true;
    }
}
