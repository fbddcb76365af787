// Why this file exists: `status`, `cancel` and `get` take an id; a malformed one is a usage error (exit 1) before any request.

using System.CommandLine;

namespace Orleans.Uploads.Cli.Commands;

public static class IdArguments
{
    public static Argument<Guid> Create(string name, string description) => new(name) { Description = description };
}
