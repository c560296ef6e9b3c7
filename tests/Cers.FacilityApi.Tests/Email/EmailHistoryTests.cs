using System.Net;
using System.Net.Http.Json;
using Cers.Email.Outbox;
using Cers.FacilityApi.AccessRequests;
using Cers.FacilityApi.Email;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Tests.AccessRequests;
using Cers.FacilityApi.Tests.Infrastructure;

namespace Cers.FacilityApi.Tests.Email;

/// <summary>
/// GET /api/me/emails: each person sees the emails the API wrote to them, and only those, with their delivery
/// state as the outbox and the real SMTP listener make it; never an agency's emails, never someone else's.
/// </summary>
[Collection(FacilityApiCollection.Name)]
public sealed class EmailHistoryTests(FacilityApiFixture fixture)
{
    [Fact]
    public async Task Each_person_lists_the_emails_written_to_them_newest_first_with_their_delivery_state()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var lead = await scenario.AddLeadUserAsync();
        var requester = TestUser.Create("Requester");
        var created = await scenario.RequestAccessOkAsync(requester, "Editor");
        using (var approved = await scenario.ApproveAsync(fixture.TokenFor(lead), created.Id, "Editor", created.Version))
        {
            approved.StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        await fixture.Smtp.WaitForAsync(requester.Email, "was approved");
        var mine = await WaitUntilSentAsync(requester, AccessRequestEmails.Kinds.Decided);
        var decided = mine.Items.ShouldHaveSingleItem();
        decided.Subject.ShouldBe($"CERS: your access request for {scenario.Business.Name} was approved");
        decided.To.ShouldBe(requester.Email);
        decided.Purpose.ShouldBe(EmailHistoryEndpoints.PurposeOf(AccessRequestEmails.Kinds.Decided));
        decided.SentAt.ShouldNotBeNull().ShouldBeGreaterThanOrEqualTo(decided.CreatedAt);
        mine.Total.ShouldBe(1);

        // The Lead User was asked to decide; approving their own decision owes them nothing more.
        var leads = await WaitUntilSentAsync(lead, AccessRequestEmails.Kinds.Created);
        leads.Items.Select(e => e.Kind).ShouldBe([AccessRequestEmails.Kinds.Created]);
        leads.Items[0].To.ShouldBe(lead.Email);

        // Someone else sees none of them.
        (await ListAsync(TestUser.Create("Stranger"))).Items.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_email_to_an_agency_s_contact_address_is_in_nobody_s_history()
    {
        var scenario = await AccessRequestScenario.CreateAsync(fixture);
        var requester = TestUser.Create("Requester");

        // No Lead User: the agency's contact address is asked, which is not a person's account.
        await scenario.RequestAccessOkAsync(requester, "LeadUser");
        await fixture.Smtp.WaitForAsync(await scenario.AgencyContactEmailAsync(), scenario.Business.Name);

        (await ListAsync(requester)).Items.ShouldBeEmpty();
        var regulator = TestUser.Regulator(await scenario.AgencyCodeAsync());
        (await ListAsync(regulator)).Items.ShouldNotContain(e => e.Subject.Contains(scenario.Business.Name));
    }

    [Theory]
    [InlineData("page=0", "page")]
    [InlineData("page=abc", "page")]
    [InlineData("pageSize=1000", "pageSize")]
    public async Task Bad_paging_is_a_validation_problem_naming_the_parameter(string query, string field)
    {
        using var response = await fixture.GetAsync($"/api/me/emails?{query}", fixture.TokenFor(TestUser.Create("Pager")));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType?.MediaType.ShouldBe("application/problem+json");
        (await response.Content.ReadAsStringAsync()).ShouldContain($"\"{field}\"");
    }

    [Fact]
    public async Task Pages_hold_page_size_emails_and_the_total_counts_them_all()
    {
        var lead = TestUser.Create("Lead");
        var scenarios = new List<AccessRequestScenario>();
        for (var i = 0; i < 3; i++)
        {
            var scenario = await AccessRequestScenario.CreateAsync(fixture);
            await fixture.Api.AddMemberAsync(scenario.Business, lead.Subject, MembershipRole.LeadUser, lead.Email, lead.Name);
            await scenario.RequestAccessOkAsync(TestUser.Create("Requester"), "Viewer");
            scenarios.Add(scenario);
        }

        var first = await ListAsync(lead, "pageSize=2");
        var second = await ListAsync(lead, "pageSize=2&page=2");

        first.Total.ShouldBe(3);
        first.Items.Count.ShouldBe(2);
        second.Items.Count.ShouldBe(1);
        // Newest first: the last business's request heads the first page, the first business's ends the second.
        first.Items[0].Subject.ShouldContain(scenarios[2].Business.Name);
        second.Items[0].Subject.ShouldContain(scenarios[0].Business.Name);
    }

    private async Task<EmailHistoryPage> ListAsync(TestUser user, string query = "")
    {
        using var response = await fixture.GetAsync($"/api/me/emails?{query}", fixture.TokenFor(user));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<EmailHistoryPage>(AccessRequestScenario.Json)).ShouldNotBeNull();
    }

    /// <summary>The outbox records "sent" just after the listener has the message; wait for the record, not only the message.</summary>
    private async Task<EmailHistoryPage> WaitUntilSentAsync(TestUser user, string kind)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var page = await ListAsync(user);
            if (page.Items.Any(e => e.Kind == kind && e.State == DeliveryState.Sent) || DateTime.UtcNow > deadline)
            {
                page.Items.ShouldContain(e => e.Kind == kind && e.State == DeliveryState.Sent);
                return page;
            }

            await Task.Delay(100);
        }
    }
}
