using System.Diagnostics.Metrics;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Grains.Telemetry;

/// <summary>
/// The <c>uploads.sessions.active</c> instrument's numbers: sessions open for bytes whose activation lives in this process.
/// An observed count of live activations, not an up-down counter of starts and ends: a silo that restarts, or a session
/// that moves to another silo, would leave an up-down counter's +1 on one process and its -1 on another, so the sum over
/// silos would drift (negative after a crash). Here each session is counted by the one process that holds its single
/// activation, added at a durable write that leaves it open and removed when it ends or is deactivated, so the sum over
/// silos is right at every scrape. A session re-activated and only read is counted from its next write.
/// </summary>
public sealed class ActiveSessions
{
    private readonly long[] _byProtocol = new long[Enum.GetValues<UploadProtocol>().Max(p => (int)p) + 1];

    public void Add(UploadProtocol protocol) => Interlocked.Increment(ref _byProtocol[Index(protocol)]);

    public void Remove(UploadProtocol protocol) => Interlocked.Decrement(ref _byProtocol[Index(protocol)]);

    internal IEnumerable<Measurement<long>> Observe() =>
        Enum.GetValues<UploadProtocol>().Select(protocol => new Measurement<long>(
            Interlocked.Read(ref _byProtocol[Index(protocol)]), new KeyValuePair<string, object?>(UploadMetrics.ProtocolTag, protocol.Name())));

    private int Index(UploadProtocol protocol) => (int)protocol is var index && index >= 0 && index < _byProtocol.Length ? index : 0;
}
