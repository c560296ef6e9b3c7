using System.Globalization;
using Cers.FacilityApi.Api;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.History;

/// <summary>
/// A business's timeline of access events, for its active Lead Users and for regulators (staff and API clients) of an
/// agency with one of its facilities in its jurisdiction. Anyone else, the business's other members included, gets 404,
/// the same as for a business that does not exist; who may see it is settled before the paging is checked.
/// </summary>
public static class BusinessHistoryEndpoints
{
    private static readonly string[] CsvHeader =
        ["When (UTC)", "Kind", "What happened", "Who acted", "Whom it concerned", "CERS ID", "Facility", "Detail"];

    public static IEndpointRouteBuilder MapBusinessHistoryEndpoints(this IEndpointRouteBuilder app)
    {
        var businesses = app.MapGroup("/api/businesses")
            .RequireAuthorization(TokenValidationExtensions.AccessDecisionPolicy)
            .WithTags("History");

        businesses.MapGet("/{organizationCode}/history", GetBusinessHistory)
            .WithName("GetBusinessHistory")
            .WithSummary("The business's access events (requested, granted, denied, role changed, removed, ...), newest first, paged.")
            .WithDescription("For the business's active Lead Users and for regulators of an agency with one of its facilities in " +
                "its jurisdiction; 404 for anyone else. Each entry: when (UTC), a stable kind and plain words, who acted (\"CERS\" " +
                "for the scheduled jobs), whom it concerned, the facility when there is one, and the detail.");

        businesses.MapGet("/{organizationCode}/history.csv", DownloadBusinessHistory)
            .WithName("DownloadBusinessHistory")
            .WithSummary("The business's whole access timeline as a CSV file, newest first.")
            .WithDescription("The same entries and callers as the history. RFC 4180, UTF-8 with a byte order mark, a header row; " +
                "a field starting with =, +, -, @, tab or carriage return is written with a leading ' so a spreadsheet shows it as text.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");

        businesses.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);

        var facilities = app.MapGroup("/api/facilities/{cersId:int}")
            .RequireAuthorization(TokenValidationExtensions.AccessDecisionPolicy)
            .WithTags("History");

        facilities.MapGet("/history", GetFacilityHistory)
            .WithName("GetFacilityHistory")
            .WithSummary("The facility's timeline, newest first, paged: access requests made through it and its changes (renamed, " +
                "transfer asked, denied or made, archived), whichever business had it.")
            .WithDescription("For the active Lead Users of the business that has it and for its regulator; 404 for anyone else.");

        facilities.MapGet("/history.csv", DownloadFacilityHistory)
            .WithName("DownloadFacilityHistory")
            .WithSummary("The facility's whole timeline as a CSV file, newest first, written as the business's history is.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv");

        facilities.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    public static async Task<Results<Ok<BusinessHistoryPage>, NotFound, ValidationProblem>> GetBusinessHistory(
        string organizationCode, string? page, string? pageSize, ApiCaller caller, FacilityDbContext db, BusinessHistory history,
        CancellationToken cancellationToken)
    {
        if (await VisibleBusinessAsync(organizationCode, caller, db, cancellationToken) is not { } business)
        {
            return TypedResults.NotFound();
        }

        if (!RequestInput.TryPaging(page, pageSize, out var paging, out var errors))
        {
            return Problems.Invalid(errors);
        }

        var (entries, total) = await history.PageAsync(HistoryScope.OfBusiness(business.Id), paging.Page, paging.PageSize, cancellationToken);
        return TypedResults.Ok(new BusinessHistoryPage(business.OrganizationCode, business.Name, entries, paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<FileContentHttpResult, NotFound>> DownloadBusinessHistory(
        string organizationCode, ApiCaller caller, FacilityDbContext db, BusinessHistory history, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (await VisibleBusinessAsync(organizationCode, caller, db, cancellationToken) is not { } business)
        {
            return TypedResults.NotFound();
        }

        var entries = await history.AllAsync(HistoryScope.OfBusiness(business.Id), cancellationToken);
        return Csv($"cers-business-{business.OrganizationCode}-history-{time.GetUtcNow():yyyy-MM-dd}.csv", entries);
    }

    public static async Task<Results<Ok<FacilityHistoryPage>, NotFound, ValidationProblem>> GetFacilityHistory(
        int cersId, string? page, string? pageSize, ApiCaller caller, FacilityDbContext db, BusinessHistory history,
        CancellationToken cancellationToken)
    {
        if (await VisibleFacilityAsync(cersId, caller, db, cancellationToken) is not { } facility)
        {
            return TypedResults.NotFound();
        }

        if (!RequestInput.TryPaging(page, pageSize, out var paging, out var errors))
        {
            return Problems.Invalid(errors);
        }

        var (entries, total) = await history.PageAsync(facility.Scope, paging.Page, paging.PageSize, cancellationToken);
        return TypedResults.Ok(new FacilityHistoryPage(cersId, facility.Name, facility.OrganizationCode, facility.BusinessName, entries,
            paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<FileContentHttpResult, NotFound>> DownloadFacilityHistory(
        int cersId, ApiCaller caller, FacilityDbContext db, BusinessHistory history, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await VisibleFacilityAsync(cersId, caller, db, cancellationToken) is not { } facility)
        {
            return TypedResults.NotFound();
        }

        var entries = await history.AllAsync(facility.Scope, cancellationToken);
        return Csv($"cers-facility-{cersId.ToString(CultureInfo.InvariantCulture)}-history-{time.GetUtcNow():yyyy-MM-dd}.csv", entries);
    }

    private static FileContentHttpResult Csv(string fileName, IReadOnlyList<BusinessHistoryEntry> entries) =>
        CsvExport.Download(fileName, CsvHeader, entries, e =>
        [
            e.OccurredAt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            e.Kind,
            e.What,
            e.Actor,
            e.Person,
            e.FacilityCersId?.ToString(CultureInfo.InvariantCulture),
            e.FacilityName,
            e.Detail,
        ]);

    /// <summary>
    /// The facility, for its regulator, who sees its whole timeline, and for the active Lead Users of the business that has
    /// it, who see the part of it that is their business's: what a previous owner's people asked or were granted through it
    /// is not the new owner's to read.
    /// </summary>
    private static async Task<VisibleFacility?> VisibleFacilityAsync(int cersId, ApiCaller caller, FacilityDbContext db,
        CancellationToken cancellationToken)
    {
        var facility = await db.Facilities.AsNoTracking().Where(f => f.CersId == cersId)
            .Select(f => new { f.BusinessId, AgencyCode = f.Agency!.Code, f.Name, f.Business!.OrganizationCode, BusinessName = f.Business.Name })
            .FirstOrDefaultAsync(cancellationToken);
        if (facility is null)
        {
            return null;
        }

        HistoryScope? scope = facility.AgencyCode == caller.AgencyCode ? HistoryScope.OfFacility(cersId)
            : await BusinessAccess.IsLeadUserAsync(db, facility.BusinessId, caller.Subject, cancellationToken) ? new HistoryScope(facility.BusinessId, cersId)
            : null;
        return scope is { } visible ? new VisibleFacility(facility.Name, facility.OrganizationCode, facility.BusinessName, visible) : null;
    }

    private sealed record VisibleFacility(string Name, string OrganizationCode, string BusinessName, HistoryScope Scope);

    private static async Task<Business?> VisibleBusinessAsync(string organizationCode, ApiCaller caller, FacilityDbContext db,
        CancellationToken cancellationToken)
    {
        var business = await db.Businesses.AsNoTracking().FirstOrDefaultAsync(b => b.OrganizationCode == organizationCode, cancellationToken);
        return business is not null
            && (await BusinessAccess.IsLeadUserAsync(db, business.Id, caller.Subject, cancellationToken)
                || await BusinessAccess.IsRegulatorOfAsync(db, business.Id, caller, cancellationToken))
            ? business
            : null;
    }
}
