using Microsoft.Extensions.Hosting;
using Orleans.Uploads.Grains;

// A silo of the upload cluster. Everything comes from configuration (appsettings.json, then environment
// variables such as Cluster__Clustering and Uploads__TempDirectory), so the same binary runs on a laptop
// and in a container.
var builder = Host.CreateApplicationBuilder(args);
builder.UseOrleans(silo => silo.UseUploadsSilo(builder.Configuration));
await builder.Build().RunAsync();
