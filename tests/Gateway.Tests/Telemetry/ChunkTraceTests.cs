// Why this exists: one slow chunk must be explainable from one trace: the gateway's HTTP request, its grain call, the
// grain's work on whichever silo holds the session, and the store write, linked parent to child under one trace id.

using System.Collections.ObjectModel;
using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Orleans.Uploads.Gateway.Tests.Access;
using Orleans.Uploads.Grains.Telemetry;
using Orleans.Uploads.Harness;
using Orleans.Uploads.Hosting.Telemetry;

namespace Orleans.Uploads.Gateway.Tests.Telemetry;

/// <summary>
/// The trace of one chunk PUT through a gateway in Client mode into a separate silo. Spans are collected in memory from
/// every source of the process, so each is found by the chunk's own trace id (other test classes trace their requests too).
/// </summary>
public sealed class ChunkTraceTests : IClassFixture<ClientModeClusterFixture>, IDisposable
{
    private readonly ClientModeClusterFixture _cluster;
    private readonly SpanLog _exported = new();
    private readonly TracerProvider _tracing;

    public ChunkTraceTests(ClientModeClusterFixture cluster)
    {
        _cluster = cluster;
        _tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource(UploadTracing.SourceName, UploadsTelemetry.OrleansRuntimeSource, UploadsTelemetry.OrleansApplicationSource)
            .AddAspNetCoreInstrumentation()
            .AddInMemoryExporter(_exported)
            .Build();
    }

    [Fact]
    public async Task One_chunk_is_one_trace_from_the_http_request_through_the_grain_call_into_the_store_write_on_the_silo()
    {
        using var owner = new Owner(_cluster);
        var upload = await owner.StartChunkedAsync(Owner.NewFile(), chunksStored: 0);
        await owner.PutChunkAsync(upload, 1);

        // The gateway's server span of that PUT, then everything in its trace, once the store span has ended too.
        var path = $"/api/uploads/{upload.Id}/chunks/1";
        var trace = await Eventually.WaitForAsync(() =>
        {
            var spans = _exported.Snapshot();
            var http = spans.FirstOrDefault(span => span.Kind == ActivityKind.Server && span.Source.Name == "Microsoft.AspNetCore" && (span.GetTagItem("url.path") as string) == path);
            var inTrace = http is null ? [] : spans.Where(span => span.TraceId == http.TraceId).ToList();
            return Task.FromResult(inTrace.Any(span => span.OperationName == UploadTracing.StoreWrite) ? new { Http = http!, Spans = inTrace } : null);
        }, "the chunk's spans");

        var describe = string.Join('\n', trace.Spans.Select(span => $"{span.Source.Name} {span.Kind} {span.DisplayName} {span.SpanId} <- {span.ParentSpanId}"));
        var clientCall = Assert.Single(trace.Spans, span => span.Kind == ActivityKind.Client && span.ParentSpanId == trace.Http.SpanId && span.DisplayName.Contains("PutChunk", StringComparison.Ordinal));
        var grainCall = Assert.Single(trace.Spans, span => span.Kind == ActivityKind.Server && span.ParentSpanId == clientCall.SpanId);
        var storeWrite = Assert.Single(trace.Spans, span => span.OperationName == UploadTracing.StoreWrite);

        string[] orleansSources = [UploadsTelemetry.OrleansRuntimeSource, UploadsTelemetry.OrleansApplicationSource];
        Assert.True(orleansSources.Contains(clientCall.Source.Name) && orleansSources.Contains(grainCall.Source.Name), describe);
        Assert.True(grainCall.DisplayName.Contains("PutChunk", StringComparison.Ordinal), describe);

        // The grain's span was made from the trace context that travelled in the Orleans message, not from the caller's memory.
        Assert.True(grainCall.HasRemoteParent, describe);
        Assert.True(storeWrite.ParentSpanId == grainCall.SpanId, describe);
        Assert.Equal(upload.Id.ToString("N"), storeWrite.GetTagItem(UploadTracing.UploadIdTag));
        Assert.Equal(_cluster.SiloAddress, storeWrite.GetTagItem(UploadTracing.SiloAddressTag));
    }

    public void Dispose() => _tracing.Dispose();
}

/// <summary>The in-memory exporter's collection, safe to read while spans of other threads are being exported into it.</summary>
internal sealed class SpanLog : Collection<Activity>
{
    public Activity[] Snapshot()
    {
        lock (Items)
        {
            return [.. Items];
        }
    }

    protected override void InsertItem(int index, Activity item)
    {
        lock (Items)
        {
            base.InsertItem(index, item);
        }
    }
}
