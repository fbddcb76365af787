using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Orleans.Uploads.Hosting.Configuration;

/// <summary>
/// The one way a configuration section becomes options here: bound once into an <c>...Options</c> class and checked by its
/// <see cref="IValidateOptions{TOptions}"/> before the process starts working, so a bad value stops start-up with a message
/// naming the setting (see <see cref="StartupFailure"/>).
/// </summary>
public static class OptionsRegistration
{
    /// <summary>Options bound to <paramref name="section"/>, validated by <typeparamref name="TValidator"/> when the host starts.</summary>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions, TValidator>(this IServiceCollection services, IConfigurationSection section)
        where TOptions : class
        where TValidator : class, IValidateOptions<TOptions>
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TOptions>, TValidator>());
        return services.AddOptions<TOptions>().Bind(section).ValidateOnStart();
    }

    /// <summary>
    /// For options the wiring itself depends on, before the container exists: binds <paramref name="section"/> once, validates
    /// it now with <typeparamref name="TValidator"/> (failing with the same <see cref="OptionsValidationException"/> as a
    /// start-up validation), and registers that same instance as <see cref="IOptions{TOptions}"/>.
    /// </summary>
    public static TOptions AddValidatedOptionsNow<TOptions, TValidator>(this IServiceCollection services, IConfigurationSection section)
        where TOptions : class, new()
        where TValidator : IValidateOptions<TOptions>, new()
    {
        var options = section.Get<TOptions>() ?? new TOptions();
        var result = new TValidator().Validate(Options.DefaultName, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(TOptions), result.Failures);
        }

        services.AddSingleton(Options.Create(options));
        return options;
    }

    /// <summary>
    /// Runs every start-up validation now, before the host builds its services: a service that reads its options while it is
    /// built (Orleans builds the silo's before start-up validation runs) would otherwise report only its own section's
    /// failures, hiding every other bad setting.
    /// </summary>
    public static THost ValidateOptions<THost>(this THost host)
        where THost : IHost
    {
        host.Services.GetService<IStartupValidator>()?.Validate();
        return host;
    }

    /// <summary>The <c>Cluster</c> section, validated: which clustering, grain storage and reminders the process wires up.</summary>
    public static ClusterOptions AddClusterOptions(this IHostApplicationBuilder builder) =>
        builder.Services.AddValidatedOptionsNow<ClusterOptions, ClusterOptionsValidator>(builder.Configuration.GetSection(ClusterOptions.SectionName));
}
