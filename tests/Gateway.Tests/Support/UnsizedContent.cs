using System.Net;
using System.Net.Http.Headers;

namespace Orleans.Uploads.Gateway.Tests.Support;

/// <summary>
/// A request body that does not say its length, so it travels chunked and the server learns its end only by reading
/// it; optionally held open after its last byte until the test ends it, so a test can act between the two.
/// </summary>
public sealed class UnsizedContent : HttpContent
{
    private readonly byte[] _bytes;
    private readonly TaskCompletionSource _sent = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _end = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public UnsizedContent(byte[] bytes, string contentType, bool holdBeforeEnd = false)
    {
        _bytes = bytes;
        Headers.ContentType = new MediaTypeHeaderValue(contentType);
        if (!holdBeforeEnd)
        {
            _end.SetResult();
        }
    }

    /// <summary>Completes once every byte has been written and flushed (the end may still be held back).</summary>
    public Task Sent => _sent.Task;

    public void End() => _end.TrySetResult();

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
    {
        await stream.WriteAsync(_bytes);
        await stream.FlushAsync();
        _sent.TrySetResult();
        await _end.Task;
    }

    protected override bool TryComputeLength(out long length)
    {
        length = 0;
        return false;
    }
}
