namespace Orleans.Uploads.Grains.Sessions;

/// <summary>Every upload belongs to a project; one started without naming any belongs to <see cref="Default"/>.</summary>
public static class ProjectIds
{
    public const string Default = "default";

    /// <summary>The project of an upload or video, counting one recorded before projects were required as <see cref="Default"/>.</summary>
    public static string OrDefault(string? projectId) => projectId ?? Default;
}
