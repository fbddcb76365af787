using Orleans.Uploads.Gateway.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddUploadsCluster();
builder.AddUploadGateway();

var app = builder.Build();
app.MapUploadGateway();
app.Run();

/// <summary>Entry point, public so tests can host the gateway with WebApplicationFactory.</summary>
public partial class Program;
