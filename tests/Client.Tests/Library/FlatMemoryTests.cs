// Why this file exists: the client's memory must not grow with the file: chunks are read into pooled buffers, hashed
// and sent, never the whole file. A 10 MiB and a 10 GiB upload (generated stream, to a local sink that discards the
// bytes) are measured the same way: the peak live managed heap, sampled with full collections while the upload runs,
// and the process's peak RSS. The bound is generous (64 MiB over the small upload's peak); the numbers are printed.

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

        long peakHeap = 0, peakRss = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            using var self = Process.GetCurrentProcess();
            while (!stop.IsCancellationRequested)
            {
                peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(forceFullCollection: true));
                self.Refresh();
                peakRss = Math.Max(peakRss, self.WorkingSet64);
                await Task.Delay(100, CancellationToken.None);
            }
        });

        await using (var stream = new GeneratedStream(size))
        {
            await client.UploadAsync(stream, "generated.mp4", new UploadOptions { ChunkSize = ChunkSize, Parallelism = 3 });
        }

        await stop.CancelAsync();
        await sampler;
        return (peakHeap, peakRss, api.BytesReceived);
    }
}
