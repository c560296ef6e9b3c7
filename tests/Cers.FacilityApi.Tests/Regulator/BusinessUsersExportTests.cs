using System.Net;
using System.Text;
using System.Text.Json;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Regulator;
using Cers.FacilityApi.Tests.AccessRequests;
using Cers.FacilityApi.Tests.History;
using Cers.FacilityApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.FacilityApi.Tests.Regulator;

/// <summary>The regulator's CSV of its jurisdiction's business users: whom it holds, whom it leaves out, and formulas neutralized.</summary>
[Collection(FacilityApiCollection.Name)]
public sealed class BusinessUsersExportTests(FacilityApiFixture fixture)
{
    [Fact]
    public async Task A_regulator_exports_the_active_members_of_its_jurisdiction_s_businesses_with_every_formula_neutralized()
    {
        var yolo = await AccessRequestScenario.CreateAsync(fixture, city: "Woodland", zip: "95695", county: "Yolo");
        var agency = await yolo.AgencyCodeAsync();
        var sacramento = await AccessRequestScenario.CreateAsync(fixture);
        await fixture.Api.AddMemberAsync(sacramento.Business, Guid.NewGuid().ToString("N"), MembershipRole.LeadUser, "elsewhere@example.com", "Elsewhere Person");

        (string Name, string Email, MembershipRole Role)[] members =
        [
            ("=HYPERLINK(\"http://x\")", "a@example.com", MembershipRole.LeadUser),
            ("+1 Plus", "b@example.com", MembershipRole.Approver),
            ("-2 Minus", "c@example.com", MembershipRole.Editor),
            ("@SUM(A1)", "d@example.com", MembershipRole.Viewer),
            ("Doe, \"Jo\"", "e@example.com", MembershipRole.Viewer),
        ];
        foreach (var (name, email, role) in members)
        {
            await fixture.Api.AddMemberAsync(yolo.Business, Guid.NewGuid().ToString("N"), role, email, name);
        }

        var gone = Guid.NewGuid().ToString("N");
        await fixture.Api.AddMemberAsync(yolo.Business, gone, MembershipRole.Editor, "gone@example.com", "Gone Person");
        await using (var scope = fixture.Api.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<FacilityDbContext>().Memberships.Where(m => m.UserSubject == gone)
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.Status, MembershipStatus.Removed));
        }

        using var response = await fixture.GetAsync("/api/regulator/business-users.csv", fixture.TokenFor(TestUser.Regulator(agency)));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        response.Content.Headers.ContentDisposition!.FileName.ShouldBe($"cers-{agency}-business-users-{DateTime.UtcNow:yyyy-MM-dd}.csv");
        var records = Rfc4180.Parse(Encoding.UTF8.GetString((await response.Content.ReadAsByteArrayAsync())[3..]));

        records[0].ShouldBe(["Name", "Email", "Business", "Organization code", "Role"]);
        var ours = records.Skip(1).Where(r => r[3] == yolo.Business.OrganizationCode).ToList();
        ours.Select(r => (r[0], r[1], r[2], r[4])).OrderBy(r => r.Item2).ShouldBe(
        [
            ("'=HYPERLINK(\"http://x\")", "a@example.com", yolo.Business.Name, "Lead User"),
            ("'+1 Plus", "b@example.com", yolo.Business.Name, "Approver"),
            ("'-2 Minus", "c@example.com", yolo.Business.Name, "Editor"),
            ("'@SUM(A1)", "d@example.com", yolo.Business.Name, "Viewer"),
            ("Doe, \"Jo\"", "e@example.com", yolo.Business.Name, "Viewer"),
        ]);
        records.ShouldNotContain(r => r[3] == sacramento.Business.OrganizationCode, "a business outside the jurisdiction");
        records.ShouldNotContain(r => r[1] == "gone@example.com", "a removed member");
        records.SelectMany(r => r).ShouldAllBe(field => field.Length == 0 || "=+-@\t\r".IndexOf(field[0]) < 0);
    }

    [Fact]
    public async Task Anyone_but_a_regulator_is_refused_with_a_reason()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var lead = await scenario.AddLeadUserAsync();

        using var response = await fixture.GetAsync("/api/regulator/business-users.csv", fixture.TokenFor(lead));

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("code").GetString()
            .ShouldBe(BusinessUsersExport.NotRegulator);
    }
}
