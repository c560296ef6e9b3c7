using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Cers.FacilityApi.AccessRequests;
using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Facilities;
using Cers.FacilityApi.History;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Tests.AccessRequests;
using Cers.FacilityApi.Tests.Infrastructure;
using Cers.FacilityApi.Transfers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.FacilityApi.Tests.Transfers;

/// <summary>
/// Facility transfers over real HTTP and the real SMTP listener: asked by the receiving business's Lead User and decided by
/// the facility's regulator, made at once by a regulator, an address change that moves the facility to another regulator,
/// a transfer while an access request through the facility waits, who may not decide (whoever asked, a member of either
/// business, another county), two decisions at once, and bad input.
/// </summary>
[Collection(FacilityApiCollection.Name)]
public sealed class TransferTests(FacilityApiFixture fixture)
{
    private static JsonSerializerOptions Json => AccessRequestScenario.Json;

    [Fact]
    public async Task A_transfer_asked_by_the_receiving_Lead_User_and_approved_by_the_regulator_moves_the_facility_and_ends_the_old_business_s_access()
    {
        var (seller, facility, sellerLead) = await BusinessAsync("Seller");
        var (buyer, _, buyerLead) = await BusinessAsync("Buyer");
        var sellerViewer = TestUser.Create("SellerViewer");
        await fixture.Api.AddMemberAsync(seller, sellerViewer.Subject, MembershipRole.Viewer, sellerViewer.Email, sellerViewer.Name);
        var regulator = TestUser.Regulator(await AgencyCodeAsync(facility));

        var asked = await AskOkAsync(buyerLead, facility, new { toOrganizationCode = buyer.OrganizationCode, note = "We bought the yard in May." });
        (asked.Status, asked.From.OrganizationCode, asked.To.OrganizationCode, asked.Note).ShouldBe(
            (TransferStatus.Pending, seller.OrganizationCode, buyer.OrganizationCode, "We bought the yard in May."));
        // The seller's Lead User hears of it before anything moves, and the agency is asked to decide.
        await fixture.Smtp.WaitForAsync(sellerLead.Email, $"a transfer of {facility.Name} was asked");
        await fixture.Smtp.WaitForAsync(await AgencyEmailAsync(facility), "facility transfer waiting for");
        (await WaitingAsync(regulator)).Select(t => t.Id).ShouldContain(asked.Id);
        await AssertCodeAsync(await AskAsync(buyerLead, facility, new { toOrganizationCode = buyer.OrganizationCode }),
            HttpStatusCode.Conflict, TransferEndpoints.TransferPending);

        var approved = await DecideOkAsync(regulator, asked, approve: true);
        (approved.Status, approved.DecidedByName).ShouldBe((TransferStatus.Approved, regulator.Name));
        (await StoredFacilityAsync(facility)).BusinessId.ShouldBe(buyer.Id);
        (await WaitingAsync(regulator)).Select(t => t.Id).ShouldNotContain(asked.Id);

        // The CERS ID stays; the buyer's members see the facility, the seller's no longer do.
        using (var buyerView = await fixture.GetAsync($"/api/businesses/{buyer.OrganizationCode}", fixture.TokenFor(buyerLead)))
        {
            var details = (await buyerView.Content.ReadFromJsonAsync<BusinessDetailsView>(Json)).ShouldNotBeNull();
            details.Facilities.Select(f => f.CersId).ShouldContain(facility.CersId);
        }

        (await fixture.GetAsync($"/api/facilities/{facility.CersId}", fixture.TokenFor(sellerViewer))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await fixture.GetAsync($"/api/facilities/{facility.CersId}", fixture.TokenFor(buyerLead))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await fixture.GetAsync($"/api/facilities/{facility.CersId}/history", fixture.TokenFor(sellerLead))).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using (var sellerView = await fixture.GetAsync($"/api/businesses/{seller.OrganizationCode}", fixture.TokenFor(sellerViewer)))
        {
            (await sellerView.Content.ReadFromJsonAsync<BusinessDetailsView>(Json)).ShouldNotBeNull()
                .Facilities.Select(f => f.CersId).ShouldNotContain(facility.CersId);
        }

        // Both sides are told.
        await fixture.Smtp.WaitForAsync(sellerLead.Email, $"{facility.Name} moved to another business");
        await fixture.Smtp.WaitForAsync(buyerLead.Email, $"{facility.Name} is now with {buyer.Name}");

        // Both businesses' timelines say so, and the facility's once.
        (await HistoryKindsAsync($"/api/businesses/{seller.OrganizationCode}/history", sellerLead))
            .ShouldBe([BusinessHistoryKinds.Transferred, BusinessHistoryKinds.TransferRequested]);
        (await HistoryKindsAsync($"/api/businesses/{buyer.OrganizationCode}/history", buyerLead))
            .ShouldBe([BusinessHistoryKinds.Transferred, BusinessHistoryKinds.TransferRequested]);
        (await HistoryKindsAsync($"/api/facilities/{facility.CersId}/history", buyerLead))
            .ShouldBe([BusinessHistoryKinds.Transferred, BusinessHistoryKinds.TransferRequested]);
        var audit = await QueryAsync(db => db.AuditEvents.Where(a => a.TransferId == asked.Id && a.Kind == AuditKinds.FacilityTransferred)
            .Select(a => new { a.BusinessId, a.ActorAgencyCode, a.FacilityCersId }).ToListAsync());
        audit.Select(a => a.BusinessId).Order().ShouldBe(new int?[] { seller.Id, buyer.Id }.Order());
        audit.ShouldAllBe(a => a.ActorAgencyCode == regulator.AgencyCode && a.FacilityCersId == facility.CersId);
    }

    [Fact]
    public async Task A_transfer_while_an_access_request_through_the_facility_waits_closes_the_request_and_tells_the_requester()
    {
        var (seller, facility, sellerLead) = await BusinessAsync("Seller");
        var (buyer, _, buyerLead) = await BusinessAsync("Buyer");
        var requester = TestUser.Create("Requester");
        var request = await RequestAccessAsync(requester, facility);
        var regulator = TestUser.Regulator(await AgencyCodeAsync(facility));

        var asked = await AskOkAsync(buyerLead, facility, new { toOrganizationCode = buyer.OrganizationCode });
        await DecideOkAsync(regulator, asked, approve: true);

        var stored = await QueryAsync(db => db.AccessRequests.Include(r => r.Events).SingleAsync(r => r.Id == request.Id));
        stored.Status.ShouldBe(AccessRequestStatus.Withdrawn);
        stored.Events.OrderBy(e => e.Id).Last().Detail.ShouldBe($"Closed: facility {facility.CersId} moved to another business (transfer {asked.Id}).");
        var email = await fixture.Smtp.WaitForAsync(requester.Email, $"your access request for {seller.Name} was closed");
        (email.TextBody ?? "").ShouldContain("search for it again");

        // The old business's Lead User can no longer grant access through it.
        using var late = await fixture.PostJsonAsync($"/api/access-requests/{request.Id}/approve", fixture.TokenFor(sellerLead),
            JsonSerializer.Serialize(new { grantedRole = "Editor", version = request.Version }));
        late.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await QueryAsync(db => db.Memberships.AnyAsync(m => m.UserSubject == requester.Subject))).ShouldBeFalse();

        // The requester may ask the new business.
        var again = await RequestAccessAsync(requester, facility);
        again.Business.OrganizationCode.ShouldBe(buyer.OrganizationCode);

        // The facility's regulator reads its whole timeline, the closed request with why; its new Lead User only what is theirs.
        var whole = await HistoryAsync($"/api/facilities/{facility.CersId}/history", regulator);
        whole.Where(e => e.Kind == BusinessHistoryKinds.Withdrawn).ShouldHaveSingleItem().Detail
            .ShouldBe($"Closed: facility {facility.CersId} moved to another business (transfer {asked.Id}).");
        whole.Count(e => e.Kind == BusinessHistoryKinds.Requested).ShouldBe(2);
        var theirs = await HistoryAsync($"/api/facilities/{facility.CersId}/history", buyerLead);
        theirs.Select(e => e.Kind).ShouldBe([BusinessHistoryKinds.Requested, BusinessHistoryKinds.Transferred, BusinessHistoryKinds.TransferRequested]);
        theirs[0].Person.ShouldBe(requester.Name);
    }

    [Fact]
    public async Task A_regulator_moves_a_facility_at_once_but_never_into_a_business_they_belong_to_and_nobody_decides_their_own()
    {
        var (seller, facility, sellerLead) = await BusinessAsync("Seller");
        var (buyer, _, buyerLead) = await BusinessAsync("Buyer");
        var agency = await AgencyCodeAsync(facility);
        var regulator = TestUser.Regulator(agency);

        var moved = await AskOkAsync(regulator, facility, new { toOrganizationCode = buyer.OrganizationCode });
        (moved.Status, moved.RequestedByAgencyCode, moved.DecidedByName).ShouldBe((TransferStatus.Approved, agency, regulator.Name));
        (await StoredFacilityAsync(facility)).BusinessId.ShouldBe(buyer.Id);
        await fixture.Smtp.WaitForAsync(sellerLead.Email, $"{facility.Name} moved to another business");
        await fixture.Smtp.WaitForAsync(buyerLead.Email, $"{facility.Name} is now with");

        // A regulator who is a Lead User of the receiving business only asks, like any Lead User ...
        var insider = TestUser.Regulator(agency);
        await fixture.Api.AddMemberAsync(seller, insider.Subject, MembershipRole.LeadUser, insider.Email, insider.Name);
        var asked = await AskOkAsync(insider, facility, new { toOrganizationCode = seller.OrganizationCode });
        asked.Status.ShouldBe(TransferStatus.Pending);

        // ... and may not decide it; nor may a member of the business giving it up, nor another county's regulator.
        await AssertCodeAsync(await DecideAsync(insider, asked, approve: true), HttpStatusCode.Forbidden, TransferEndpoints.OwnTransfer);
        var buyerInsider = TestUser.Regulator(agency);
        await fixture.Api.AddMemberAsync(buyer, buyerInsider.Subject, MembershipRole.Viewer);
        await AssertCodeAsync(await DecideAsync(buyerInsider, asked, approve: false, reason: "No."), HttpStatusCode.Forbidden, TransferEndpoints.OwnTransfer);
        var yolo = TestUser.Regulator(await QueryAsync(db => db.Agencies.Where(a => a.County == "Yolo").Select(a => a.Code).FirstAsync()));
        (await DecideAsync(yolo, asked, approve: true)).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await WaitingAsync(yolo)).Select(t => t.Id).ShouldNotContain(asked.Id);
        // Nor may another county's regulator move it: they are told it is another agency's, not that they lead no business.
        using (var elsewhere = await AskAsync(yolo, facility, new { toOrganizationCode = seller.OrganizationCode }))
        {
            elsewhere.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await elsewhere.Content.ReadAsStringAsync()).ShouldContain("Another agency regulates this facility");
        }

        (await StoredFacilityAsync(facility)).BusinessId.ShouldBe(buyer.Id);

        // Another regulator of the agency denies it, with a reason the asker is told.
        var reason = "The sale fell through. " + new string('x', 977);
        var denied = await DecideOkAsync(regulator, asked, approve: false, reason: reason);
        (denied.Status, denied.Reason).ShouldBe((TransferStatus.Denied, reason));
        // Audited on both businesses' timelines, cut to the column (PostgreSQL refuses a longer one).
        var audited = await QueryAsync(db => db.AuditEvents.Where(a => a.TransferId == asked.Id && a.Kind == AuditKinds.TransferDenied).ToListAsync());
        audited.Select(a => a.BusinessId).Order().ShouldBe(new int?[] { seller.Id, buyer.Id }.Order());
        audited.ShouldAllBe(a => a.Detail!.Length <= 1000 && a.Detail.EndsWith('…'));
        await fixture.Smtp.WaitForAsync(insider.Email, $"transfer of {facility.Name} denied");
        // The giving business (the buyer now) was told it was asked, and is told it was denied.
        (await fixture.Smtp.WaitForAsync(buyerLead.Email, $"transfer of {facility.Name} denied")).TextBody.ShouldNotBeNull()
            .ShouldContain("the facility stays with your business");
        (await StoredFacilityAsync(facility)).BusinessId.ShouldBe(buyer.Id);
    }

    [Fact]
    public async Task An_address_change_moves_the_facility_to_its_new_regulator_and_keeps_its_CERS_ID()
    {
        var (business, facility, lead) = await BusinessAsync("Mover");
        var street = $"{UniqueNames.Number()} {UniqueNames.Word()} Ave";
        var asked = await AskOkAsync(lead, facility, new { street, city = "Davis", zip = "95616" });
        asked.NewAddress.ShouldBe(new TransferView.AddressView(street, "Davis", "95616"));
        asked.From.ShouldBe(asked.To);

        await DecideOkAsync(TestUser.Regulator(await AgencyCodeAsync(facility)), asked, approve: true);
        var moved = await StoredFacilityAsync(facility);
        (moved.CersId, moved.Street, moved.City, moved.Zip, moved.County, moved.BusinessId).ShouldBe((facility.CersId, street, "Davis", "95616", "Yolo", business.Id));
        (await QueryAsync(db => db.Agencies.Where(a => a.Id == moved.AgencyId).Select(a => a.County).SingleAsync())).ShouldBe("Yolo");

        // Address search finds it at its new address, not its old one.
        using var found = await fixture.GetAsync($"/api/facilities/search?street={Uri.EscapeDataString(street)}&city=Davis", fixture.TokenFor(lead));
        (await found.Content.ReadAsStringAsync()).ShouldContain(facility.CersId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await fixture.Smtp.WaitForAsync(lead.Email, $"{facility.Name} has a new address");
    }

    [Fact]
    public async Task Of_an_approval_and_a_denial_at_once_exactly_one_wins()
    {
        for (var round = 0; round < 4; round++)
        {
            var (_, facility, _) = await BusinessAsync("Race");
            var (buyer, _, buyerLead) = await BusinessAsync("Buyer");
            var agency = await AgencyCodeAsync(facility);
            var asked = await AskOkAsync(buyerLead, facility, new { toOrganizationCode = buyer.OrganizationCode });

            var responses = await Task.WhenAll(
                DecideAsync(TestUser.Regulator(agency), asked, approve: true),
                DecideAsync(TestUser.Regulator(agency), asked, approve: false, reason: "Not sold."));
            responses.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1, $"round {round}");
            responses.Count(r => r.StatusCode == HttpStatusCode.Conflict).ShouldBe(1, $"round {round}");
            var stored = await QueryAsync(db => db.Transfers.SingleAsync(t => t.Id == asked.Id));
            (await StoredFacilityAsync(facility)).BusinessId.ShouldBe(stored.Status == TransferStatus.Approved ? buyer.Id : facility.BusinessId);
            (await QueryAsync(db => db.AuditEvents.CountAsync(a => a.TransferId == asked.Id
                && a.Kind == (stored.Status == TransferStatus.Approved ? AuditKinds.FacilityTransferred : AuditKinds.TransferDenied))))
                .ShouldBe(2, "one on each business's timeline");
            (await QueryAsync(db => db.AuditEvents.CountAsync(a => a.TransferId == asked.Id
                && a.Kind == (stored.Status == TransferStatus.Approved ? AuditKinds.TransferDenied : AuditKinds.FacilityTransferred)))).ShouldBe(0);
        }
    }

    [Fact]
    public async Task Whoever_asked_withdraws_a_pending_transfer_and_nobody_else_does()
    {
        var (_, facility, sellerLead) = await BusinessAsync("Seller");
        var (buyer, _, buyerLead) = await BusinessAsync("Buyer");
        var asked = await AskOkAsync(buyerLead, facility, new { toOrganizationCode = buyer.OrganizationCode });

        (await fixture.PostJsonAsync($"/api/transfers/{asked.Id}/withdraw", fixture.TokenFor(sellerLead), "{}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        using var withdrawn = await fixture.PostJsonAsync($"/api/transfers/{asked.Id}/withdraw", fixture.TokenFor(buyerLead), "{}");
        (await withdrawn.Content.ReadFromJsonAsync<TransferView>(Json)).ShouldNotBeNull().Status.ShouldBe(TransferStatus.Withdrawn);
        await fixture.Smtp.WaitForAsync(sellerLead.Email, $"transfer of {facility.Name} withdrawn");
        await fixture.Smtp.WaitForAsync(await AgencyEmailAsync(facility), "facility transfer withdrawn");
        await AssertCodeAsync(await fixture.PostJsonAsync($"/api/transfers/{asked.Id}/withdraw", fixture.TokenFor(buyerLead), "{}"),
            HttpStatusCode.Conflict, TransferEndpoints.NotPending);
        await AssertCodeAsync(await DecideAsync(TestUser.Regulator(await AgencyCodeAsync(facility)), asked with { Version = asked.Version + 1 }, approve: true),
            HttpStatusCode.Conflict, TransferEndpoints.NotPending);
        (await StoredFacilityAsync(facility)).BusinessId.ShouldBe(facility.BusinessId);
    }

    [Fact]
    public async Task A_business_s_transfer_requests_are_held_to_the_request_limits_but_a_regulator_s_moves_are_not()
    {
        await using var api = IsolatedFacilityApi.Start(fixture, ("AccessRequests:MaxPerHour", "2"), ("AccessRequests:MaxPerDay", "10"));
        var (buyer, _) = await api.NewFacilityAsync();
        var lead = await api.AddLeadUserAsync(buyer);
        var facilities = new List<Facility>();
        for (var i = 0; i < 4; i++)
        {
            facilities.Add((await api.NewFacilityAsync()).Facility);
        }

        async Task<HttpResponseMessage> AskAsync(TestUser caller, Facility facility)
        {
            using var client = api.Host.CreateCaller();
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/facilities/{facility.CersId}/transfers")
            {
                Content = new StringContent(JsonSerializer.Serialize(new { toOrganizationCode = buyer.OrganizationCode }), System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new("Bearer", fixture.TokenFor(caller, issuedAt: api.Clock.GetUtcNow()));
            return await client.SendAsync(request);
        }

        (await AskAsync(lead, facilities[0])).StatusCode.ShouldBe(HttpStatusCode.Created);
        (await AskAsync(lead, facilities[1])).StatusCode.ShouldBe(HttpStatusCode.Created);
        using (var third = await AskAsync(lead, facilities[2]))
        {
            third.Headers.RetryAfter.ShouldNotBeNull().Delta.ShouldNotBeNull().ShouldBeGreaterThan(TimeSpan.FromMinutes(59));
            await AssertCodeAsync(third, HttpStatusCode.TooManyRequests, TransferEndpoints.TooManyTransfers);
        }

        (await api.QueryAsync(db => db.Transfers.CountAsync(t => t.ToBusinessId == buyer.Id))).ShouldBe(2);
        var regulator = TestUser.Regulator(await api.QueryAsync(db => db.Agencies.Where(a => a.Id == facilities[3].AgencyId).Select(a => a.Code).SingleAsync()));
        (await AskAsync(regulator, facilities[3])).StatusCode.ShouldBe(HttpStatusCode.Created);

        await api.AdvanceAsync(TimeSpan.FromMinutes(61));
        (await AskAsync(lead, facilities[2])).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Bad_transfer_input_is_answered_with_field_errors_and_changes_nothing()
    {
        var (_, facility, lead) = await BusinessAsync("Strict");
        var (buyer, _, buyerLead) = await BusinessAsync("Buyer");
        var token = fixture.TokenFor(buyerLead);

        async Task Field(object body, string field)
        {
            using var response = await AskAsync(buyerLead, facility, body);
            response.StatusCode.ShouldBe(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
            (await response.Content.ReadAsStringAsync()).ShouldContain($"\"{field}\"");
        }

        await Field(new { }, "toOrganizationCode");
        await Field(new { toOrganizationCode = "99999999" }, "toOrganizationCode");
        await Field(new { toOrganizationCode = buyer.OrganizationCode, street = "Main St", city = "Sacramento", zip = "95814" }, "street");
        await Field(new { toOrganizationCode = buyer.OrganizationCode, street = "1 Main St", city = "Atlantis", zip = "95814" }, "city");
        await Field(new { toOrganizationCode = buyer.OrganizationCode, street = "1 Main St", city = "Sacramento" }, "zip");
        await Field(new { toOrganizationCode = buyer.OrganizationCode, note = new string('x', 1001) }, "note");
        // The facility's own Lead User, asking for no other business and no new address.
        using (var nothing = await AskAsync(lead, facility, new { }))
        {
            nothing.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
            (await nothing.Content.ReadAsStringAsync()).ShouldContain("Give another business");
        }

        (await fixture.PostJsonAsync($"/api/facilities/{facility.CersId}/transfers", token, "{not json")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await fixture.PostJsonAsync("/api/facilities/1/transfers", token, "{}")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await fixture.GetAsync("/api/transfers/waiting?page=0", fixture.TokenFor(TestUser.Regulator(await AgencyCodeAsync(facility)))))
            .StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        var asked = await AskOkAsync(buyerLead, facility, new { toOrganizationCode = buyer.OrganizationCode });
        var regulator = TestUser.Regulator(await AgencyCodeAsync(facility));
        (await DecideAsync(regulator, asked, approve: false)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using (var noVersion = await fixture.PostJsonAsync($"/api/transfers/{asked.Id}/approve", fixture.TokenFor(regulator), "{}"))
        {
            noVersion.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        }

        await AssertCodeAsync(await DecideAsync(regulator, asked with { Version = asked.Version + 7 }, approve: true), HttpStatusCode.Conflict,
            TransferEndpoints.TransferConflict);
        (await QueryAsync(db => db.Transfers.SingleAsync(t => t.Id == asked.Id))).Status.ShouldBe(TransferStatus.Pending);
        (await QueryAsync(db => db.Transfers.CountAsync(t => t.FacilityCersId == facility.CersId))).ShouldBe(1);
    }

    private async Task<(Business Business, Facility Facility, TestUser Lead)> BusinessAsync(string name)
    {
        var business = await fixture.Api.AddBusinessAsync($"{UniqueNames.Word()} {name} Inc");
        var facility = await fixture.Api.AddFacilityAsync(business, $"{UniqueNames.Number()} {UniqueNames.Word()} St", name: $"{UniqueNames.Word()} Yard");
        var lead = TestUser.Create(name + "Lead");
        await fixture.Api.AddMemberAsync(business, lead.Subject, MembershipRole.LeadUser, lead.Email, lead.Name);
        return (business, facility, lead);
    }

    private Task<HttpResponseMessage> AskAsync(TestUser caller, Facility facility, object body) =>
        fixture.PostJsonAsync($"/api/facilities/{facility.CersId}/transfers", fixture.TokenFor(caller), JsonSerializer.Serialize(body));

    private async Task<TransferView> AskOkAsync(TestUser caller, Facility facility, object body)
    {
        using var response = await AskAsync(caller, facility, body);
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TransferView>(Json)).ShouldNotBeNull();
    }

    private Task<HttpResponseMessage> DecideAsync(TestUser regulator, TransferView transfer, bool approve, string? reason = null) =>
        fixture.PostJsonAsync($"/api/transfers/{transfer.Id}/{(approve ? "approve" : "deny")}", fixture.TokenFor(regulator),
            JsonSerializer.Serialize(new { version = transfer.Version, reason }));

    private async Task<TransferView> DecideOkAsync(TestUser regulator, TransferView transfer, bool approve, string? reason = null)
    {
        using var response = await DecideAsync(regulator, transfer, approve, reason);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<TransferView>(Json)).ShouldNotBeNull();
    }

    private async Task<List<TransferView>> WaitingAsync(TestUser regulator)
    {
        using var response = await fixture.GetAsync("/api/transfers/waiting?pageSize=100", fixture.TokenFor(regulator));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return [.. (await response.Content.ReadFromJsonAsync<TransferPage>(Json)).ShouldNotBeNull().Items];
    }

    private async Task<AccessRequestView> RequestAccessAsync(TestUser requester, Facility facility)
    {
        using var response = await fixture.PostJsonAsync("/api/access-requests", fixture.TokenFor(requester),
            JsonSerializer.Serialize(new { cersId = facility.CersId, phone = "916-555-0100", title = "EHS Manager", requestedRole = "Editor" }));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<AccessRequestView>(Json)).ShouldNotBeNull();
    }

    private async Task<List<BusinessHistoryEntry>> HistoryAsync(string path, TestUser caller)
    {
        using var response = await fixture.GetAsync(path, fixture.TokenFor(caller));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return [.. (await response.Content.ReadFromJsonAsync<FacilityHistoryPage>(Json)).ShouldNotBeNull().Items];
    }

    private async Task<List<string>> HistoryKindsAsync(string path, TestUser caller)
    {
        using var response = await fixture.GetAsync(path, fixture.TokenFor(caller));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. page.RootElement.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("kind").GetString()!)
            .Where(k => k.StartsWith("transfer", StringComparison.Ordinal))];
    }

    private Task<Facility> StoredFacilityAsync(Facility facility) => QueryAsync(db => db.Facilities.AsNoTracking().SingleAsync(f => f.CersId == facility.CersId));

    private Task<string> AgencyCodeAsync(Facility facility) =>
        QueryAsync(db => db.Agencies.Where(a => a.Id == facility.AgencyId).Select(a => a.Code).SingleAsync());

    private Task<string> AgencyEmailAsync(Facility facility) =>
        QueryAsync(db => db.Agencies.Where(a => a.Id == facility.AgencyId).Select(a => a.ContactEmail!).SingleAsync());

    private async Task<T> QueryAsync<T>(Func<FacilityDbContext, Task<T>> query)
    {
        await using var scope = fixture.Api.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<FacilityDbContext>());
    }

    private static async Task AssertCodeAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(status, body);
            JsonDocument.Parse(body).RootElement.GetProperty("code").GetString().ShouldBe(code);
        }
    }
}
