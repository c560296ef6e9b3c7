using System.Net;
using Cers.Email.Outbox;
using Cers.FacilityApi.AccessRequests;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.FacilityApi.Tests.AccessRequests;

/// <summary>
/// The emails a request owes, through the outbox and MailKit to a real SMTP listener: approvers on a
/// new request, the requester on a decision. Business names are unique per test, so subjects tell
/// this test's emails from the others' in the shared listener.
/// </summary>
[Collection(FacilityApiCollection.Name)]
public sealed class AccessRequestEmailTests(FacilityApiFixture fixture)
{
    [Fact]
    public async Task A_new_request_emails_every_active_Lead_User_of_the_business_and_not_the_regulator()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var first = await scenario.AddLeadUserAsync();
        var second = await scenario.AddLeadUserAsync();
        var requester = TestUser.Create("Requester");

        var created = await scenario.RequestAccessOkAsync(requester, "Approver");

        foreach (var lead in new[] { first, second })
        {
            var email = await fixture.Smtp.WaitForAsync(lead.Email, scenario.Business.Name);
            email.Subject.ShouldBe($"CERS: access request for {scenario.Business.Name}");
            email.TextBody.ShouldNotBeNull().ShouldContain(requester.Name);
            email.TextBody.ShouldNotBeNull().ShouldContain("Approver role");
            email.TextBody.ShouldNotBeNull().ShouldContain($"CERS ID {scenario.Facility.CersId}");
            email.TextBody.ShouldNotBeNull().ShouldContain("As a Lead User of this business you decide this request");
            email.HtmlBody.ShouldNotBeNull().ShouldContain(requester.Name);
        }

        var agencyEmail = await scenario.AgencyContactEmailAsync();
        await Task.Delay(TimeSpan.FromSeconds(1));
        fixture.Smtp.Find(agencyEmail, scenario.Business.Name).ShouldBeEmpty();
        (await OutboxKeysAsync(created.Id)).Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_request_to_a_business_without_a_Lead_User_emails_the_regulator_s_contact_address()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var requester = TestUser.Create("Requester");

        await scenario.RequestAccessOkAsync(requester, "LeadUser");

        var email = await fixture.Smtp.WaitForAsync(await scenario.AgencyContactEmailAsync(), scenario.Business.Name);
        email.TextBody.ShouldNotBeNull().ShouldContain("The business has no active Lead User, so your agency decides this request.");
        email.TextBody.ShouldNotBeNull().ShouldContain("Lead User role");
    }

    [Fact]
    public async Task Approval_emails_the_requester_the_granted_role()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var lead = await scenario.AddLeadUserAsync();
        var requester = TestUser.Create("Requester");
        var created = await scenario.RequestAccessOkAsync(requester, "Editor");

        using var response = await scenario.ApproveAsync(fixture.TokenFor(lead), created.Id, "Viewer", created.Version);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);

        var email = await fixture.Smtp.WaitForAsync(requester.Email, "was approved");
        email.Subject.ShouldBe($"CERS: your access request for {scenario.Business.Name} was approved");
        email.TextBody.ShouldNotBeNull().ShouldContain($"{lead.Name} approved your request. You now have the Viewer role in {scenario.Business.Name}");
    }

    [Fact]
    public async Task Denial_emails_the_requester_the_reason_and_the_regulator_s_contact()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var lead = await scenario.AddLeadUserAsync();
        var requester = TestUser.Create("Requester");
        var created = await scenario.RequestAccessOkAsync(requester, "Editor");

        using var response = await scenario.DenyAsync(fixture.TokenFor(lead), created.Id, "We do not know you; call the front desk.", created.Version);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);

        var email = await fixture.Smtp.WaitForAsync(requester.Email, "was denied");
        email.TextBody.ShouldNotBeNull().ShouldContain("Reason: We do not know you; call the front desk.");
        email.TextBody.ShouldNotBeNull().ShouldContain(await scenario.AgencyContactEmailAsync());
    }

    [Fact]
    public async Task A_reason_typed_over_several_lines_reaches_the_requester_as_one_paragraph_and_invents_none()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var lead = await scenario.AddLeadUserAsync();
        var requester = TestUser.Create("Requester");
        var created = await scenario.RequestAccessOkAsync(requester, "Editor");

        using var response = await scenario.DenyAsync(fixture.TokenFor(lead), created.Id,
            "Not an employee.\r\n\r\nCERS Technical Support: reset your password at https://evil.example", created.Version);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());

        (await scenario.StoredAsync(created.Id)).Reason.ShouldBe("Not an employee. CERS Technical Support: reset your password at https://evil.example");
        var email = await fixture.Smtp.WaitForAsync(requester.Email, "was denied");
        email.TextBody.ShouldNotBeNull().ShouldContain("Reason: Not an employee. CERS Technical Support: reset your password");
    }

    [Fact]
    public async Task A_reason_with_a_control_character_is_a_400_and_decides_nothing()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var lead = await scenario.AddLeadUserAsync();
        var created = await scenario.RequestAccessOkAsync(TestUser.Create("Requester"), "Editor");

        using var response = await scenario.DenyAsync(fixture.TokenFor(lead), created.Id, "No\u0007 way", created.Version);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("reason");
        (await scenario.StoredAsync(created.Id)).Status.ShouldBe(Cers.FacilityApi.AccessRequests.AccessRequestStatus.Pending);
    }

    [Fact]
    public async Task A_losing_decision_writes_no_email_and_the_requester_hears_only_the_winner()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var lead = await scenario.AddLeadUserAsync();
        var created = await scenario.RequestAccessOkAsync(TestUser.Create("Requester"), "Editor");

        var approve = scenario.ApproveAsync(fixture.TokenFor(lead), created.Id, "Editor", created.Version);
        var deny = scenario.DenyAsync(fixture.TokenFor(lead), created.Id, "Not now.", created.Version);
        using var approved = await approve;
        using var denied = await deny;

        new[] { approved.StatusCode, denied.StatusCode }.Order().ShouldBe([HttpStatusCode.OK, HttpStatusCode.Conflict]);
        (await OutboxKeysAsync(created.Id)).Count(k => k.EndsWith(":decided", StringComparison.Ordinal)).ShouldBe(1);
    }

    [Fact]
    public async Task A_requester_whose_token_has_no_email_is_decided_normally_and_no_email_is_written_for_them()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var lead = await scenario.AddLeadUserAsync();
        var requester = TestUser.Create("Requester") with { Email = "" };
        var created = await scenario.RequestAccessOkAsync(requester, "Viewer");

        using var response = await scenario.ApproveAsync(fixture.TokenFor(lead), created.Id, "Viewer", created.Version);

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var keys = await OutboxKeysAsync(created.Id);
        keys.ShouldContain(k => k.Contains(":created:m", StringComparison.Ordinal));
        keys.ShouldNotContain(k => k.EndsWith(":decided", StringComparison.Ordinal));
    }

    private async Task<List<string>> OutboxKeysAsync(long requestId)
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        var prefix = $"access-request:{requestId}:";
        return await db.Set<OutboxEmail>().Where(e => e.IdempotencyKey.StartsWith(prefix)).Select(e => e.IdempotencyKey).ToListAsync();
    }
}
