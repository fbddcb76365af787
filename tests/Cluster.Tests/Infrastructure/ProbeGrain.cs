using Orleans.Runtime;
using Orleans.Uploads.Grains;

namespace Orleans.Uploads.Cluster.Tests.Infrastructure;

/// <summary>A tiny grain whose state lives in the ADO.NET grain storage and that counts its reminder's ticks there.</summary>
[Alias("cluster-tests.IProbeGrain")]
public interface IProbeGrain : IGrainWithGuidKey
{
    [Alias("Save")]
    Task SaveAsync(string value);

    [Alias("Read")]
    Task<ProbeSnapshot> ReadAsync();

    [Alias("Clear")]
    Task ClearAsync();

    [Alias("Deactivate")]
    Task DeactivateAsync();

    [Alias("StartTicking")]
    Task StartTickingAsync(string reminder, TimeSpan period);

    [Alias("StopTicking")]
    Task StopTickingAsync(string reminder);
}

/// <summary>Stored with System.Text.Json by the grain storage.</summary>
public sealed class ProbeState
{
    public string? Value { get; set; }

    public int Ticks { get; set; }
}

/// <summary>What the grain holds, and which activation answered.</summary>
[GenerateSerializer]
[Immutable]
[Alias("cluster-tests.ProbeSnapshot")]
public sealed record ProbeSnapshot(
    [property: Id(0)] string? Value,
    [property: Id(1)] int Ticks,
    [property: Id(2)] string? ETag,
    [property: Id(3)] bool RecordExists,
    [property: Id(4)] Guid Activation);

[GrainType(TypeName)]
public sealed class ProbeGrain([PersistentState("probe", GrainStorageNames.Uploads)] IPersistentState<ProbeState> state)
    : Grain, IProbeGrain, IRemindable
{
    public const string TypeName = "cluster-tests-probe";

    private readonly Guid _activation = Guid.NewGuid();

    public async Task SaveAsync(string value)
    {
        state.State.Value = value;
        await state.WriteStateAsync();
    }

    public Task<ProbeSnapshot> ReadAsync() =>
        Task.FromResult(new ProbeSnapshot(state.State.Value, state.State.Ticks, state.Etag, state.RecordExists, _activation));

    public Task ClearAsync() => state.ClearStateAsync();

    public Task DeactivateAsync()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task StartTickingAsync(string reminder, TimeSpan period) => this.RegisterOrUpdateReminder(reminder, TimeSpan.Zero, period);

    public async Task StopTickingAsync(string reminder)
    {
        if (await this.GetReminder(reminder) is { } registered)
        {
            await this.UnregisterReminder(registered);
        }
    }

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        state.State.Ticks++;
        await state.WriteStateAsync();
    }
}
