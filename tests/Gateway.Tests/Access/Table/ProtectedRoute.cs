// Why this exists: one shape for every route of the access table, so the table is routes x credentials and each route
// says only how it is called, what success looks like, and how the owner's data is checked afterwards.

using System.Net;
using System.Text;
using System.Text.Json;

namespace Orleans.Uploads.Gateway.Tests.Access.Table;

/// <summary>Which rule decides a route's answer.</summary>
public enum RouteRule
{
    /// <summary>Names one upload or video: allowed by its project or its own token; anyone else gets the unknown-id 404.</summary>
    PerUpload,

    /// <summary>Names a project (initiate, tus creation, legacy post, listing): only callers allowed that project.</summary>
    NamesProject,

    /// <summary>About the whole service (statistics, detailed health): any caller, never an upload token alone.</summary>
    ServiceWide,

    /// <summary>tus concatenation: creates in a project (like initiate) from parts the caller must be allowed to see.</summary>
    Concatenation,
}

/// <summary>One request of the table: the gateway, the credential's headers (and a client sending them), the owner's upload.</summary>
public sealed record Probe(AccessGatewayFixture Gateway, Credential Credential, PresentedCredential Presented, HttpClient Client, OwnedUpload Target, bool ExpectAllowed);

/// <summary>What came back, read whole so the response can be disposed at once.</summary>
public sealed record Answer(HttpStatusCode Status, byte[] Content, string? ContentType, IReadOnlyDictionary<string, string> Headers)
{
    public static async Task<Answer> ReadAsync(HttpResponseMessage response)
    {
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(header => header.Key, header => string.Join(", ", header.Value), StringComparer.OrdinalIgnoreCase);
        return new Answer(response.StatusCode, await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentType?.MediaType, headers);
    }

    public string Body => Encoding.UTF8.GetString(Content);

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public JsonElement Json => JsonSerializer.Deserialize<JsonElement>(Body);

    /// <summary>The problem's <c>code</c>, or null when the body is not a JSON problem (HEAD has no body).</summary>
    public string? Code => Body.Length > 0 && Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("code", out var code) ? code.GetString() : null;

    public string? Detail => Body.Length > 0 && Json.ValueKind == JsonValueKind.Object && Json.TryGetProperty("detail", out var detail) ? detail.GetString() : null;

    public override string ToString() => $"{(int)Status} {Status}: {Body}";
}

/// <summary>A route of the access table.</summary>
public abstract class ProtectedRoute
{
    public abstract string Name { get; }

    public abstract RouteRule Rule { get; }

    /// <summary>The status of an allowed call.</summary>
    public abstract HttpStatusCode Success { get; }

    /// <summary>The code an unknown id gets on this route (for <see cref="RouteRule.PerUpload"/>).</summary>
    public virtual string NotFoundCode => "upload_not_found";

    /// <summary>Whether a refusal has a body to read its code from (HEAD has none).</summary>
    public virtual bool HasBody => true;

    /// <summary>Whether the refusal can be compared with the same request for an unknown id (by a caller allowed everything).</summary>
    public virtual bool ComparesWithUnknownId => Rule == RouteRule.PerUpload;

    /// <summary>The owner prepares the upload the route is about (or, for routes about none, one the intruder must not disturb).</summary>
    public abstract Task<OwnedUpload> ArrangeAsync(Owner owner);

    /// <summary>
    /// Calls the route as <see cref="Probe.Client"/> for <see cref="Probe.Target"/>. When the call is expected to be refused it
    /// carries what would hurt the owner (garbage bytes, a cancel); when allowed, what the owner would have sent.
    /// </summary>
    public abstract Task<Answer> SendAsync(Probe probe);

    /// <summary>An allowed call did what the route does.</summary>
    public abstract Task AssertDoneAsync(Owner owner, OwnedUpload target, Answer answer);

    /// <summary>More that a refusal of this route must say, beyond its status and code.</summary>
    public virtual void AssertRefusal(Probe probe, Answer answer)
    {
    }

    /// <summary>After the call, the owner's data is what the owner made: by default the owner finishes the upload and its download matches.</summary>
    public virtual Task AssertOwnerDataAsync(Owner owner, OwnedUpload target, bool allowed) => owner.FinishAndVerifyAsync(target);

    public override string ToString() => Name;
}
