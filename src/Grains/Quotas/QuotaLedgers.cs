namespace Orleans.Uploads.Grains.Quotas;

/// <summary>The keys of the quota ledgers: one per project and one per caller, apart even when a name is both.</summary>
public static class QuotaLedgers
{
    public static string ForProject(string projectId) => "project/" + projectId;

    public static string ForCaller(string callerId) => "caller/" + callerId;
}
