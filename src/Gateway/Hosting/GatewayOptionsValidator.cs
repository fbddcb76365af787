using Microsoft.Extensions.Options;

namespace Orleans.Uploads.Gateway.Hosting;

/// <summary>Fails start-up with a message that names the bad <c>Gateway</c> setting.</summary>
public sealed class GatewayOptionsValidator : IValidateOptions<GatewayOptions>
{
    public ValidateOptionsResult Validate(string? name, GatewayOptions options) => options.BodyBufferMegabytes < 1
        ? ValidateOptionsResult.Fail($"{GatewayOptions.SectionName}:BodyBufferMegabytes must be at least 1 (got {options.BodyBufferMegabytes}).")
        : ValidateOptionsResult.Success;
}
