using Cers.FacilityApi.Api;
using Cers.FacilityApi.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cers.FacilityApi.Facilities;

/// <summary>
/// POST /api/facilities (<see cref="FacilityCreation"/> does the work): a facility already at the same normalized
/// address is a 409 with code <see cref="DuplicateAddress"/> listing its CERS IDs, until the caller confirms.
/// </summary>
public static class FacilityCreationEndpoints
{
    public const string DuplicateAddress = "duplicate_address";

    public static IEndpointRouteBuilder MapFacilityCreationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/facilities", AddFacility)
            .RequireAuthorization(TokenValidationExtensions.FacilityAccessPolicy)
            .WithTags("Facilities")
            .Accepts<NewFacilityInput>("application/json")
            .WithName("AddFacility")
            .WithSummary("Adds a facility, to a new business (the caller becomes its Lead User) or to one the caller leads.")
            .WithDescription("The county and regulator agency are resolved from the city (a city's own agency wins over its " +
                "county's); an unknown city is a 400 with a city field error. 409 code: duplicate_address (with cersIds of the " +
                "facilities already there); send confirmDuplicate=true to add it anyway.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    public static async Task<Results<Created<NewFacilityView>, ValidationProblem, ProblemHttpResult>> AddFacility(
        HttpRequest http, ApiCaller caller, FacilityCreation creation, CancellationToken cancellationToken)
    {
        var (input, readErrors) = await RequestInput.ReadAsync<NewFacilityInput>(http, cancellationToken);
        if (input is null)
        {
            return Problems.Invalid(readErrors!);
        }

        return await creation.AddAsync(caller, input, cancellationToken) switch
        {
            FacilityCreationOutcome.Added added => TypedResults.Created((string?)null, added.Facility),
            FacilityCreationOutcome.Invalid invalid => Problems.Invalid(invalid.Errors),
            FacilityCreationOutcome.DuplicateAddress duplicate => Problems.Coded(StatusCodes.Status409Conflict, DuplicateAddress,
                "A facility is already at this address; check it is not yours, or confirm to add this one.", [new("cersIds", duplicate.CersIds)]),
            var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
        };
    }
}
