using System.Collections.Concurrent;
using Orleans.Storage;

namespace Orleans.Uploads.Grains.Tests.Infrastructure;

/// <summary>
/// The silos' real grain storage, with a hold a test can put on one grain's state writes: a held write waits inside
/// the storage until the test lets it through or makes it fail, so a test can see what a grain does while its state
/// is not yet durable. Reads and clears pass straight through.
/// </summary>
public sealed class HeldStateStorage(IGrainStorage inner) : IGrainStorage
{
    private static readonly ConcurrentDictionary<GrainId, StateWriteHold> Holds = new();

    /// <summary>From now on, every state write of <paramref name="grain"/> waits for the returned hold.</summary>
    public static StateWriteHold HoldWrites(GrainId grain) => Holds.GetOrAdd(grain, _ => new StateWriteHold());

    public static void Release(GrainId grain)
    {
        if (Holds.TryRemove(grain, out var hold))
        {
            hold.Open();
        }
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (Holds.TryGetValue(grainId, out var hold))
        {
            await hold.PassAsync();
        }

        await inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}

/// <summary>One grain's held state writes: the test learns when one arrives, then opens the hold or fails the writes.</summary>
public sealed class StateWriteHold
{
    private static readonly TimeSpan MaxHold = TimeSpan.FromSeconds(30);
    private readonly TaskCompletionSource _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<Exception?> _outcome = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the first held write has reached the storage; times out if none does.</summary>
    public Task Entered => _entered.Task.WaitAsync(MaxHold);

    public async Task PassAsync()
    {
        _entered.TrySetResult();
        if (await _outcome.Task.WaitAsync(MaxHold) is { } failure)
        {
            throw failure;
        }
    }

    public void Open() => _outcome.TrySetResult(null);

    public void Fail(Exception failure) => _outcome.TrySetResult(failure);
}
