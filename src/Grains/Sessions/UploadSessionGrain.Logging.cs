using System.Collections;
using Microsoft.Extensions.Logging;

namespace Orleans.Uploads.Grains.Sessions;

/// <summary>
/// Every log line written during a call to a session (by the grain, its store, its quota and scan calls) carries the
/// upload's id, project and protocol in its scope, so an operator filters one upload's story out of a busy silo's log.
/// A grain-level call filter opens the scope around each call; the scope reads the session's state when a line is
/// written, not when the call starts, so the initiating call's own lines already show the project and protocol it set.
/// </summary>
public sealed partial class UploadSessionGrain : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        // Reentrant calls interleave on this activation: the scope flows with each call's own async context, not the thread.
        using (_logger.BeginScope(new SessionLogScope(this)))
        {
            await context.Invoke();
        }
    }

    /// <summary>The scope's fields, read when a logger enumerates them (structured providers) or prints them (simple ones).</summary>
    private sealed class SessionLogScope(UploadSessionGrain session) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => 3;

        public KeyValuePair<string, object?> this[int index] => index switch
        {
            0 => new("UploadId", session.UploadId),
            1 => new("ProjectId", session._state.ProjectId),
            2 => new("Protocol", session._state.Protocol.Name()),
            _ => throw new ArgumentOutOfRangeException(nameof(index)),
        };

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++)
            {
                yield return this[i];
            }
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() =>
            $"UploadId:{session.UploadId:N} ProjectId:{session._state.ProjectId ?? "-"} Protocol:{session._state.Protocol.Name()}";
    }
}
