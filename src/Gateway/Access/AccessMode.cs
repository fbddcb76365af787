using System.Net;

namespace Orleans.Uploads.Gateway.Access;

/// <summary>
/// Whether the gateway runs open, decided once at start-up. Open means no caller is configured: a request without any
/// credential acts as a local developer allowed every project. Unless <see cref="AuthOptions.AllowAnonymous"/> says
/// otherwise, that holds only for requests from this machine, a second guard behind the start-up check that the gateway
/// listens on loopback only.
/// </summary>
public sealed record AccessMode(bool Open, bool OpenToEveryAddress, bool JwtConfigured)
{
    /// <summary>Whether a request without credentials on <paramref name="connection"/> acts as the local developer.</summary>
    public bool ActsAsDeveloper(ConnectionInfo connection) =>
        Open && (OpenToEveryAddress || connection.RemoteIpAddress is null || IPAddress.IsLoopback(connection.RemoteIpAddress));
}
