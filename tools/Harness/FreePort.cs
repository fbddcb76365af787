using System.Net;
using System.Net.Sockets;

namespace Orleans.Uploads.Harness;

/// <summary>Loopback ports nobody is listening on, for servers a test starts.</summary>
public static class FreePort
{
    private static readonly HashSet<int> Handed = [];

    public static int Next()
    {
        lock (Handed)
        {
            while (true)
            {
                using var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();

                // Never hand out the same port twice in one test run, even after it is free again.
                if (Handed.Add(port))
                {
                    return port;
                }
            }
        }
    }
}
