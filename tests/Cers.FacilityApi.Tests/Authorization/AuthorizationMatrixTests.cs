using System.Net;
using System.Text.Json;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Facilities;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.FacilityApi.Tests.Authorization;

/// <summary>The kinds of caller the authorization matrix asks every endpoint about.</summary>
public enum CallerKind
{
    /// <summary>No token at all.</summary>
    Anonymous,

    /// <summary>A genuine user token carrying only <c>openid</c>: none of the API's scopes.</summary>
    WrongScope,

    /// <summary>The Lead User of another business, with the portal's scopes.</summary>
    MemberOfAnotherBusiness,

    /// <summary>An active Viewer of the business, with the portal's scopes.</summary>
    Viewer,

    /// <summary>An active Lead User of the business, with the portal's scopes.</summary>
    LeadUser,

    /// <summary>Regulator staff (role=regulator) of SAC-EMD, whose jurisdiction holds the business's Sacramento facility.</summary>
    RegulatorInJurisdiction,

    /// <summary>Regulator staff (role=regulator) of the Yolo County agency.</summary>
    RegulatorOutOfJurisdiction,

    /// <summary>The regulator API client of SAC-EMD: a real client_credentials token (facility.read facility.regulator).</summary>
    RegulatorApiClient,

    /// <summary>
    /// The requester of the pending request, who is also regulator staff of SAC-EMD: whatever their roles, nobody
    /// decides their own request (a regulator asking for the Lead User role and granting it to themself).
    /// </summary>
    RequesterWhoIsRegulator,
}

/// <summary>
/// Issue 4: every endpoint the API maps x every kind of caller gets exactly the expected status. Each cell arranges
/// its own business (one Sacramento facility, agency SAC-EMD, a Lead User and a Viewer), another
/// business with its own Lead User, and a fresh pending access request, so no cell depends on another.
/// </summary>
[Collection(FacilityApiCollection.Name)]
public sealed class AuthorizationMatrixTests(FacilityApiFixture fixture)
{
    private const HttpStatusCode Ok = HttpStatusCode.OK;
    private const HttpStatusCode Created = HttpStatusCode.Created;
    private const HttpStatusCode NoContent = HttpStatusCode.NoContent;
    private const HttpStatusCode BadRequest = HttpStatusCode.BadRequest;
    private const HttpStatusCode Unauthorized = HttpStatusCode.Unauthorized;
    private const HttpStatusCode Forbidden = HttpStatusCode.Forbidden;
    private const HttpStatusCode NotFound = HttpStatusCode.NotFound;
    private const HttpStatusCode Conflict = HttpStatusCode.Conflict;

    private static readonly SemaphoreSlim ClientTokenLock = new(1, 1);
    private static string? _clientToken;

    /// <summary>
    /// The whole matrix. Columns, in order: anonymous, wrong scope, member of another business, Viewer,
    /// Lead User, regulator in jurisdiction, regulator out of jurisdiction, regulator API client, and the
    /// requester of the pending request (regulator staff in jurisdiction too).
    /// </summary>
    private static readonly (string Endpoint, HttpStatusCode[] Expected)[] Table =
    [
        //                                                           anon          wrong scope  other biz   Viewer       Lead User    reg in       reg out      reg client   requester
        ("GET /api/me",                                             [Unauthorized, Forbidden,   Ok,         Ok,          Ok,          Ok,          Ok,          Ok,          Ok]),
        ("GET /api/agencies",                                       [Unauthorized, Forbidden,   Ok,         Ok,          Ok,          Ok,          Ok,          Ok,          Ok]),
        // A person's own emails: a regulator API client is not a person (no facility.access scope).
        ("GET /api/me/emails",                                      [Unauthorized, Forbidden,   Ok,         Ok,          Ok,          Ok,          Ok,          Forbidden,   Ok]),
        ("GET /api/facilities/search?cersId=",                      [Unauthorized, Forbidden,   Ok,         Ok,          Ok,          Ok,          Ok,          Ok,          Ok]),
        // Adding a facility to the business by its organization code: only its Lead User may; anyone else gets the
        // organizationCode field error (400), the same answer as for a business that does not exist. The regulator
        // API client has no facility.access scope.
        ("POST /api/facilities (organizationCode of the business)", [Unauthorized, Forbidden,   BadRequest, BadRequest,  Created,     BadRequest,  BadRequest,  Forbidden,   BadRequest]),
        ("GET /api/businesses/mine",                                [Unauthorized, Forbidden,   Ok,         Ok,          Ok,          Ok,          Ok,          Forbidden,   Ok]),
        // Members are visible to the business's members and to regulators of its facilities' agencies, regulator
        // API clients (facility.regulator) included.
        ("GET /api/businesses/{org}/members",                       [Unauthorized, Forbidden,   NotFound,   Ok,          Ok,          Ok,          NotFound,    Ok,          Ok]),
        // The access timeline: the business's Lead Users and the regulators of its facilities' agencies (the requester is
        // SAC-EMD staff too); not its other members.
        ("GET /api/businesses/{org}/history",                       [Unauthorized, Forbidden,   NotFound,   NotFound,    Ok,          Ok,          NotFound,    Ok,          Ok]),
        ("GET /api/businesses/{org}/history.csv",                   [Unauthorized, Forbidden,   NotFound,   NotFound,    Ok,          Ok,          NotFound,    Ok,          Ok]),
        ("POST /api/businesses/{org}/members/{id}/role",            [Unauthorized, Forbidden,   NotFound,   NotFound,    Ok,          NotFound,    NotFound,    Forbidden,   NotFound]),
        ("POST /api/businesses/{org}/members/{id}/remove",          [Unauthorized, Forbidden,   NotFound,   NotFound,    Ok,          NotFound,    NotFound,    Forbidden,   NotFound]),
        // Requesting access to the business: its own members are already members (409 already_member); the requester
        // already has a pending request (409 pending_request_exists).
        ("POST /api/access-requests",                               [Unauthorized, Forbidden,   Created,    Conflict,    Conflict,    Created,     Created,     Forbidden,   Conflict]),
        ("GET /api/access-requests/mine",                           [Unauthorized, Forbidden,   Ok,         Ok,          Ok,          Ok,          Ok,          Forbidden,   Ok]),
        ("GET /api/access-requests/waiting",                        [Unauthorized, Forbidden,   Ok,         Ok,          Ok,          Ok,          Ok,          Ok,          Ok]),
        // The requester and those who may decide it.
        ("GET /api/access-requests/{id}",                           [Unauthorized, Forbidden,   NotFound,   NotFound,    Ok,          Ok,          NotFound,    Ok,          Ok]),
        // Only the requester may withdraw.
        ("POST /api/access-requests/{id}/withdraw",                 [Unauthorized, Forbidden,   NotFound,   NotFound,    NotFound,    NotFound,    NotFound,    Forbidden,   Ok]),
        ("POST /api/access-requests/{id}/approve",                  [Unauthorized, Forbidden,   NotFound,   NotFound,    Ok,          Ok,          NotFound,    Ok,          Forbidden]),
        ("POST /api/access-requests/{id}/deny",                     [Unauthorized, Forbidden,   NotFound,   NotFound,    Ok,          Ok,          NotFound,    Ok,          Forbidden]),
        // Inviting people, and seeing and revoking the invitations, is the business's Lead Users' alone.
        ("POST /api/businesses/{org}/invitations",                  [Unauthorized, Forbidden,   NotFound,   NotFound,    Created,     NotFound,    NotFound,    Forbidden,   NotFound]),
        ("GET /api/businesses/{org}/invitations",                   [Unauthorized, Forbidden,   NotFound,   NotFound,    Ok,          NotFound,    NotFound,    Forbidden,   NotFound]),
        ("POST /api/businesses/{org}/invitations/{id}/revoke",      [Unauthorized, Forbidden,   NotFound,   NotFound,    NoContent,   NotFound,    NotFound,    Forbidden,   NotFound]),
        // The link's token is the secret: whoever holds it sees what it is for. The invitation is for the address of the
        // other business's Lead User, the only caller who may accept it (403 wrong_account for everyone else).
        ("POST /api/invitations/preview",                           [Unauthorized, Forbidden,   Ok,         Ok,          Ok,          Ok,          Ok,          Forbidden,   Ok]),
        ("POST /api/invitations/accept",                            [Unauthorized, Forbidden,   Ok,         Forbidden,   Forbidden,   Forbidden,   Forbidden,   Forbidden,   Forbidden]),
        // A regulator's export of its own jurisdiction's business users: regulators only (403 not_regulator for the rest).
        ("GET /api/regulator/business-users.csv",                   [Unauthorized, Forbidden,   Forbidden,  Forbidden,   Forbidden,   Ok,          Ok,          Ok,          Ok]),
        // The business's details: its members and its regulators read them; its Lead Users edit them.
        ("GET /api/businesses/{org}",                               [Unauthorized, Forbidden,   NotFound,   Ok,          Ok,          Ok,          NotFound,    Ok,          Ok]),
        ("POST /api/businesses/{org}/details",                      [Unauthorized, Forbidden,   NotFound,   NotFound,    Ok,          NotFound,    NotFound,    Forbidden,   NotFound]),
        // One facility: its business's members and its regulator read it; its Lead Users rename it; its regulator archives it.
        ("GET /api/facilities/{cersId}",                            [Unauthorized, Forbidden,   NotFound,   Ok,          Ok,          Ok,          NotFound,    Ok,          Ok]),
        ("POST /api/facilities/{cersId}/name",                      [Unauthorized, Forbidden,   NotFound,   NotFound,    Ok,          NotFound,    NotFound,    Forbidden,   NotFound]),
        ("POST /api/facilities/{cersId}/archive",                   [Unauthorized, Forbidden,   NotFound,   NotFound,    NotFound,    Ok,          NotFound,    Ok,          Ok]),
        ("GET /api/facilities/{cersId}/history",                    [Unauthorized, Forbidden,   NotFound,   NotFound,    Ok,          Ok,          NotFound,    Ok,          Ok]),
        ("GET /api/facilities/{cersId}/history.csv",                [Unauthorized, Forbidden,   NotFound,   NotFound,    Ok,          Ok,          NotFound,    Ok,          Ok]),
        // Moving the facility to the other business: that business's Lead User asks (pending); the facility's regulator
        // moves it at once; anyone else leads no receiving business (400 toOrganizationCode, as for one that does not exist).
        ("POST /api/facilities/{cersId}/transfers",                 [Unauthorized, Forbidden,   Created,    BadRequest,  BadRequest,  Created,     BadRequest,  Created,     Created]),
        ("GET /api/transfers/waiting",                              [Unauthorized, Forbidden,   Forbidden,  Forbidden,   Forbidden,   Ok,          Ok,          Ok,          Ok]),
        ("GET /api/businesses/{org}/transfers",                     [Unauthorized, Forbidden,   NotFound,   NotFound,    Ok,          Ok,          NotFound,    Ok,          Ok]),
        // A transfer the other business's Lead User asked for: the facility's regulator decides it; only its asker withdraws it.
        ("POST /api/transfers/{id}/approve",                        [Unauthorized, Forbidden,   NotFound,   NotFound,    NotFound,    Ok,          NotFound,    Ok,          Ok]),
        ("POST /api/transfers/{id}/deny",                           [Unauthorized, Forbidden,   NotFound,   NotFound,    NotFound,    Ok,          NotFound,    Ok,          Ok]),
        ("POST /api/transfers/{id}/withdraw",                       [Unauthorized, Forbidden,   Ok,         NotFound,    NotFound,    NotFound,    NotFound,    Forbidden,   NotFound]),
        // The regulator console lists its own jurisdiction to every regulator and to nobody else.
        ("GET /api/regulator/facilities",                           [Unauthorized, Forbidden,   Forbidden,  Forbidden,   Forbidden,   Ok,          Ok,          Ok,          Ok]),
        ("GET /api/regulator/businesses",                           [Unauthorized, Forbidden,   Forbidden,  Forbidden,   Forbidden,   Ok,          Ok,          Ok,          Ok]),
        // A regulator's changes to the business's members: the regulators of its facility's agency (staff and API client; the
        // requester is SAC-EMD staff too), 404 for another county's, 403 not_regulator for the business's own Lead User.
        ("POST /api/regulator/businesses/{org}/members/{id}/remove", [Unauthorized, Forbidden,  Forbidden,  Forbidden,   Forbidden,   Ok,          NotFound,    Ok,          Ok]),
        // Making the Viewer Lead User, once the business's Lead User has left it (so it has none).
        ("POST /api/regulator/businesses/{org}/lead-user",          [Unauthorized, Forbidden,   Forbidden,  Forbidden,   Forbidden,   Ok,          NotFound,    Ok,          Ok]),
    ];

    public static TheoryData<string, CallerKind, HttpStatusCode> Matrix
    {
        get
        {
            var data = new TheoryData<string, CallerKind, HttpStatusCode>();
            foreach (var (endpoint, expected) in Table)
            {
                var callers = Enum.GetValues<CallerKind>();
                if (expected.Length != callers.Length)
                {
                    throw new InvalidOperationException($"The row for {endpoint} has {expected.Length} cells, not {callers.Length}.");
                }

                for (var i = 0; i < callers.Length; i++)
                {
                    data.Add(endpoint, callers[i], expected[i]);
                }
            }

            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Every_endpoint_answers_each_kind_of_caller_with_the_expected_status(string endpoint, CallerKind caller, HttpStatusCode expected)
    {
        var cell = await ArrangeAsync();
        var token = await TokenAsync(cell, caller);

        using var response = await CallAsync(endpoint, cell, token);

        response.StatusCode.ShouldBe(expected, $"{endpoint} as {caller}: {await response.Content.ReadAsStringAsync()}");
    }

    [Fact]
    public void The_matrix_covers_every_endpoint_the_API_maps_with_every_kind_of_caller()
    {
        static string Shape(string method, string path) =>
            $"{method} {System.Text.RegularExpressions.Regex.Replace(path.Split('?')[0], @"\{[^}]*\}", "{}").TrimEnd('/')}";

        var mapped = fixture.Api.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(method => Shape(method, e.RoutePattern.RawText!)))
            .Order().ToList();
        var tested = Table.Select(row => row.Endpoint.Split(' ')).Select(parts => Shape(parts[0], parts[1])).Order().ToList();

        tested.ShouldBe(mapped);
        Matrix.Count.ShouldBe(Table.Length * Enum.GetValues<CallerKind>().Length);
    }

    private sealed record Cell(
        TestUser Requester,
        Business Business,
        Facility Facility,
        TestUser Lead,
        TestUser Viewer,
        TestUser OtherLead,
        Business Other,
        long EditorMembershipId,
        long ViewerMembershipId,
        long PendingRequestId,
        int PendingRequestVersion,
        string OutOfJurisdictionAgency);

    private async Task<Cell> ArrangeAsync()
    {
        var business = await fixture.Api.AddBusinessAsync(UniqueNames.Word() + " Inc");
        var facility = await fixture.Api.AddFacilityAsync(business, $"{UniqueNames.Number()} {UniqueNames.Word()} St");
        var lead = TestUser.Create("Lead");
        var viewer = TestUser.Create("Viewer");
        var editor = TestUser.Create("Editor");
        await fixture.Api.AddMemberAsync(business, lead.Subject, MembershipRole.LeadUser);
        await fixture.Api.AddMemberAsync(business, viewer.Subject, MembershipRole.Viewer);
        await fixture.Api.AddMemberAsync(business, editor.Subject, MembershipRole.Editor);

        var other = await fixture.Api.AddBusinessAsync(UniqueNames.Word() + " Inc");
        await fixture.Api.AddFacilityAsync(other, $"{UniqueNames.Number()} {UniqueNames.Word()} St");
        var otherLead = TestUser.Create("OtherLead");
        await fixture.Api.AddMemberAsync(other, otherLead.Subject, MembershipRole.LeadUser);

        var requester = TestUser.Regulator(DevelopmentClients.RegulatorAgencyCode);
        using var created = await fixture.PostJsonAsync("/api/access-requests", fixture.TokenFor(requester),
            JsonSerializer.Serialize(new { cersId = facility.CersId, phone = "916-555-0100", title = "EHS Manager", requestedRole = "Editor" }));
        var createdBody = await created.Content.ReadAsStringAsync();
        created.StatusCode.ShouldBe(HttpStatusCode.Created, createdBody);
        using var request = JsonDocument.Parse(createdBody);

        await using var scope = fixture.Api.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<FacilityDbContext>();
        (await db.Agencies.Where(a => a.Id == facility.AgencyId).Select(a => a.Code).SingleAsync())
            .ShouldBe(DevelopmentClients.RegulatorAgencyCode);
        var editorMembership = await db.Memberships.Where(m => m.BusinessId == business.Id && m.UserSubject == editor.Subject)
            .Select(m => m.Id).SingleAsync();
        var viewerMembership = await db.Memberships.Where(m => m.BusinessId == business.Id && m.UserSubject == viewer.Subject)
            .Select(m => m.Id).SingleAsync();
        var yolo = await db.Agencies.Where(a => a.County == "Yolo").OrderBy(a => a.Code).Select(a => a.Code).FirstAsync();
        yolo.ShouldNotBe(DevelopmentClients.RegulatorAgencyCode);

        return new Cell(requester, business, facility, lead, viewer, otherLead, other, editorMembership, viewerMembership,
            request.RootElement.GetProperty("id").GetInt64(), request.RootElement.GetProperty("version").GetInt32(), yolo);
    }

    private async Task<string?> TokenAsync(Cell cell, CallerKind caller) => caller switch
    {
        CallerKind.Anonymous => null,
        CallerKind.WrongScope => fixture.TokenFor(cell.Lead, scope: "openid"),
        CallerKind.MemberOfAnotherBusiness => fixture.TokenFor(cell.OtherLead),
        CallerKind.Viewer => fixture.TokenFor(cell.Viewer),
        CallerKind.LeadUser => fixture.TokenFor(cell.Lead),
        CallerKind.RegulatorInJurisdiction => fixture.TokenFor(TestUser.Regulator(DevelopmentClients.RegulatorAgencyCode)),
        CallerKind.RegulatorOutOfJurisdiction => fixture.TokenFor(TestUser.Regulator(cell.OutOfJurisdictionAgency)),
        CallerKind.RegulatorApiClient => await ClientTokenAsync(),
        CallerKind.RequesterWhoIsRegulator => fixture.TokenFor(cell.Requester),
        _ => throw new ArgumentOutOfRangeException(nameof(caller), caller, null),
    };

    /// <summary>A genuine client_credentials token of the SAC-EMD regulator API client, fetched once.</summary>
    private async Task<string> ClientTokenAsync()
    {
        await ClientTokenLock.WaitAsync();
        try
        {
            if (_clientToken is null)
            {
                var token = await fixture.RequestRegulatorTokenAsync("facility.read facility.regulator");
                token.IsError.ShouldBeFalse(token.Error);
                _clientToken = token.AccessToken!;
            }

            return _clientToken;
        }
        finally
        {
            ClientTokenLock.Release();
        }
    }

    private Task<HttpResponseMessage> CallAsync(string endpoint, Cell cell, string? token)
    {
        var org = cell.Business.OrganizationCode;
        return endpoint switch
        {
            "GET /api/me" => fixture.GetAsync("/api/me", token),
            "GET /api/agencies" => fixture.GetAsync("/api/agencies", token),
            "GET /api/me/emails" => fixture.GetAsync("/api/me/emails", token),
            "GET /api/facilities/search?cersId=" => fixture.GetAsync($"/api/facilities/search?cersId={cell.Facility.CersId}", token),
            "POST /api/facilities (organizationCode of the business)" => fixture.PostJsonAsync("/api/facilities", token,
                JsonSerializer.Serialize(new
                {
                    facilityName = "Second Yard",
                    street = $"{UniqueNames.Number()} {UniqueNames.Word()} St",
                    city = "Sacramento",
                    zip = "95814",
                    organizationCode = org,
                })),
            "GET /api/businesses/mine" => fixture.GetAsync("/api/businesses/mine", token),
            "GET /api/businesses/{org}/members" => fixture.GetAsync($"/api/businesses/{org}/members", token),
            "GET /api/businesses/{org}/history" => fixture.GetAsync($"/api/businesses/{org}/history", token),
            "GET /api/businesses/{org}/history.csv" => fixture.GetAsync($"/api/businesses/{org}/history.csv", token),
            "POST /api/businesses/{org}/members/{id}/role" => fixture.PostJsonAsync(
                $"/api/businesses/{org}/members/{cell.EditorMembershipId}/role", token, JsonSerializer.Serialize(new { role = "Viewer", version = 1 })),
            "POST /api/businesses/{org}/members/{id}/remove" => fixture.PostJsonAsync(
                $"/api/businesses/{org}/members/{cell.EditorMembershipId}/remove", token, JsonSerializer.Serialize(new { version = 1 })),
            "POST /api/access-requests" => fixture.PostJsonAsync("/api/access-requests", token,
                JsonSerializer.Serialize(new { cersId = cell.Facility.CersId, phone = "916-555-0101", title = "Inspector", requestedRole = "Viewer" })),
            "GET /api/access-requests/mine" => fixture.GetAsync("/api/access-requests/mine", token),
            "GET /api/access-requests/waiting" => fixture.GetAsync("/api/access-requests/waiting", token),
            "GET /api/access-requests/{id}" => fixture.GetAsync($"/api/access-requests/{cell.PendingRequestId}", token),
            "POST /api/access-requests/{id}/withdraw" => fixture.PostJsonAsync(
                $"/api/access-requests/{cell.PendingRequestId}/withdraw", token, "{}"),
            "POST /api/access-requests/{id}/approve" => fixture.PostJsonAsync($"/api/access-requests/{cell.PendingRequestId}/approve", token,
                JsonSerializer.Serialize(new { grantedRole = "Editor", version = cell.PendingRequestVersion })),
            "POST /api/access-requests/{id}/deny" => fixture.PostJsonAsync($"/api/access-requests/{cell.PendingRequestId}/deny", token,
                JsonSerializer.Serialize(new { reason = "Not an employee.", version = cell.PendingRequestVersion })),
            "POST /api/businesses/{org}/invitations" => fixture.PostJsonAsync($"/api/businesses/{org}/invitations", token,
                JsonSerializer.Serialize(new { email = $"invitee.{UniqueNames.Word()}@example.com", role = "Viewer" })),
            "GET /api/businesses/{org}/invitations" => fixture.GetAsync($"/api/businesses/{org}/invitations", token),
            "POST /api/businesses/{org}/invitations/{id}/revoke" => RevokeInvitationAsync(cell, token),
            "POST /api/invitations/preview" => WithInvitationTokenAsync(cell, invitation => fixture.PostJsonAsync("/api/invitations/preview", token, invitation)),
            "POST /api/invitations/accept" => WithInvitationTokenAsync(cell, invitation => fixture.PostJsonAsync("/api/invitations/accept", token, invitation)),
            "GET /api/regulator/business-users.csv" => fixture.GetAsync("/api/regulator/business-users.csv", token),
            "GET /api/businesses/{org}" => fixture.GetAsync($"/api/businesses/{org}", token),
            "POST /api/businesses/{org}/details" => fixture.PostJsonAsync($"/api/businesses/{org}/details", token,
                JsonSerializer.Serialize(new { name = cell.Business.Name, contactName = "Pat Doe", contactEmail = "pat@example.com", contactPhone = "916-555-0102" })),
            "GET /api/facilities/{cersId}" => fixture.GetAsync($"/api/facilities/{cell.Facility.CersId}", token),
            "POST /api/facilities/{cersId}/name" => fixture.PostJsonAsync($"/api/facilities/{cell.Facility.CersId}/name", token,
                JsonSerializer.Serialize(new { name = "Renamed Yard" })),
            "POST /api/facilities/{cersId}/archive" => fixture.PostJsonAsync($"/api/facilities/{cell.Facility.CersId}/archive", token,
                JsonSerializer.Serialize(new { reason = "Closed." })),
            "GET /api/facilities/{cersId}/history" => fixture.GetAsync($"/api/facilities/{cell.Facility.CersId}/history", token),
            "GET /api/facilities/{cersId}/history.csv" => fixture.GetAsync($"/api/facilities/{cell.Facility.CersId}/history.csv", token),
            "POST /api/facilities/{cersId}/transfers" => fixture.PostJsonAsync($"/api/facilities/{cell.Facility.CersId}/transfers", token,
                JsonSerializer.Serialize(new { toOrganizationCode = cell.Other.OrganizationCode, note = "Bought the site." })),
            "GET /api/transfers/waiting" => fixture.GetAsync("/api/transfers/waiting", token),
            "GET /api/businesses/{org}/transfers" => fixture.GetAsync($"/api/businesses/{org}/transfers", token),
            "POST /api/transfers/{id}/approve" => WithPendingTransferAsync(cell, (id, version) =>
                fixture.PostJsonAsync($"/api/transfers/{id}/approve", token, JsonSerializer.Serialize(new { version }))),
            "POST /api/transfers/{id}/deny" => WithPendingTransferAsync(cell, (id, version) =>
                fixture.PostJsonAsync($"/api/transfers/{id}/deny", token, JsonSerializer.Serialize(new { version, reason = "Not sold." }))),
            "POST /api/transfers/{id}/withdraw" => WithPendingTransferAsync(cell, (id, _) =>
                fixture.PostJsonAsync($"/api/transfers/{id}/withdraw", token, "{}")),
            "GET /api/regulator/facilities" => fixture.GetAsync("/api/regulator/facilities?q=" + Uri.EscapeDataString(cell.Business.Name), token),
            "GET /api/regulator/businesses" => fixture.GetAsync("/api/regulator/businesses?q=" + org, token),
            "POST /api/regulator/businesses/{org}/members/{id}/remove" => fixture.PostJsonAsync(
                $"/api/regulator/businesses/{org}/members/{cell.EditorMembershipId}/remove", token, JsonSerializer.Serialize(new { version = 1 })),
            "POST /api/regulator/businesses/{org}/lead-user" => AppointViewerAfterTheLeadUserLeftAsync(cell, token),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, "No call is written for this endpoint."),
        };
    }

    /// <summary>The other business's Lead User asks to move the cell's facility to that business; the call gets the transfer's id and version.</summary>
    private async Task<HttpResponseMessage> WithPendingTransferAsync(Cell cell, Func<long, int, Task<HttpResponseMessage>> call)
    {
        using var asked = await fixture.PostJsonAsync($"/api/facilities/{cell.Facility.CersId}/transfers", fixture.TokenFor(cell.OtherLead),
            JsonSerializer.Serialize(new { toOrganizationCode = cell.Other.OrganizationCode }));
        var body = await asked.Content.ReadAsStringAsync();
        asked.StatusCode.ShouldBe(Created, body);
        var transfer = JsonDocument.Parse(body).RootElement;
        transfer.GetProperty("status").GetString().ShouldBe("Pending");
        return await call(transfer.GetProperty("id").GetInt64(), transfer.GetProperty("version").GetInt32());
    }

    /// <summary>The cell's Lead User leaves the business (their membership removed as stored), then the Viewer is appointed.</summary>
    private async Task<HttpResponseMessage> AppointViewerAfterTheLeadUserLeftAsync(Cell cell, string? token)
    {
        await using (var scope = fixture.Api.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<FacilityDbContext>().Memberships
                .Where(m => m.BusinessId == cell.Business.Id && m.UserSubject == cell.Lead.Subject)
                .ExecuteUpdateAsync(set => set.SetProperty(m => m.Status, MembershipStatus.Removed));
        }

        return await fixture.PostJsonAsync($"/api/regulator/businesses/{cell.Business.OrganizationCode}/lead-user", token,
            JsonSerializer.Serialize(new { membershipId = cell.ViewerMembershipId, version = 1 }));
    }

    /// <summary>The cell's Lead User invites the other business's Lead User; its id.</summary>
    private async Task<long> InviteOtherLeadAsync(Cell cell)
    {
        using var invited = await fixture.PostJsonAsync($"/api/businesses/{cell.Business.OrganizationCode}/invitations", fixture.TokenFor(cell.Lead),
            JsonSerializer.Serialize(new { email = cell.OtherLead.Email, role = "Viewer" }));
        var body = await invited.Content.ReadAsStringAsync();
        invited.StatusCode.ShouldBe(Created, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetInt64();
    }

    private async Task<HttpResponseMessage> RevokeInvitationAsync(Cell cell, string? token) =>
        await fixture.PostJsonAsync($"/api/businesses/{cell.Business.OrganizationCode}/invitations/{await InviteOtherLeadAsync(cell)}/revoke", token, "{}");

    /// <summary>Waits for the email; when it does not come, says where the outbox left it (not queued, retrying and why, set aside, sent).</summary>
    private async Task<MimeKit.MimeMessage> WaitForEmailAsync(string to, string subject)
    {
        try
        {
            return await fixture.Smtp.WaitForAsync(to, subject);
        }
        catch (TimeoutException missing)
        {
            await using var scope = fixture.Api.Services.CreateAsyncScope();
            var rows = await scope.ServiceProvider.GetRequiredService<FacilityDbContext>().Set<Cers.Email.Outbox.OutboxEmail>()
                .Where(e => e.ToAddress == to)
                .AsNoTracking()
                .ToListAsync();
            var said = rows.Select(e => $"email {e.Id} '{e.Subject}': created {e.CreatedAt:O}, next attempt {e.NextAttemptAt:O}, attempts {e.Attempts}, claim {e.ClaimToken}, sent {e.SentAt:O}, set aside {e.FailedAt:O}, last error {e.LastError}");
            throw new TimeoutException($"{missing.Message} Outbox at {DateTime.UtcNow:O}: {(rows.Count == 0 ? "nothing to them" : string.Join("; ", said))}", missing);
        }
    }

    /// <summary>Invites the other business's Lead User and calls with the body holding the emailed link's token.</summary>
    private async Task<HttpResponseMessage> WithInvitationTokenAsync(Cell cell, Func<string, Task<HttpResponseMessage>> call)
    {
        await InviteOtherLeadAsync(cell);
        var email = await WaitForEmailAsync(cell.OtherLead.Email, "invited you to");
        var link = System.Text.RegularExpressions.Regex.Match(email.TextBody ?? "", @"/Invitations/Accept\?token=([A-Za-z0-9_-]+)");
        link.Success.ShouldBeTrue(email.TextBody);
        return await call(JsonSerializer.Serialize(new { token = link.Groups[1].Value }));
    }
}
