using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Orleans.Uploads.Hosting.Silos;

/// <summary>
/// Tries the silo's two ports before Orleans binds them, so a port another process holds (a second silo on this machine,
/// say) stops start-up with the setting and the port named, not with Orleans' bare "Address already in use" from deep
/// inside its lifecycle. Each port is bound and released at once; should another process take it in between, Orleans'
/// own bind still fails and start-up still ends in one line, only a vaguer one.
/// Hazard: the probe allows address reuse as Orleans' listener does, so a port left in TIME_WAIT by a silo that just
/// stopped is not mistaken for a busy one; only a live listener makes the bind fail.
/// </summary>
internal sealed class ListeningPortsCheck(IOptions<EndpointOptions> endpoints) : ILifecycleParticipant<ISiloLifecycle>
{
    public void Participate(ISiloLifecycle lifecycle) => lifecycle.Subscribe(
        nameof(ListeningPortsCheck),
        ServiceLifecycleStage.First,
        _ =>
        {
            var options = endpoints.Value;
            Probe(options.SiloListeningEndpoint ?? new IPEndPoint(options.AdvertisedIPAddress ?? IPAddress.Any, options.SiloPort), "Cluster:SiloPort");
            Probe(options.GatewayListeningEndpoint ?? new IPEndPoint(options.AdvertisedIPAddress ?? IPAddress.Any, options.GatewayPort), "Cluster:GatewayPort");
            return Task.CompletedTask;
        });

    private static void Probe(IPEndPoint endpoint, string setting)
    {
        if (endpoint.Port == 0)
        {
            return;
        }

        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        try
        {
            socket.Bind(endpoint);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new StartupFailureException(
                $"{setting} {endpoint.Port} is already in use on {endpoint.Address} (another silo on this machine?); stop it or choose a free port.");
        }
    }
}
