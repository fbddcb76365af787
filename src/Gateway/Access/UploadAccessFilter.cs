namespace Orleans.Uploads.Gateway.Access;

/// <summary>
/// Guards a per-upload route before its handler runs, before a body is read or the upload is acted on: a caller who may
/// not use the upload named by the <c>{uploadId}</c> route value gets the 404 an unknown id gets. So a request that is
/// not allowed never writes, cancels or reads anything of the upload, and in particular never supersedes the owner's
/// append lease (learning the upload's project may ask its session for its status once, which changes nothing).
/// </summary>
public static class UploadAccessFilter
{
    public const string RouteValue = "uploadId";

    public static TBuilder RequireUploadAccess<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;

            // A segment that is not an id names no upload: the handler answers that 404 itself.
            var segment = http.Request.RouteValues[RouteValue] as string
                ?? throw new InvalidOperationException($"{http.GetEndpoint()?.DisplayName} guards uploads but has no {{{RouteValue}}} route value");
            if (Guid.TryParse(segment, out var uploadId)
                && !await http.RequestServices.GetRequiredService<UploadAccess>().AllowsAsync(Caller.Of(http), uploadId))
            {
                return UploadAccess.UploadNotFound();
            }

            return await next(context);
        });
}
