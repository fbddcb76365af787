// Why this exists: open mode is allowed only when every address the gateway will listen on is loopback; these are the
// address shapes operators write, and the settings Kestrel reads them from.

using Microsoft.Extensions.Configuration;
using Orleans.Uploads.Gateway.Access;
using Orleans.Uploads.Hosting;

namespace Orleans.Uploads.Gateway.Tests.Access.Units;

public sealed class ListeningAddressesTests
{
    [Theory]
    [InlineData("http://localhost:5000", true)]
    [InlineData("https://LOCALHOST:5001", true)]
    [InlineData("http://127.0.0.1:5000", true)]
    [InlineData("http://127.0.0.2:5000", true)]
    [InlineData("http://[::1]:5000", true)]
    [InlineData("http://unix:/run/uploads/gateway.sock", false)] // a socket is for a proxy, which brings everyone in
    [InlineData("http://0.0.0.0:5000", false)]
    [InlineData("http://[::]:5000", false)]
    [InlineData("http://*:5000", false)]
    [InlineData("http://+:5000", false)]
    [InlineData("http://gateway.example:80", false)]
    [InlineData("http://localhost.example:80", false)]
    [InlineData("http://192.168.1.10:5000", false)]
    [InlineData("not a url", false)]
    public void Is_loopback(string url, bool loopback)
    {
        Assert.Equal(loopback, ListeningAddresses.IsLoopback(url));
    }

    [Fact]
    public void Nothing_configured_is_kestrels_default_on_localhost()
    {
        Assert.Equal(["http://localhost:5000"], ListeningAddresses.Of(Configuration()));
    }

    [Fact]
    public void Urls_are_split_on_semicolons()
    {
        Assert.Equal(
            ["http://localhost:5000", "http://0.0.0.0:6000"],
            ListeningAddresses.Of(Configuration(("urls", " http://localhost:5000 ; http://0.0.0.0:6000 "))));
    }

    [Fact]
    public void Kestrel_endpoints_are_read()
    {
        Assert.Equal(
            ["http://127.0.0.1:7000", "https://gateway.example:443"],
            ListeningAddresses.Of(Configuration(("Kestrel:Endpoints:Local:Url", "http://127.0.0.1:7000"), ("Kestrel:Endpoints:Public:Url", "https://gateway.example:443"))));
    }

    [Fact]
    public void Http_and_https_ports_alone_bind_every_address()
    {
        var urls = ListeningAddresses.Of(Configuration(("HTTP_PORTS", "8080;8081"), ("HTTPS_PORTS", "8443")));

        Assert.Equal(["http://*:8080", "http://*:8081", "http://*:8443"], urls);
        Assert.DoesNotContain(urls, ListeningAddresses.IsLoopback);
    }

    [Fact]
    public void Ports_are_ignored_once_a_url_is_set_as_kestrel_ignores_them()
    {
        // Official .NET container images set ASPNETCORE_HTTP_PORTS=8080; a loopback Urls still wins, as in Kestrel.
        var urls = ListeningAddresses.Of(Configuration(("Urls", "http://127.0.0.1:5000"), ("HTTP_PORTS", "8080")));

        Assert.Equal(["http://127.0.0.1:5000"], urls);
    }

    [Fact]
    public void Every_source_counts_together()
    {
        var urls = ListeningAddresses.Of(Configuration(("Urls", "http://localhost:5000"), ("Kestrel:Endpoints:Other:Url", "http://0.0.0.0:9000")));

        Assert.Equal(["http://localhost:5000", "http://0.0.0.0:9000"], urls);
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings.Select(setting => new KeyValuePair<string, string?>(setting.Key, setting.Value))).Build();
}
