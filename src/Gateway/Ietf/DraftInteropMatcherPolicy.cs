using Microsoft.AspNetCore.Routing.Matching;
using Microsoft.Net.Http.Headers;

namespace Orleans.Uploads.Gateway.Ietf;

/// <summary>
/// Chooses between the resumable-upload draft's endpoints and tus 1.0's (or the legacy form post's) on the same route
/// and method: a request that names <c>Upload-Draft-Interop-Version</c> and is no multipart form goes to the draft's,
/// every other request to the rest, exactly as before the draft's endpoints existed. Where the draft has no endpoint
/// for a route and method (tus's GET download, OPTIONS), the request keeps the one there is.
/// </summary>
public sealed class DraftInteropMatcherPolicy : MatcherPolicy, IEndpointSelectorPolicy
{
    // After the HTTP method has narrowed the candidates: this choice is only between endpoints of one method.
    public override int Order => 1000;

    public bool AppliesToEndpoints(IReadOnlyList<Endpoint> endpoints) => endpoints.Any(IsDraftEndpoint);

    public Task ApplyAsync(HttpContext httpContext, CandidateSet candidates)
    {
        var speaksDraft = SpeaksDraft(httpContext.Request);
        var draftCandidate = false;
        for (var i = 0; i < candidates.Count; i++)
        {
            draftCandidate |= candidates.IsValidCandidate(i) && IsDraftEndpoint(candidates[i].Endpoint);
        }

        for (var i = 0; i < candidates.Count; i++)
        {
            if (candidates.IsValidCandidate(i) && IsDraftEndpoint(candidates[i].Endpoint) != (speaksDraft && draftCandidate))
            {
                candidates.SetValidity(i, false);
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>Whether a request is meant for the draft's endpoints (an unsupported version included: they answer it).</summary>
    public static bool SpeaksDraft(HttpRequest request) =>
        request.Headers.ContainsKey(IetfProtocol.InteropVersion)
        && !(MediaTypeHeaderValue.TryParse(request.ContentType, out var type) && type.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase));

    private static bool IsDraftEndpoint(Endpoint endpoint) => endpoint.Metadata.GetMetadata<DraftEndpoint>() is not null;

    /// <summary>Marks an endpoint of the draft.</summary>
    public sealed class DraftEndpoint
    {
        public static readonly DraftEndpoint Instance = new();
    }
}
