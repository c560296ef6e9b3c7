using Cers.FacilityApi.Security;
using Cers.FacilityApi.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cers.FacilityApi.Facilities;

/// <summary>Facility lookup: the first step of "Add a new facility/business".</summary>
public static class FacilitySearchEndpoints
{
    public static IEndpointRouteBuilder MapFacilitySearchEndpoints(this IEndpointRouteBuilder app)
    {
        var facilities = app.MapGroup("/api/facilities")
            .RequireAuthorization(TokenValidationExtensions.FacilityReadPolicy)
            .WithTags("Facilities");

        facilities.MapGet("/search", SearchFacilities)
            .WithName("SearchFacilities")
            .WithSummary("Finds facilities by CERS ID or by physical address, grouped by business.")
            .WithDescription("Less is better: a street number alone finds every facility at that number; street, city and ZIP " +
                "narrow it. Case, punctuation, USPS suffixes (Street/St), directionals (North/N) and unit designators " +
                "(Suite/Ste/#) do not matter. A street is matched by its start, so \"Mai\" finds Main. Businesses are " +
                "ordered by name, then organization code; each lists its matching facilities by CERS ID.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    public static async Task<Results<Ok<FacilitySearchResult>, ValidationProblem>> SearchFacilities(
        [AsParameters] FacilitySearchRequest request, FacilityAddressSearch search, FacilityApiMetrics metrics, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (!request.TryGetCriteria(out var criteria, out var errors))
        {
            return TypedResults.ValidationProblem(errors, title: "The search is not valid.");
        }

        var started = time.GetTimestamp();
        var result = await search.SearchAsync(criteria, cancellationToken);
        metrics.Searched(time.GetElapsedTime(started));
        return TypedResults.Ok(result);
    }
}
