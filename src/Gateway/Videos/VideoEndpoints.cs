using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Net.Http.Headers;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Gateway.Problems;
using Orleans.Uploads.Gateway.Limits;
using Orleans.Uploads.Gateway.Uploads;
using Orleans.Uploads.Grains.Catalog;
using Orleans.Uploads.Grains.Storage;
using Orleans.Uploads.Grains.Videos;

namespace Orleans.Uploads.Gateway.Videos;

/// <summary>Finished videos: the legacy upload endpoint, records, project listings and content with HTTP Range.</summary>
public static class VideoEndpoints
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static IEndpointRouteBuilder MapVideoEndpoints(this IEndpointRouteBuilder routes)
    {
        var videos = routes.MapGroup("/api/videos");
        videos.MapPost("/", LegacyVideoUpload.HandleAsync).LimitAsNewUpload().LimitAsUploadBody();
        videos.MapGet("/", ListAsync);
        videos.MapGet("/{videoId}", GetAsync);
        videos.MapGet("/{videoId}/content", GetContentAsync).AcceptAccessTokenInQuery();
        return routes;
    }

    public static string ContentTypeOf(string filename) =>
        ContentTypes.TryGetContentType(filename, out var type) ? type : "application/octet-stream";

    /// <summary>Streams a stored video (HTTP Range in bytes supported, other units ignored), or answers why it cannot.</summary>
    public static async Task<IResult> StreamAsync(Guid videoId, HttpContext http, IGrainFactory grains, IVideoStore store)
    {
        if (await FindAsync(videoId, Caller.Of(http), grains) is not { } video)
        {
            return VideoNotFound();
        }

        if (ScanRefusal.Of(video) is { } refusal)
        {
            return refusal;
        }

        if (store.OpenRead(video.Filename) is not { } content)
        {
            return Problem.Create(StatusCodes.Status410Gone, "video_content_missing", "the video's record exists but its file is gone from storage");
        }

        RangeUnits.IgnoreUnknownUnit(http.Request);
        var entityTag = video.FileHash is { } hash ? new EntityTagHeaderValue($"\"{hash}\"") : null;
        return TypedResults.Stream(content, ContentTypeOf(video.Filename), video.OriginalName, video.CreatedAt, entityTag, enableRangeProcessing: true);
    }

    private static async Task<IResult> GetAsync(string videoId, HttpContext http, IGrainFactory grains)
    {
        if (!Guid.TryParse(videoId, out var id) || await FindAsync(id, Caller.Of(http), grains) is not { } video)
        {
            return VideoNotFound();
        }

        return TypedResults.Ok(VideoResponse.From(video));
    }

    /// <summary>A project's videos from the catalog's videos table (not from one grain holding every id), a page at a time.</summary>
    private static async Task<IResult> ListAsync(string? projectId, string? limit, string? cursor, HttpContext http, IUploadCatalog catalog)
    {
        if (string.IsNullOrEmpty(projectId))
        {
            return Problem.BadRequest("project_id_required", "list videos per project: GET /api/videos?projectId=...");
        }

        if (ProjectIdProblem.Check(projectId) is { } invalidProject)
        {
            return invalidProject;
        }

        if (!Caller.Of(http).MayUseProject(projectId))
        {
            return AccessProblems.ProjectForbidden(projectId);
        }

        if (VideoListPaging.TryRead(limit, cursor, out var take, out var after) is { } badPage)
        {
            return badPage;
        }

        var page = await catalog.ListVideosAsync(projectId, after, take, http.RequestAborted);
        if (page.Next is { } next)
        {
            VideoListPaging.LinkNext(http, projectId, take, next);
        }

        return TypedResults.Ok(page.Videos.Select(VideoResponse.From).ToArray());
    }

    private static Task<IResult> GetContentAsync(string videoId, HttpContext http, IGrainFactory grains, IVideoStore store) =>
        Guid.TryParse(videoId, out var id) ? StreamAsync(id, http, grains, store) : Task.FromResult(VideoNotFound());

    /// <summary>The video, if it exists and the caller may see it (its project, or its upload's token); null reads as unknown.</summary>
    private static async Task<VideoRecord?> FindAsync(Guid videoId, Caller caller, IGrainFactory grains) =>
        await grains.GetGrain<IVideoGrain>(videoId).GetAsync() is { } video && caller.MayUse(video.UploadId, video.ProjectId) ? video : null;

    private static IResult VideoNotFound() => Problem.NotFound("video_not_found", "no video has this id");
}
