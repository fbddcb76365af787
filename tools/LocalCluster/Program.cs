using System.CommandLine;
using Orleans.Uploads.Harness;

// The production shape on one machine, for demos, manual testing and benchmarks: a private PostgreSQL
// (initdb into a temp directory, free loopback port), silos and gateways as real processes on loopback,
// configured with the same environment variables as the containers in docker-compose.yml.
var silos = new Option<int>("--silos") { Description = "silo processes", DefaultValueFactory = _ => 2 };
var gateways = new Option<int>("--gateways") { Description = "gateway processes", DefaultValueFactory = _ => 2 };
var data = new Option<string?>("--data") { Description = "directory for PostgreSQL data and upload storage (default: a temp directory, deleted on exit)" };
var withNginx = new Option<bool>("--with-nginx") { Description = "also start nginx (Debian's nginx-light) with deploy/nginx.conf in front of the gateways: the production shape" };
var check = new Option<bool>("--check") { Description = "start everything, check every gateway's /health, then stop (a smoke test)" };

var command = new RootCommand("Runs PostgreSQL, silos and gateways of Orleans Uploads on loopback until Ctrl+C.") { silos, gateways, data, withNginx, check };
command.SetAction(async (parse, cancellation) =>
{
    await using var cluster = await LocalCluster.StartAsync(parse.GetValue(silos), parse.GetValue(gateways), parse.GetValue(data), withNginx: parse.GetValue(withNginx));
    Console.WriteLine(cluster.Describe(withApiKey: !parse.GetValue(check)));
    if (parse.GetValue(check))
    {
        foreach (var gateway in cluster.Gateways.OfType<GatewayServer>())
        {
            using var health = await gateway.Api.SendHealthAsync(cancellation);
            Console.WriteLine($"{gateway.BaseAddress}health -> {(int)health.StatusCode} {await health.Content.ReadAsStringAsync(cancellation)}");
            if (!health.IsSuccessStatusCode)
            {
                return 1;
            }
        }

        if (cluster.Nginx is { } nginx)
        {
            using var http = new HttpClient();
            using var balanced = await http.GetAsync(new Uri(nginx.BaseAddress, "/health/balancer"), cancellation);
            Console.WriteLine($"{nginx.BaseAddress}health/balancer -> {(int)balanced.StatusCode}");
            if (!balanced.IsSuccessStatusCode)
            {
                return 1;
            }
        }

        return 0;
    }

    Console.WriteLine("Running. Press Ctrl+C to stop everything.");
    try
    {
        await Task.Delay(Timeout.Infinite, cancellation);
    }
    catch (OperationCanceledException)
    {
    }

    Console.WriteLine("Stopping.");
    return 0;
});

return await command.Parse(args).InvokeAsync();
