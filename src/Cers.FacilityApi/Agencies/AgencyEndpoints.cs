using Cers.FacilityApi.Data;
using Cers.FacilityApi.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Agencies;

/// <summary>The regulator agencies and where each regulates.</summary>
public static class AgencyEndpoints
{
    public sealed record AgencySummary(
        string Code,
        string Name,
        AgencyKind Kind,
        string County,
        string? ContactEmail,
        string? ContactPhone,
        bool IsSampleData,
        IReadOnlyList<JurisdictionSummary> Jurisdictions);

    /// <param name="City">Null for the whole county, less its cities that have their own agency.</param>
    public sealed record JurisdictionSummary(string County, string? City);

    public static IEndpointRouteBuilder MapAgencyEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/agencies")
            .RequireAuthorization(TokenValidationExtensions.FacilityReadPolicy)
            .WithTags("Agencies")
            .MapGet("/", ListAgencies)
            .WithName("ListAgencies")
            .WithSummary("Every regulator agency (CUPA or Participating Agency) with its jurisdictions, ordered by code.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    public static async Task<Ok<List<AgencySummary>>> ListAgencies(FacilityDbContext db, CancellationToken cancellationToken)
    {
        var agencies = await db.Agencies.AsNoTracking()
            .OrderBy(a => a.Code)
            .Select(a => new AgencySummary(a.Code, a.Name, a.Kind, a.County, a.ContactEmail, a.ContactPhone, a.IsSampleData,
                a.Jurisdictions.OrderBy(j => j.County).ThenBy(j => j.City).Select(j => new JurisdictionSummary(j.County, j.City)).ToList()))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(agencies);
    }
}
