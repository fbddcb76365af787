namespace Orleans.Uploads.Gateway.Limits;

/// <summary>
/// Marks the routes <see cref="CallerRateLimits"/> counts beyond requests per second: those that start an upload
/// (new uploads per minute) and those that carry upload bytes (bodies at once).
/// </summary>
public static class LimitedRoutes
{
    public static TBuilder LimitAsNewUpload<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(NewUpload.Instance);

    public static TBuilder LimitAsUploadBody<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(UploadBody.Instance);

    public static bool StartsUpload(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<NewUpload>() is not null;

    public static bool CarriesUploadBody(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<UploadBody>() is not null;

    private sealed class NewUpload
    {
        public static readonly NewUpload Instance = new();
    }

    private sealed class UploadBody
    {
        public static readonly UploadBody Instance = new();
    }
}
