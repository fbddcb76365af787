using System.Net;

namespace Orleans.Uploads.TestSupport;

/// <summary>
/// A request body that sends its first <c>pauseAt</c> bytes, then stops until <see cref="Resume"/>:
/// a chunk caught half-way over the wire when a server dies, or a client whose connection hangs mid-request.
/// </summary>
public sealed class PausingContent : HttpContent
{
    private readonly byte[] _bytes;
    private readonly int _pauseAt;
    private readonly TaskCompletionSource _paused = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _resume = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public PausingContent(byte[] bytes, int pauseAt, string contentType = "application/octet-stream")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pauseAt);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(pauseAt, bytes.Length);
        _bytes = bytes;
        _pauseAt = pauseAt;
        Headers.ContentType = new(contentType);
    }

    /// <summary>Completes once the first part of the body has been written and flushed to the connection.</summary>
    public Task Paused => _paused.Task;

    public void Resume() => _resume.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(_bytes.AsMemory(0, _pauseAt));
        await stream.FlushAsync();
        _paused.TrySetResult();
        await _resume.Task;
        await stream.WriteAsync(_bytes.AsMemory(_pauseAt));
    }

    protected override bool TryComputeLength(out long length)
    {
        length = _bytes.Length;
        return true;
    }
}
