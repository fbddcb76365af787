using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Cluster.Tests.RealCluster;

/// <summary>
/// A client that keeps going through crashes, as a real one would: it sends a file's chunks a few at a time, each
/// through a gateway picked by its number, and retries a chunk whose PUT fails with a 5xx, a 429, a timeout or a
/// broken connection, through the next gateway, a bounded number of times. Chunks are released in stages
/// (<see cref="Release"/>) so a test can crash processes between stages and while a stage is in flight.
/// Every 200 is recorded in order; a refusal that is not a transient failure ends the run.
/// </summary>
public sealed class ResilientUploader
{
    public const int MaxAttempts = 120;
    public static readonly TimeSpan ChunkDeadline = TimeSpan.FromMinutes(2);

    private readonly IReadOnlyList<UploadsApiClient> _gateways;
    private readonly SeededFile _file;
    private readonly Guid _uploadId;
    private readonly int[] _chunks;
    private readonly int _parallelism;
    private readonly ConcurrentDictionary<int, Ack> _acks = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly ConcurrentDictionary<int, byte> _storedWithoutAck = new();
    private readonly ConcurrentDictionary<int, string> _inFlight = new();
    private readonly List<(long Count, TaskCompletionSource Reached)> _waiters = [];
    private TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _releasedCount;
    private int _next = -1;
    private long _ackSequence;

    public ResilientUploader(IReadOnlyList<UploadsApiClient> gateways, SeededFile file, Guid uploadId, IEnumerable<int>? chunks = null, int parallelism = 2)
    {
        _gateways = gateways;
        _file = file;
        _uploadId = uploadId;
        _chunks = [.. chunks ?? Enumerable.Range(0, file.ChunkCount)];
        _parallelism = parallelism;
    }

    /// <summary>
    /// A chunk acknowledged with 200: by which gateway, after how many attempts, as the how-manieth acknowledgement,
    /// and when (<see cref="Stopwatch.GetTimestamp"/>) the attempt that got it was sent.
    /// </summary>
    public sealed record Ack(int Chunk, string Gateway, int Attempts, bool AlreadyStored, string Status, long Sequence, long SentAt);

    public long AckCount => Interlocked.Read(ref _ackSequence);

    public IReadOnlyCollection<Ack> Acks => [.. _acks.Values.OrderBy(ack => ack.Sequence)];

    public IReadOnlySet<int> AcknowledgedChunks => _acks.Keys.ToHashSet();

    /// <summary>Chunks that got 409 upload_completed on a retry: stored by an attempt whose answer was lost, then completed by another chunk.</summary>
    public IReadOnlySet<int> StoredWithoutAck => _storedWithoutAck.Keys.ToHashSet();

    /// <summary>Every transient failure met, in order: what a test prints to show the crash was felt.</summary>
    public IReadOnlyList<string> Failures => [.. _failures];

    /// <summary>The attempts on the wire now: what a test prints when progress stalls.</summary>
    public IReadOnlyList<string> InFlight => [.. _inFlight.Values];

    /// <summary>Completes as soon as <paramref name="count"/> chunks are acknowledged: no polling, so a test can crash a process right then.</summary>
    public Task WhenAcknowledgedAsync(long count)
    {
        lock (_waiters)
        {
            if (AckCount >= count)
            {
                return Task.CompletedTask;
            }

            var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add((count, reached));
            return reached.Task;
        }
    }

    /// <summary>Lets the first <paramref name="count"/> chunks of the list go out.</summary>
    public void Release(int count)
    {
        Volatile.Write(ref _releasedCount, Math.Min(count, _chunks.Length));
        Interlocked.Exchange(ref _released, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    public void ReleaseAll() => Release(_chunks.Length);

    public Task RunAsync() => Task.WhenAll(Enumerable.Range(0, _parallelism).Select(_ => Task.Run(WorkAsync)));

    private async Task WorkAsync()
    {
        int index;
        while ((index = Interlocked.Increment(ref _next)) < _chunks.Length)
        {
            while (index >= Volatile.Read(ref _releasedCount))
            {
                var released = Volatile.Read(ref _released);
                if (index < Volatile.Read(ref _releasedCount))
                {
                    break;
                }

                await released.Task;
            }

            await SendAsync(_chunks[index]);
        }
    }

    private async Task SendAsync(int chunk)
    {
        var bytes = _file.Chunk(chunk);
        var sha256 = _file.ChunkSha256(chunk);
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            var gateway = _gateways[(chunk + attempt - 1) % _gateways.Count];
            ChunkAnswer? answer = null;
            string failure;
            var sentAt = Stopwatch.GetTimestamp();
            _inFlight[chunk] = $"chunk {chunk} attempt {attempt} through {gateway.Name} since {DateTime.UtcNow:HH:mm:ss.fff}";
            try
            {
                answer = await gateway.TryPutChunkAsync(_uploadId, chunk, bytes, sha256);
                failure = answer.ToString();
            }
            catch (HttpRequestException ex)
            {
                failure = $"{gateway.Name}, chunk {chunk}: {ex.GetType().Name}: {ex.Message}";
            }
            catch (TaskCanceledException)
            {
                failure = $"{gateway.Name}, chunk {chunk}: no answer within {RealClusterFixture.RequestTimeout}";
            }
            finally
            {
                _inFlight.TryRemove(chunk, out _);
            }

            if (answer is { Receipt: { } receipt })
            {
                var sequence = Interlocked.Increment(ref _ackSequence);
                _acks[chunk] = new Ack(chunk, gateway.Name, attempt, receipt.AlreadyStored, receipt.Status, sequence, sentAt);
                lock (_waiters)
                {
                    foreach (var waiter in _waiters.Where(waiter => waiter.Count <= sequence).ToList())
                    {
                        waiter.Reached.TrySetResult();
                        _waiters.Remove(waiter);
                    }
                }

                return;
            }

            if (answer is { Status: HttpStatusCode.Conflict, Code: "upload_completed" } && attempt > 1)
            {
                _storedWithoutAck[chunk] = 0;
                return;
            }

            var transient = answer is null || (int)answer.Status >= 500 || answer.Status == HttpStatusCode.TooManyRequests;
            if (!transient)
            {
                throw new Xunit.Sdk.XunitException($"chunk {chunk} refused on attempt {attempt}: {failure}{gateway.ServerOutputTail()}");
            }

            _failures.Enqueue($"{clock.Elapsed.TotalSeconds,6:F2}s attempt {attempt} ({Stopwatch.GetElapsedTime(sentAt).TotalSeconds:F1}s): {failure}");
            if (attempt >= MaxAttempts || clock.Elapsed > ChunkDeadline)
            {
                throw new TimeoutException($"chunk {chunk} still failing after {attempt} attempts in {clock.Elapsed}: {failure}");
            }

            // A client's retry pacing (the gateway asks for Retry-After on 503), not a test waiting for something.
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(1000, 100 * attempt)));
        }
    }
}
