using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Gateway.Bodies;
using Orleans.Uploads.Gateway.Limits;
using Orleans.Uploads.Gateway.Problems;
using Orleans.Uploads.Gateway.Videos;
using Orleans.Uploads.Grains.Configuration;
using Orleans.Uploads.Grains.Sessions;

namespace Orleans.Uploads.Gateway.Ietf;

/// <summary>
/// "Resumable Uploads for HTTP" (draft-ietf-httpbis-resumable-upload, interop versions 5, 6 and 8) on the same
/// append-mode sessions as tus: creation at <c>POST /files/</c> and <c>POST /api/videos</c>, offset retrieval (HEAD),
/// appending (PATCH) and cancellation (DELETE) at <c>/files/{id}</c>. <see cref="DraftInteropMatcherPolicy"/> sends a
/// request here when it names <c>Upload-Draft-Interop-Version</c>; without it, the same URLs are tus 1.0 and the legacy
/// form post, unchanged. Access, rate limits and the session's rules are tus's.
/// </summary>
public static class IetfEndpoints
{
    public static IServiceCollection AddIetfUploads(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<MatcherPolicy, DraftInteropMatcherPolicy>());
        return services;
    }

    public static IEndpointRouteBuilder MapIetfEndpoints(this IEndpointRouteBuilder routes)
    {
        var files = routes.MapGroup("/files").WithMetadata(DraftInteropMatcherPolicy.DraftEndpoint.Instance).AddEndpointFilter(RequireSupportedVersion);
        files.MapPost("/", IetfCreation.CreateAsync).LimitAsNewUpload().LimitAsUploadBody();
        files.MapMethods("/{uploadId}", [HttpMethods.Head], HeadAsync).RequireUploadAccess();
        files.MapPatch("/{uploadId}", AppendAsync).RequireUploadAccess().LimitAsUploadBody();
        files.MapDelete("/{uploadId}", CancelAsync).RequireUploadAccess();

        // The seed's legacy endpoint: a raw body that names the draft is a resumable creation, a form post stays a form post.
        routes.MapGroup("/api/videos").WithMetadata(DraftInteropMatcherPolicy.DraftEndpoint.Instance).AddEndpointFilter(RequireSupportedVersion)
            .MapPost("/", IetfCreation.CreateAsync).LimitAsNewUpload().LimitAsUploadBody();
        return routes;
    }

    /// <summary>Every answer names the interop version it speaks; a version this server does not speak is refused (400).</summary>
    private static async ValueTask<object?> RequireSupportedVersion(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (DraftInterop.Of(http.Request) is not { } interop)
        {
            return IetfProblems.UnsupportedVersion();
        }

        http.Response.Headers[IetfProtocol.InteropVersion] = interop.Header;
        return await next(context);
    }

    private static async Task<IResult> HeadAsync(string uploadId, HttpContext http, IGrainFactory grains, IOptions<UploadOptions> options)
    {
        if (!UploadIdRoute.TryParse(uploadId, out var id, out var notFound))
        {
            return notFound;
        }

        // A client asking where it stands is about to resume: whatever request held the upload is stale.
        var result = await grains.GetGrain<IAppendUploadGrain>(id).ResumeAsync();
        if (result.Value is not { } snapshot)
        {
            return IetfProblems.From(result.Error!);
        }

        switch (snapshot.Status)
        {
            case UploadStatus.Cancelled:
                return IetfProblems.From(new UploadError(UploadErrorCode.UploadCancelled, "the upload was cancelled"));
            case UploadStatus.Expired:
                return IetfProblems.From(new UploadError(UploadErrorCode.UploadExpired, "the upload expired"));
            case UploadStatus.Failed:
                return Problem.Create(StatusCodes.Status410Gone, "upload_failed", "the upload failed: " + snapshot.FailureReason);
        }

        http.Response.Headers.CacheControl = "no-store";
        IetfResponses.SetState(http, snapshot.UploadedBytes, snapshot.Status, snapshot.TotalSize, snapshot.ExpiresAt, options.Value.MaxFileSize);
        return TypedResults.NoContent();
    }

    private static async Task<IResult> AppendAsync(string uploadId, HttpContext http, IGrainFactory grains, IOptions<UploadOptions> options, BodyBuffers buffers)
    {
        if (!UploadIdRoute.TryParse(uploadId, out var id, out var notFound))
        {
            return notFound;
        }

        var request = http.Request;
        if (DraftInterop.Of(request)!.AppendsArePartialUploads
            && !(MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals(IetfProtocol.PartialUpload, StringComparison.OrdinalIgnoreCase)))
        {
            return Problem.Create(StatusCodes.Status415UnsupportedMediaType, "partial_upload_required", $"append requests carry Content-Type: {IetfProtocol.PartialUpload}");
        }

        if (!IetfHeaders.TryParseOffset(request, out var offset))
        {
            return Problem.BadRequest("invalid_upload_offset", "Upload-Offset must be a non-negative integer");
        }

        if (UploadCompleteHeader.Parse(request, out var completeError) is not { } complete)
        {
            return Problem.BadRequest("invalid_upload_complete", completeError!);
        }

        if (!IetfHeaders.TryParseLength(request, out var length))
        {
            return Problem.BadRequest("invalid_upload_length", "Upload-Length must be a non-negative integer");
        }

        var interop = new KeyValuePair<string, string>(IetfProtocol.InteropVersion, DraftInterop.Of(request)!.Header);
        var receipt = await IetfBodies.ReceiveAsync(http, grains, id, offset, complete, length, options.Value.ChunkSize, buffers, [interop]);
        if (receipt.Problem is { } problem)
        {
            return problem;
        }

        var stored = receipt.Progress!;
        IetfResponses.SetState(http, stored.DurableOffset, stored.Status, receipt.Video?.Size ?? length, stored.ExpiresAt, options.Value.MaxFileSize);
        return receipt.Video is { } video ? TypedResults.Ok(VideoResponse.From(video)) : TypedResults.NoContent();
    }

    private static async Task<IResult> CancelAsync(string uploadId, IGrainFactory grains)
    {
        if (!UploadIdRoute.TryParse(uploadId, out var id, out var notFound))
        {
            return notFound;
        }

        var result = await grains.GetGrain<IUploadSessionGrain>(id).TerminateAsync();
        return result.Error is { } error ? IetfProblems.From(error) : TypedResults.NoContent();
    }
}
