using Microsoft.Extensions.Options;

namespace Orleans.Uploads.Grains.Configuration;

public sealed class CleanupOptionsValidator : IValidateOptions<CleanupOptions>
{
    public ValidateOptionsResult Validate(string? name, CleanupOptions options)
    {
        var failures = new List<string>();
        foreach (var (setting, value) in new[]
        {
            (nameof(options.ReminderPeriod), options.ReminderPeriod),
            (nameof(options.BucketWidth), options.BucketWidth),
            (nameof(options.Retention), options.Retention),
            (nameof(options.OrphanGracePeriod), options.OrphanGracePeriod),
        })
        {
            if (value < TimeSpan.FromSeconds(1))
            {
                failures.Add($"{CleanupOptions.SectionName}:{setting} must be at least one second (got {value}).");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
