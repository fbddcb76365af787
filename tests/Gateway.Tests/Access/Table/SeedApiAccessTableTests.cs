// Why this exists: the access table's rows for the seed API (/api/uploads), on a gateway of their own so the three
// parts of the table run side by side.

namespace Orleans.Uploads.Gateway.Tests.Access.Table;

public sealed class SeedApiAccessTableTests(AccessGatewayFixture gateway) : IClassFixture<AccessGatewayFixture>
{
    public static TheoryData<string, Credential> Cases => AccessTable.CasesOf(AccessTable.SeedApiRoutes);

    [Theory]
    [MemberData(nameof(Cases))]
    public Task Route_answers_the_credential_and_leaves_the_owners_data_intact(string route, Credential credential) =>
        AccessTable.RunAsync(gateway, route, credential);
}
