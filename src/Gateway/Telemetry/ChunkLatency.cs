using System.Diagnostics;
using Orleans.Uploads.Grains.Sessions;
using Orleans.Uploads.Grains.Telemetry;

namespace Orleans.Uploads.Gateway.Telemetry;

/// <summary>
/// Times a chunk route (a seed chunk PUT, a tus PATCH) from the handler's start, body read included, to its answer, into
/// <c>uploads.chunk.duration</c>. An endpoint filter, so it runs after authentication and the access checks: refused
/// requests that never reached the handler are not chunks.
/// </summary>
public static class ChunkLatency
{
    public static RouteHandlerBuilder RecordsChunkLatency(this RouteHandlerBuilder route, UploadProtocol protocol) =>
        route.AddEndpointFilter(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                return await next(context);
            }
            finally
            {
                context.HttpContext.RequestServices.GetRequiredService<UploadMetrics>().ChunkHandled(protocol, Stopwatch.GetElapsedTime(started));
            }
        });
}
