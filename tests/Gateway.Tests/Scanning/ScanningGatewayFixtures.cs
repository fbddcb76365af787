using System.Globalization;
using Orleans.Uploads.Gateway.Tests.Support;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Gateway.Tests.Scanning;

/// <summary>
/// A gateway that scans finished videos with a private clamd (see <see cref="ClamdServer"/>), retrying quickly: attempts a
/// second apart. Derived fixtures choose whether clamd runs from the start and how many attempts a scan gets.
/// </summary>
public abstract class ClamAvGatewayFixture : GatewayFixture, IAsyncLifetime
{
    /// <summary>clamd's own StreamMaxLength: what it takes before cutting a stream off.</summary>
    public const long ClamdStreamMaxLength = 1024 * 1024;

    /// <summary>Scanning:ClamAv:MaxStreamLength, larger than clamd's on purpose, so both limits can be met.</summary>
    public const long ConfiguredMaxStreamLength = 2 * 1024 * 1024;

    public ClamdServer Clamd { get; private set; } = null!;

    protected abstract bool StartClamd { get; }

    protected abstract int MaxAttempts { get; }

    public new async Task InitializeAsync()
    {
        Clamd = ClamdServer.Create(ClamdStreamMaxLength);
        if (StartClamd)
        {
            await Clamd.StartAsync();
        }

        await base.InitializeAsync();
    }

    public new async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Clamd.DisposeAsync();
    }

    protected override IEnumerable<KeyValuePair<string, string>> ExtraSettings() =>
    [
        new("Scanning:Mode", "ClamAv"),
        new("Scanning:ClamAv:Host", "127.0.0.1"),
        new("Scanning:ClamAv:Port", Clamd.Port.ToString(CultureInfo.InvariantCulture)),
        new("Scanning:ClamAv:MaxStreamLength", ConfiguredMaxStreamLength.ToString(CultureInfo.InvariantCulture)),
        new("Scanning:ClamAv:Timeout", "00:00:30"),
        new("Scanning:AttemptInterval", "00:00:01"),
        new("Scanning:RetriesPerAttempt", "1"),
        new("Scanning:RetryDelay", "00:00:00.050"),
        new("Scanning:MaxAttempts", MaxAttempts.ToString(CultureInfo.InvariantCulture)),
    ];
}

/// <summary>clamd runs throughout.</summary>
public sealed class RunningClamdGatewayFixture : ClamAvGatewayFixture
{
    protected override bool StartClamd => true;

    protected override int MaxAttempts => 3;
}

/// <summary>clamd is down until a test starts it; scans keep trying meanwhile.</summary>
public sealed class LateClamdGatewayFixture : ClamAvGatewayFixture
{
    protected override bool StartClamd => false;

    protected override int MaxAttempts => 1000;
}

/// <summary>clamd never runs; a scan gives up after two attempts.</summary>
public sealed class AbsentClamdGatewayFixture : ClamAvGatewayFixture
{
    public const int Attempts = 2;

    protected override bool StartClamd => false;

    protected override int MaxAttempts => Attempts;
}
