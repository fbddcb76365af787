using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Orleans.Uploads.Cluster.Tests.RealCluster;
using Orleans.Uploads.Harness;

namespace Orleans.Uploads.Cluster.Tests.Balancer;

/// <summary>
/// The production shape on one machine: the shipped deploy/nginx.conf (Debian's nginx) in front of two gateways of a
/// two-silo PostgreSQL cluster; the gateways believe forwarded addresses from nginx (127.0.0.1) only. Gateways log the
/// start of each request (Debug), which tells which gateway holds a PATCH that has not ended.
/// </summary>
public sealed class BalancedClusterFixture : RealClusterFixture
{
    public const int PieceSize = 4 * 1024 * 1024;

    public NginxServer Nginx => Cluster.Nginx!;

    protected override bool WithNginx => true;

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Uploads__ChunkSize"] = PieceSize.ToString(CultureInfo.InvariantCulture),
        ["Logging__LogLevel__Orleans.Uploads.Gateway.Requests"] = "Debug",
    };

    /// <summary>
    /// A client of the balancer with the cluster's API key, its connections made from <paramref name="from"/> (any
    /// 127.x.y.z: Linux answers the whole loopback network), so a test can tell its address from nginx's own.
    /// </summary>
    public HttpClient Client(IPAddress? from = null, Uri? to = null) => new(LocalHandler(from))
    {
        BaseAddress = to ?? Nginx.BaseAddress,
        Timeout = TimeSpan.FromMinutes(2),
        DefaultRequestHeaders = { Authorization = Cluster.Access.Authorization },
    };

    /// <summary>Which gateway's log shows <paramref name="line"/> (a request log message), or -1.</summary>
    public int GatewayThatLogged(string line)
    {
        for (var i = 0; i < Cluster.Gateways.Count; i++)
        {
            if (Cluster.Gateways[i] is { } gateway && gateway.Process.Output.Contains(line, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The request log message of a finished request for <paramref name="path"/> with <paramref name="status"/>, from any gateway.</summary>
    public string? LoggedRequest(string method, string path, int status) =>
        Cluster.Gateways.OfType<GatewayServer>()
            .SelectMany(gateway => gateway.Process.Output.Split(Environment.NewLine))
            .FirstOrDefault(line => line.Trim().StartsWith($"{method} {path} {status} ", StringComparison.Ordinal));

    private static SocketsHttpHandler LocalHandler(IPAddress? from)
    {
        var handler = new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(5) };
        if (from is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(from, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        return handler;
    }
}
