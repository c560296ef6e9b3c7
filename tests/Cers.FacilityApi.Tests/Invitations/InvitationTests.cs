using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Invitations;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Tests.AccessRequests;
using Cers.FacilityApi.Tests.Infrastructure;
using Cers.FacilityApi.Tests.Memberships;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.FacilityApi.Tests.Invitations;

/// <summary>
/// Lead User "Add Person" over real HTTP and the real SMTP listener: the invitation, its emailed single-use link, the
/// accept that makes the membership, and each way an invitation cannot be used (revoked, expired, used, someone else's,
/// already a member), the authorization of every endpoint, bad input, the business's limits, and accept racing revoke.
/// </summary>
[Collection(FacilityApiCollection.Name)]
public sealed class InvitationTests(FacilityApiFixture fixture)
{
    private static JsonSerializerOptions Json => AccessRequestScenario.Json;

    [Fact]
    public async Task An_invitation_emails_a_link_whose_holder_with_that_address_accepts_once_and_becomes_a_member()
    {
        var (business, lead) = await BusinessWithLeadUserAsync();
        var invitee = TestUser.Create("Invitee");

        using var invited = await InviteAsync(business, lead, invitee.Email.ToUpperInvariant(), "Editor");
        invited.StatusCode.ShouldBe(HttpStatusCode.Created, await invited.Content.ReadAsStringAsync());
        var view = (await invited.Content.ReadFromJsonAsync<InvitationView>(Json)).ShouldNotBeNull();
        view.Email.ShouldBe(invitee.Email);
        view.Role.ShouldBe(MembershipRole.Editor);
        (view.ExpiresAt - view.CreatedAt).ShouldBe(TimeSpan.FromDays(14));

        var email = await fixture.Smtp.WaitForAsync(invitee.Email, $"invited you to {business.Name}");
        var token = TokenIn(email);
        (await PendingAsync(business, lead)).Select(i => i.Id).ShouldBe([view.Id]);

        using var preview = await fixture.PostJsonAsync("/api/invitations/preview", fixture.TokenFor(invitee), Body(token));
        var shown = (await preview.Content.ReadFromJsonAsync<InvitationPreview>(Json)).ShouldNotBeNull();
        // PostgreSQL keeps microseconds, so the stored expiry may be a tick or so off the one first answered.
        shown.ShouldBe(new InvitationPreview(business.Name, business.OrganizationCode, MembershipRole.Editor, lead.Name, shown.ExpiresAt, "pending", SentToCaller: true));
        shown.ExpiresAt.ShouldBe(view.ExpiresAt, TimeSpan.FromMilliseconds(1));
        using var previewedByAnother = await fixture.PostJsonAsync("/api/invitations/preview", fixture.TokenFor(lead), Body(token));
        (await previewedByAnother.Content.ReadFromJsonAsync<InvitationPreview>(Json)).ShouldNotBeNull().SentToCaller.ShouldBeFalse();

        using var accepted = await AcceptAsync(invitee, token);
        accepted.StatusCode.ShouldBe(HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
        var membership = (await accepted.Content.ReadFromJsonAsync<AcceptedInvitation>(Json)).ShouldNotBeNull();
        membership.OrganizationCode.ShouldBe(business.OrganizationCode);
        membership.Role.ShouldBe(MembershipRole.Editor);

        var stored = await QueryAsync(db => db.Memberships.SingleAsync(m => m.Id == membership.MembershipId));
        (stored.UserSubject, stored.Role, stored.Status, stored.BusinessId).ShouldBe((invitee.Subject, MembershipRole.Editor, MembershipStatus.Active, business.Id));
        (await PendingAsync(business, lead)).ShouldBeEmpty();
        await fixture.Smtp.WaitForAsync(lead.Email, $"new member of {business.Name}");

        // Single use: the same link again says so and makes nothing more.
        await AssertConflictAsync(await AcceptAsync(invitee, token), InvitationEndpoints.InvitationUsed);
        (await QueryAsync(db => db.Memberships.CountAsync(m => m.BusinessId == business.Id && m.UserSubject == invitee.Subject))).ShouldBe(1);
        (await AuditKindsAsync(business)).ShouldBe([AuditKinds.InvitationSent, AuditKinds.InvitationAccepted]);
    }

    [Fact]
    public async Task A_revoked_an_expired_and_someone_else_s_invitation_cannot_be_accepted_and_an_expired_one_gives_way_to_a_new_one()
    {
        var (business, lead) = await BusinessWithLeadUserAsync();
        var revokedFor = TestUser.Create("Revoked");
        var revoked = await InvitedAsync(business, lead, revokedFor, "Viewer");
        using (var revoke = await RevokeAsync(business, lead, revoked.Id))
        {
            revoke.StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        await AssertConflictAsync(await AcceptAsync(revokedFor, revoked.Token), InvitationEndpoints.InvitationRevoked);
        await AssertConflictAsync(await RevokeAsync(business, lead, revoked.Id), InvitationEndpoints.NotPending);

        var expiredFor = TestUser.Create("Late");
        var expired = await InvitedAsync(business, lead, expiredFor, "Viewer");
        await QueryAsync(db => db.Invitations.Where(i => i.Id == expired.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.ExpiresAt, DateTime.UtcNow.AddMinutes(-1))));
        await AssertConflictAsync(await AcceptAsync(expiredFor, expired.Token), InvitationEndpoints.InvitationExpired);
        (await PendingAsync(business, lead)).ShouldBeEmpty();
        var again = await InvitedAsync(business, lead, expiredFor, "Approver");
        (await QueryAsync(db => db.Invitations.SingleAsync(i => i.Id == expired.Id))).Status.ShouldBe(InvitationStatus.Expired);

        // The link reached someone else (forwarded): it is not theirs to use.
        var stranger = TestUser.Create("Stranger");
        using var wrong = await AcceptAsync(stranger, again.Token);
        wrong.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await Problem(wrong)).GetProperty("code").GetString().ShouldBe(InvitationEndpoints.WrongAccount);
        (await QueryAsync(db => db.Memberships.AnyAsync(m => m.BusinessId == business.Id && m.UserSubject == stranger.Subject))).ShouldBeFalse();
        (await AcceptAsync(expiredFor, again.Token)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_member_s_address_and_an_address_already_invited_are_refused()
    {
        var (business, lead) = await BusinessWithLeadUserAsync();
        var member = TestUser.Create("Member");
        await fixture.Api.AddMemberAsync(business, member.Subject, MembershipRole.Viewer, member.Email, member.Name);
        await AssertConflictAsync(await InviteAsync(business, lead, member.Email.ToUpperInvariant(), "Editor"), InvitationEndpoints.AlreadyMember);

        var invitee = TestUser.Create("Twice");
        await InvitedAsync(business, lead, invitee, "Viewer");
        await AssertConflictAsync(await InviteAsync(business, lead, invitee.Email, "Editor"), InvitationEndpoints.InvitationPending);
    }

    [Fact]
    public async Task Only_the_business_s_Lead_Users_invite_list_and_revoke()
    {
        var scenario = await MembershipScenario.CreateAsync(fixture);
        var business = scenario.Business;
        var lead = TestUser.Create("Lead");
        await fixture.Api.AddMemberAsync(business, lead.Subject, MembershipRole.LeadUser, lead.Email, lead.Name);
        var invitation = await InvitedAsync(business, lead, TestUser.Create("Someone"), "Viewer");
        var viewer = TestUser.Create("Viewer");
        await fixture.Api.AddMemberAsync(business, viewer.Subject, MembershipRole.Viewer, viewer.Email, viewer.Name);
        var (otherBusiness, otherLead) = await BusinessWithLeadUserAsync();
        var callers = new Dictionary<string, string?>
        {
            ["a Viewer of the business"] = fixture.TokenFor(viewer),
            ["a Lead User of another business"] = fixture.TokenFor(otherLead),
            ["regulator staff of the business's county"] = fixture.TokenFor(TestUser.Regulator(await scenario.AgencyCodeAsync())),
        };

        foreach (var (who, token) in callers)
        {
            (await fixture.PostJsonAsync(InvitationsPath(business), token, JsonSerializer.Serialize(new { email = "x@example.com", role = "Viewer" })))
                .StatusCode.ShouldBe(HttpStatusCode.NotFound, who);
            (await fixture.GetAsync(InvitationsPath(business), token)).StatusCode.ShouldBe(HttpStatusCode.NotFound, who);
            (await fixture.PostJsonAsync($"{InvitationsPath(business)}/{invitation.Id}/revoke", token, "{}")).StatusCode.ShouldBe(HttpStatusCode.NotFound, who);
        }

        (await fixture.PostJsonAsync(InvitationsPath(business), null, "{}")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await fixture.GetAsync(InvitationsPath(business), null)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await fixture.PostJsonAsync("/api/invitations/accept", null, Body(invitation.Token))).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        // Another business's Lead User cannot revoke this one's invitation through their own business either.
        (await RevokeAsync(otherBusiness, otherLead, invitation.Id)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await QueryAsync(db => db.Invitations.SingleAsync(i => i.Id == invitation.Id))).Status.ShouldBe(InvitationStatus.Pending);
    }

    [Theory]
    [InlineData("""{"role":"Viewer"}""", "email")]
    [InlineData("""{"email":"not an address","role":"Viewer"}""", "email")]
    [InlineData("""{"email":"a@example.com, b@example.com","role":"Viewer"}""", "email")]
    [InlineData("""{"email":"a@example.com","role":"Owner"}""", "role")]
    [InlineData("""{"email":"a@example.com"}""", "role")]
    [InlineData("""{"email":42,"role":"Viewer"}""", "email")]
    [InlineData("""[1,2]""", "body")]
    public async Task A_malformed_invitation_is_a_400_with_the_field_named(string body, string field)
    {
        var (business, lead) = await BusinessWithLeadUserAsync();
        using var response = await fixture.PostJsonAsync(InvitationsPath(business), fixture.TokenFor(lead), body);
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await Problem(response)).GetProperty("errors").TryGetProperty(field, out _).ShouldBeTrue(await response.Content.ReadAsStringAsync());
        (await QueryAsync(db => db.Invitations.CountAsync(i => i.BusinessId == business.Id))).ShouldBe(0);
    }

    [Theory]
    [InlineData("""{"token":"not-a-token-of-ours-at-all-0123456789"}""")]
    [InlineData("""{"token":""}""")]
    [InlineData("""{}""")]
    public async Task An_unknown_link_is_not_found(string body)
    {
        var someone = TestUser.Create();
        (await fixture.PostJsonAsync("/api/invitations/preview", fixture.TokenFor(someone), body)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await fixture.PostJsonAsync("/api/invitations/accept", fixture.TokenFor(someone), body)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Accepting_and_revoking_one_invitation_at_once_has_exactly_one_outcome()
    {
        var (business, lead) = await BusinessWithLeadUserAsync();
        for (var round = 0; round < 4; round++)
        {
            var invitee = TestUser.Create("Racer");
            var invitation = await InvitedAsync(business, lead, invitee, "Editor");
            var accept = AcceptAsync(invitee, invitation.Token);
            var revoke = RevokeAsync(business, lead, invitation.Id);
            using var accepted = await accept;
            using var revoked = await revoke;

            var stored = await QueryAsync(db => db.Invitations.SingleAsync(i => i.Id == invitation.Id));
            var member = await QueryAsync(db => db.Memberships.AnyAsync(m => m.BusinessId == business.Id && m.UserSubject == invitee.Subject));
            if (accepted.StatusCode == HttpStatusCode.OK)
            {
                revoked.StatusCode.ShouldBe(HttpStatusCode.Conflict);
                stored.Status.ShouldBe(InvitationStatus.Accepted);
                member.ShouldBeTrue();
            }
            else
            {
                accepted.StatusCode.ShouldBe(HttpStatusCode.Conflict);
                (await Problem(accepted)).GetProperty("code").GetString().ShouldBe(InvitationEndpoints.InvitationRevoked);
                revoked.StatusCode.ShouldBe(HttpStatusCode.NoContent);
                stored.Status.ShouldBe(InvitationStatus.Revoked);
                member.ShouldBeFalse();
            }
        }
    }

    [Fact]
    public async Task An_invitation_accepted_while_the_same_person_s_request_is_approved_makes_one_membership_and_no_error()
    {
        for (var round = 0; round < 4; round++)
        {
            var scenario = await AccessRequestScenario.CreateAsync(fixture);
            var lead = await scenario.AddLeadUserAsync();
            var person = TestUser.Create("Both");
            var request = await scenario.RequestAccessOkAsync(person);
            using var invited = await InviteAsync(scenario.Business, lead, person.Email, "Viewer");
            invited.StatusCode.ShouldBe(HttpStatusCode.Created, await invited.Content.ReadAsStringAsync());
            var token = TokenIn(await fixture.Smtp.WaitForAsync(person.Email, $"invited you to {scenario.Business.Name}"));

            var answers = await Task.WhenAll(
                AcceptAsync(person, token),
                scenario.ApproveAsync(fixture.TokenFor(lead), request.Id, "Editor", request.Version));
            foreach (var answer in answers)
            {
                ((int)answer.StatusCode).ShouldBeLessThan(500, $"round {round}: {await answer.Content.ReadAsStringAsync()}");
                answer.Dispose();
            }

            (await QueryAsync(db => db.Memberships.CountAsync(m => m.BusinessId == scenario.Business.Id && m.UserSubject == person.Subject
                && m.Status == MembershipStatus.Active))).ShouldBe(1, $"round {round}");
        }
    }

    [Fact]
    public async Task A_business_s_invitations_are_held_to_the_request_limits()
    {
        await using var api = IsolatedFacilityApi.Start(fixture, ("AccessRequests:MaxPerHour", "2"), ("AccessRequests:MaxPerDay", "10"));
        var (business, _) = await api.NewFacilityAsync();
        var lead = await api.AddLeadUserAsync(business);
        async Task<HttpResponseMessage> PostAsync(string email)
        {
            using var caller = api.Host.CreateCaller();
            using var request = new HttpRequestMessage(HttpMethod.Post, InvitationsPath(business))
            {
                Content = new StringContent(JsonSerializer.Serialize(new { email, role = "Viewer" }), System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new("Bearer", fixture.TokenFor(lead, issuedAt: api.Clock.GetUtcNow()));
            return await caller.SendAsync(request);
        }

        (await PostAsync("one@example.com")).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await PostAsync("two@example.com")).StatusCode.ShouldBe(HttpStatusCode.Created);
        using var third = await PostAsync("three@example.com");
        third.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        third.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldNotBeNull().ShouldBeGreaterThan(TimeSpan.FromMinutes(59));
        (await Problem(third)).GetProperty("code").GetString().ShouldBe(InvitationEndpoints.TooManyInvitations);

        await api.AdvanceAsync(TimeSpan.FromMinutes(61));
        (await PostAsync("three@example.com")).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    private sealed record SentInvitation(long Id, string Token);

    private async Task<(Business Business, TestUser Lead)> BusinessWithLeadUserAsync()
    {
        var scenario = await MembershipScenario.CreateAsync(fixture);
        var lead = TestUser.Create("Lead");
        await fixture.Api.AddMemberAsync(scenario.Business, lead.Subject, MembershipRole.LeadUser, lead.Email, lead.Name);
        return (scenario.Business, lead);
    }

    private static string InvitationsPath(Business business) => $"/api/businesses/{business.OrganizationCode}/invitations";

    private Task<HttpResponseMessage> InviteAsync(Business business, TestUser lead, string email, string role) =>
        fixture.PostJsonAsync(InvitationsPath(business), fixture.TokenFor(lead), JsonSerializer.Serialize(new { email, role }));

    private async Task<SentInvitation> InvitedAsync(Business business, TestUser lead, TestUser invitee, string role)
    {
        var before = fixture.Smtp.Find(invitee.Email, "invited you to").Count;
        using var response = await InviteAsync(business, lead, invitee.Email, role);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var view = (await response.Content.ReadFromJsonAsync<InvitationView>(Json)).ShouldNotBeNull();
        var email = (await fixture.Smtp.WaitForCountAsync(invitee.Email, "invited you to", before + 1))[before];
        return new SentInvitation(view.Id, TokenIn(email));
    }

    private Task<HttpResponseMessage> AcceptAsync(TestUser invitee, string token) =>
        fixture.PostJsonAsync("/api/invitations/accept", fixture.TokenFor(invitee), Body(token));

    private Task<HttpResponseMessage> RevokeAsync(Business business, TestUser lead, long id) =>
        fixture.PostJsonAsync($"{InvitationsPath(business)}/{id}/revoke", fixture.TokenFor(lead), "{}");

    private async Task<List<InvitationView>> PendingAsync(Business business, TestUser lead)
    {
        using var response = await fixture.GetAsync(InvitationsPath(business), fixture.TokenFor(lead));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return (await response.Content.ReadFromJsonAsync<List<InvitationView>>(Json)).ShouldNotBeNull();
    }

    private async Task<List<string>> AuditKindsAsync(Business business) =>
        await QueryAsync(db => db.AuditEvents.Where(a => a.BusinessId == business.Id).OrderBy(a => a.Id).Select(a => a.Kind).ToListAsync());

    private async Task<T> QueryAsync<T>(Func<FacilityDbContext, Task<T>> query)
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<FacilityDbContext>());
    }

    private static string Body(string token) => JsonSerializer.Serialize(new { token });

    private static string TokenIn(MimeKit.MimeMessage email)
    {
        var match = System.Text.RegularExpressions.Regex.Match(email.TextBody ?? "", @"/Invitations/Accept\?token=([A-Za-z0-9_-]+)");
        match.Success.ShouldBeTrue(email.TextBody);
        return match.Groups[1].Value;
    }

    private static async Task<JsonElement> Problem(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

    private static async Task AssertConflictAsync(HttpResponseMessage response, string code)
    {
        using (response)
        {
            response.StatusCode.ShouldBe(HttpStatusCode.Conflict, await response.Content.ReadAsStringAsync());
            (await Problem(response)).GetProperty("code").GetString().ShouldBe(code);
        }
    }
}
