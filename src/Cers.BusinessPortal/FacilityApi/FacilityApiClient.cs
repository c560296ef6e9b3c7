using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace Cers.BusinessPortal.FacilityApi;

/// <summary>
/// The facility API, called with the signed-in user's access token. Every answer comes back as an
/// <see cref="ApiResult{T}"/>: problem details become messages for the page, and an API that cannot be
/// reached becomes one plain message, so a page never shows an exception.
/// </summary>
public sealed partial class FacilityApiClient(HttpClient http, IHttpContextAccessor context, ILogger<FacilityApiClient> logger)
{
    private const int WaitingPageSize = 100;

    public Task<ApiResult<Caller>> GetCallerAsync(CancellationToken cancellationToken) =>
        SendAsync<Caller>(HttpMethod.Get, "api/me", null, cancellationToken);

    public Task<ApiResult<EmailHistoryPage>> MyEmailsAsync(int page, CancellationToken cancellationToken) =>
        SendAsync<EmailHistoryPage>(HttpMethod.Get, $"api/me/emails?page={page}", null, cancellationToken);

    public Task<ApiResult<FacilitySearchResult>> SearchAsync(FacilitySearch search, CancellationToken cancellationToken)
    {
        var query = QueryString.Create(new Dictionary<string, string?>
        {
            ["cersId"] = search.CersId,
            ["number"] = search.Number,
            ["street"] = search.Street,
            ["city"] = search.City,
            ["zip"] = search.Zip,
            ["page"] = search.Page.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }.Where(p => !string.IsNullOrWhiteSpace(p.Value)));
        return SendAsync<FacilitySearchResult>(HttpMethod.Get, "api/facilities/search" + query, null, cancellationToken);
    }

    public Task<ApiResult<NewFacilityView>> AddFacilityAsync(NewFacility facility, CancellationToken cancellationToken) =>
        SendAsync<NewFacilityView>(HttpMethod.Post, "api/facilities", facility, cancellationToken);

    public Task<ApiResult<AccessRequestView>> RequestAccessAsync(NewAccessRequest request, CancellationToken cancellationToken) =>
        SendAsync<AccessRequestView>(HttpMethod.Post, "api/access-requests", request, cancellationToken);

    public Task<ApiResult<AccessRequestPage>> MyRequestsAsync(CancellationToken cancellationToken) =>
        SendAsync<AccessRequestPage>(HttpMethod.Get, "api/access-requests/mine?pageSize=100", null, cancellationToken);

    public Task<ApiResult<AccessRequestPage>> WaitingRequestsAsync(int page, CancellationToken cancellationToken) =>
        SendAsync<AccessRequestPage>(HttpMethod.Get,
            FormattableString.Invariant($"api/access-requests/waiting?page={page}&pageSize={WaitingPageSize}"), null, cancellationToken);

    /// <summary>One request, for its requester and for those who may decide it (404 for anyone else).</summary>
    public Task<ApiResult<AccessRequestView>> GetRequestAsync(long id, CancellationToken cancellationToken) =>
        SendAsync<AccessRequestView>(HttpMethod.Get, $"api/access-requests/{id}", null, cancellationToken);

    public Task<ApiResult<AccessRequestView>> ApproveAsync(long id, string? role, int version, CancellationToken cancellationToken) =>
        SendAsync<AccessRequestView>(HttpMethod.Post, $"api/access-requests/{id}/approve", new { grantedRole = role, version }, cancellationToken);

    public Task<ApiResult<AccessRequestView>> DenyAsync(long id, string? reason, int version, CancellationToken cancellationToken) =>
        SendAsync<AccessRequestView>(HttpMethod.Post, $"api/access-requests/{id}/deny", new { reason, version }, cancellationToken);

    public Task<ApiResult<AccessRequestView>> WithdrawAsync(long id, CancellationToken cancellationToken) =>
        SendAsync<AccessRequestView>(HttpMethod.Post, $"api/access-requests/{id}/withdraw", new { }, cancellationToken);

    public Task<ApiResult<List<MyBusiness>>> MyBusinessesAsync(CancellationToken cancellationToken) =>
        SendAsync<List<MyBusiness>>(HttpMethod.Get, "api/businesses/mine", null, cancellationToken);

    public Task<ApiResult<List<Member>>> MembersAsync(string organizationCode, CancellationToken cancellationToken) =>
        SendAsync<List<Member>>(HttpMethod.Get, $"api/businesses/{Uri.EscapeDataString(organizationCode)}/members", null, cancellationToken);

    public Task<ApiResult<Member>> ChangeRoleAsync(string organizationCode, long membershipId, string? role, int version,
        CancellationToken cancellationToken) =>
        SendAsync<Member>(HttpMethod.Post, $"api/businesses/{Uri.EscapeDataString(organizationCode)}/members/{membershipId}/role",
            new { role, version }, cancellationToken);

    public Task<ApiResult<Member>> RemoveMemberAsync(string organizationCode, long membershipId, int version, CancellationToken cancellationToken) =>
        SendAsync<Member>(HttpMethod.Post, $"api/businesses/{Uri.EscapeDataString(organizationCode)}/members/{membershipId}/remove",
            new { version }, cancellationToken);

    public Task<ApiResult<Invitation>> InviteAsync(string organizationCode, string? email, string? role, CancellationToken cancellationToken) =>
        SendAsync<Invitation>(HttpMethod.Post, $"api/businesses/{Uri.EscapeDataString(organizationCode)}/invitations", new { email, role },
            cancellationToken);

    public Task<ApiResult<List<Invitation>>> InvitationsAsync(string organizationCode, CancellationToken cancellationToken) =>
        SendAsync<List<Invitation>>(HttpMethod.Get, $"api/businesses/{Uri.EscapeDataString(organizationCode)}/invitations", null, cancellationToken);

    public Task<ApiResult<object>> RevokeInvitationAsync(string organizationCode, long invitationId, CancellationToken cancellationToken) =>
        SendAsync<object>(HttpMethod.Post, $"api/businesses/{Uri.EscapeDataString(organizationCode)}/invitations/{invitationId}/revoke", new { },
            cancellationToken);

    /// <summary>The link's token goes in the body: never in a path or query the API's logs and traces keep.</summary>
    public Task<ApiResult<InvitationPreview>> PreviewInvitationAsync(string token, CancellationToken cancellationToken) =>
        SendAsync<InvitationPreview>(HttpMethod.Post, "api/invitations/preview", new { token }, cancellationToken);

    public Task<ApiResult<AcceptedInvitation>> AcceptInvitationAsync(string token, CancellationToken cancellationToken) =>
        SendAsync<AcceptedInvitation>(HttpMethod.Post, "api/invitations/accept", new { token }, cancellationToken);

    /// <summary>A page of the business's access timeline, for its Lead Users and its regulators (404 for anyone else).</summary>
    public Task<ApiResult<BusinessHistoryPage>> BusinessHistoryAsync(string organizationCode, int page, CancellationToken cancellationToken) =>
        SendAsync<BusinessHistoryPage>(HttpMethod.Get,
            FormattableString.Invariant($"api/businesses/{Uri.EscapeDataString(organizationCode)}/history?page={page}"), null, cancellationToken);

    /// <summary>The business's whole access timeline as the API's CSV file, passed on as it is.</summary>
    public Task<ApiResult<ApiFile>> BusinessHistoryCsvAsync(string organizationCode, CancellationToken cancellationToken) =>
        FileAsync($"api/businesses/{Uri.EscapeDataString(organizationCode)}/history.csv", cancellationToken);

    /// <summary>The business users of the regulator's jurisdiction as the API's CSV file, passed on as it is.</summary>
    public Task<ApiResult<ApiFile>> JurisdictionUsersCsvAsync(CancellationToken cancellationToken) =>
        FileAsync("api/regulator/business-users.csv", cancellationToken);

    /// <summary>The business's name, contact and facilities, for its members and its regulators.</summary>
    public Task<ApiResult<BusinessDetails>> BusinessAsync(string organizationCode, CancellationToken cancellationToken) =>
        SendAsync<BusinessDetails>(HttpMethod.Get, $"api/businesses/{Uri.EscapeDataString(organizationCode)}", null, cancellationToken);

    public Task<ApiResult<BusinessDetails>> EditBusinessAsync(string organizationCode, BusinessEdit edit, CancellationToken cancellationToken) =>
        SendAsync<BusinessDetails>(HttpMethod.Post, $"api/businesses/{Uri.EscapeDataString(organizationCode)}/details", edit, cancellationToken);

    /// <summary>One facility, archived or not, for its business's members and its regulator.</summary>
    public Task<ApiResult<FacilityDetails>> FacilityAsync(int cersId, CancellationToken cancellationToken) =>
        SendAsync<FacilityDetails>(HttpMethod.Get, FormattableString.Invariant($"api/facilities/{cersId}"), null, cancellationToken);

    public Task<ApiResult<FacilityDetails>> RenameFacilityAsync(int cersId, string? name, CancellationToken cancellationToken) =>
        SendAsync<FacilityDetails>(HttpMethod.Post, FormattableString.Invariant($"api/facilities/{cersId}/name"), new { name }, cancellationToken);

    public Task<ApiResult<FacilityDetails>> ArchiveFacilityAsync(int cersId, string? reason, CancellationToken cancellationToken) =>
        SendAsync<FacilityDetails>(HttpMethod.Post, FormattableString.Invariant($"api/facilities/{cersId}/archive"), new { reason }, cancellationToken);

    public Task<ApiResult<BusinessHistoryPage>> FacilityHistoryAsync(int cersId, int page, CancellationToken cancellationToken) =>
        SendAsync<BusinessHistoryPage>(HttpMethod.Get, FormattableString.Invariant($"api/facilities/{cersId}/history?page={page}"), null,
            cancellationToken);

    public Task<ApiResult<ApiFile>> FacilityHistoryCsvAsync(int cersId, CancellationToken cancellationToken) =>
        FileAsync(FormattableString.Invariant($"api/facilities/{cersId}/history.csv"), cancellationToken);

    public Task<ApiResult<Transfer>> RequestTransferAsync(int cersId, NewTransfer transfer, CancellationToken cancellationToken) =>
        SendAsync<Transfer>(HttpMethod.Post, FormattableString.Invariant($"api/facilities/{cersId}/transfers"), transfer, cancellationToken);

    /// <summary>The pending transfers the regulator's agency decides, oldest first.</summary>
    public Task<ApiResult<TransferPage>> WaitingTransfersAsync(int page, CancellationToken cancellationToken) =>
        SendAsync<TransferPage>(HttpMethod.Get, FormattableString.Invariant($"api/transfers/waiting?page={page}&pageSize={WaitingPageSize}"), null,
            cancellationToken);

    public Task<ApiResult<TransferPage>> BusinessTransfersAsync(string organizationCode, CancellationToken cancellationToken) =>
        SendAsync<TransferPage>(HttpMethod.Get, $"api/businesses/{Uri.EscapeDataString(organizationCode)}/transfers?pageSize=20", null,
            cancellationToken);

    public Task<ApiResult<Transfer>> DecideTransferAsync(long id, bool approve, int version, string? reason, CancellationToken cancellationToken) =>
        SendAsync<Transfer>(HttpMethod.Post, FormattableString.Invariant($"api/transfers/{id}/{(approve ? "approve" : "deny")}"),
            new { version, reason }, cancellationToken);

    public Task<ApiResult<Transfer>> WithdrawTransferAsync(long id, CancellationToken cancellationToken) =>
        SendAsync<Transfer>(HttpMethod.Post, FormattableString.Invariant($"api/transfers/{id}/withdraw"), new { }, cancellationToken);
    /// <summary>The facilities of the regulator's jurisdiction, 25 a page: those matching <paramref name="query"/> when given.</summary>
    public Task<ApiResult<JurisdictionFacilityPage>> JurisdictionFacilitiesAsync(string? query, int page, CancellationToken cancellationToken) =>
        SendAsync<JurisdictionFacilityPage>(HttpMethod.Get, "api/regulator/facilities" + SearchQuery(query, page), null, cancellationToken);

    /// <summary>The businesses with a facility in the regulator's jurisdiction, 25 a page.</summary>
    public Task<ApiResult<JurisdictionBusinessPage>> JurisdictionBusinessesAsync(string? query, int page, CancellationToken cancellationToken) =>
        SendAsync<JurisdictionBusinessPage>(HttpMethod.Get, "api/regulator/businesses" + SearchQuery(query, page), null, cancellationToken);

    /// <summary>A regulator removes a member of a business of its jurisdiction (the last Lead User too).</summary>
    public Task<ApiResult<Member>> RemoveMemberAsRegulatorAsync(string organizationCode, long membershipId, int version,
        CancellationToken cancellationToken) =>
        SendAsync<Member>(HttpMethod.Post, $"api/regulator/businesses/{Uri.EscapeDataString(organizationCode)}/members/{membershipId}/remove",
            new { version }, cancellationToken);

    /// <summary>A regulator makes a member Lead User of a business of its jurisdiction that has none.</summary>
    public Task<ApiResult<Member>> AppointLeadUserAsync(string organizationCode, long membershipId, int version, CancellationToken cancellationToken) =>
        SendAsync<Member>(HttpMethod.Post, $"api/regulator/businesses/{Uri.EscapeDataString(organizationCode)}/lead-user",
            new { membershipId, version }, cancellationToken);

    private static QueryString SearchQuery(string? query, int page) => QueryString.Create(new Dictionary<string, string?>
    {
        ["q"] = query,
        ["page"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
    }.Where(p => !string.IsNullOrWhiteSpace(p.Value)));

    private Task<ApiResult<ApiFile>> FileAsync(string path, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, path, null,
            async (content, ct) => new ApiFile(await content.ReadAsByteArrayAsync(ct), content.Headers.ContentType?.ToString() ?? "text/csv",
                content.Headers.ContentDisposition?.FileNameStar ?? content.Headers.ContentDisposition?.FileName?.Trim('"')),
            cancellationToken);

    private Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken) =>
        SendAsync(method, path, body, (content, ct) => content.ReadFromJsonAsync<T>(JsonSerializerOptions.Web, ct), cancellationToken);

    private async Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body,
        Func<HttpContent, CancellationToken, Task<T?>> read, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: JsonSerializerOptions.Web);
        }

        if (context.HttpContext is { } current && await current.GetTokenAsync("access_token") is { Length: > 0 } token)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NoContent)
            {
                return new(default, null);
            }

            if (response.IsSuccessStatusCode)
            {
                return new(await read(response.Content, cancellationToken), null);
            }

            return new(default, await ReadProblemAsync(response, cancellationToken));
        }
        catch (Exception exception) when (exception is HttpRequestException or TimeoutRejectedException or BrokenCircuitException
            or JsonException || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogUnavailable(logger, method.Method, path.Split('?')[0], exception);
            return new(default, ApiProblem.Unavailable());
        }
    }

    private static async Task<ApiProblem> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        string title = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => "Your session has ended. Please sign in again.",
            HttpStatusCode.Forbidden => "You are not allowed to do that.",
            HttpStatusCode.NotFound => "That was not found, or it is not yours to see.",
            >= HttpStatusCode.InternalServerError => ApiProblem.Unavailable().Title,
            _ => "The request was not accepted.",
        };
        string? code = null;
        var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        var cersIds = new List<int>();

        // Only problem details from the API itself are read; anything else (a proxy's HTML page) keeps the plain title.
        if (status < 500 && response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            try
            {
                using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken),
                    cancellationToken: cancellationToken);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    if (root.TryGetProperty("title", out var t) && t.ValueKind == JsonValueKind.String && status != 401 && status != 404)
                    {
                        title = t.GetString()!;
                    }

                    if (root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String)
                    {
                        code = c.GetString();
                    }

                    if (root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Object)
                    {
                        foreach (var field in e.EnumerateObject())
                        {
                            errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                                ? [.. field.Value.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!)]
                                : [];
                        }
                    }

                    if (root.TryGetProperty("cersIds", out var ids) && ids.ValueKind == JsonValueKind.Array)
                    {
                        cersIds.AddRange(ids.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.Number).Select(i => i.GetInt32()));
                    }
                }
            }
            catch (JsonException)
            {
                // Not the JSON it claims to be: the plain title stands.
            }
        }

        return new ApiProblem(status, title, code, errors, cersIds);
    }

    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "The facility API could not be reached for {Method} {Path}")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, Exception exception);
}
