namespace Orleans.Uploads.Harness;

/// <summary>Finds the checkout's root (where Orleans.Uploads.sln lives) and the built server assemblies.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>The built assembly of a project under src/, in the configuration these tests were built with.</summary>
    public static string BuiltAssembly(string project, string assemblyName)
    {
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release"
            : "Debug";
        var path = Path.Combine(Root, "src", project, "bin", configuration, "net10.0", assemblyName + ".dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"Build {project} first: {path} is missing.", path);
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Orleans.Uploads.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Orleans.Uploads.sln not found above " + AppContext.BaseDirectory);
    }
}
