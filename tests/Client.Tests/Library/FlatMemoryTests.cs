// Why this file exists: the client's memory must not grow with the file: chunks are read into pooled buffers, hashed
// and sent, never the whole file. A 10 MiB and a 10 GiB upload (generated stream, to a local sink that discards the
// bytes) are measured the same way: the peak live managed heap, sampled with a full collection at every progress report
// that moved the upload on by a chunk or more (so sampling follows the upload, not a clock), and the process's peak RSS. The bound is generous (64 MiB over the small upload's peak); the numbers are printed.

using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Uploads.Client.Tests.Support;
using Xunit.Abstractions;

namespace Orleans.Uploads.Client.Tests.Library;

public sealed class FlatMemoryTests(ITestOutputHelper output)
{
    private const int ChunkSize = 8 * 1024 * 1024;
    private const long MiB = 1024 * 1024;

    [Fact]
    public async Task A_10_GiB_upload_peaks_at_about_the_memory_of_a_10_MiB_one()
    {
        var small = await MeasureAsync(10 * MiB);
        var large = await MeasureAsync(10 * 1024 * MiB);

        output.WriteLine($"10 MiB: peak live heap {small.PeakHeap / MiB} MiB, peak RSS {small.PeakRss / MiB} MiB");
        output.WriteLine($"10 GiB: peak live heap {large.PeakHeap / MiB} MiB, peak RSS {large.PeakRss / MiB} MiB");
        Assert.Equal(10 * 1024 * MiB, large.BytesReceived);
        Assert.True(large.PeakHeap < small.PeakHeap + 64 * MiB, $"10 GiB peaked at {large.PeakHeap / MiB} MiB of live heap, 10 MiB at {small.PeakHeap / MiB} MiB");
        Assert.True(large.PeakRss < small.PeakRss + 256 * MiB, $"10 GiB peaked at {large.PeakRss / MiB} MiB RSS, 10 MiB at {small.PeakRss / MiB} MiB");
    }

    private static async Task<(long PeakHeap, long PeakRss, long BytesReceived)> MeasureAsync(long size)
    {
        var api = new FakeUploadApi(ChunkSize);
        await using var endpoint = await LocalEndpoint.StartAsync(api.Map);
        await using var services = endpoint.Client();
        var client = services.GetRequiredService<UploadClient>();
        GC.Collect();
        GC.WaitForPendingFinalizers();

        using var sampler = new MemorySampler();
        await using (var stream = new GeneratedStream(size))
        {
            await client.UploadAsync(stream, "generated.mp4", new UploadOptions { ChunkSize = ChunkSize, Parallelism = 3 }, sampler);
        }

        sampler.Sample();
        return (sampler.PeakHeap, sampler.PeakRss, api.BytesReceived);
    }

    /// <summary>
    /// Samples the live heap (after a full collection) and RSS whenever a report moves the upload on by a chunk or more, or
    /// changes its phase. Reports come from parallel chunk sends, so sampling is serialized.
    /// </summary>
    private sealed class MemorySampler : IProgress<UploadProgress>, IDisposable
    {
        private readonly Lock _lock = new();
        private readonly Process _self = Process.GetCurrentProcess();
        private UploadPhase? _phase;
        private long _sampledAt = -ChunkSize;

        public long PeakHeap { get; private set; }

        public long PeakRss { get; private set; }

        public void Report(UploadProgress value)
        {
            lock (_lock)
            {
                if (value.Phase == _phase && value.ProcessedBytes - _sampledAt < ChunkSize)
                {
                    return;
                }

                _phase = value.Phase;
                _sampledAt = value.ProcessedBytes;
                Sample();
            }
        }

        public void Dispose() => _self.Dispose();

        public void Sample()
        {
            lock (_lock)
            {
                PeakHeap = Math.Max(PeakHeap, GC.GetTotalMemory(forceFullCollection: true));
                _self.Refresh();
                PeakRss = Math.Max(PeakRss, _self.WorkingSet64);
            }
        }
    }
}
