using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cers.FacilityApi.Security;

/// <summary>Who is calling: lets a client check that its token is accepted and what it carries.</summary>
public static class CallerEndpoints
{
    public sealed record Caller(string Subject, string? Name, IReadOnlyList<string> Scopes, IReadOnlyList<string> Roles, string? AgencyCode);

    public static IEndpointRouteBuilder MapCallerEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/me", GetCaller)
            .RequireAuthorization(TokenValidationExtensions.FacilityReadPolicy)
            .WithName("GetCaller")
            .WithSummary("The subject, scopes, roles and agency of the access token presented.")
            .WithTags("Caller");
        return app;
    }

    public static Ok<Caller> GetCaller(ClaimsPrincipal user) =>
        TypedResults.Ok(new Caller(
            user.FindFirstValue("sub") ?? "",
            user.FindFirstValue("name"),
            user.FindAll("scope").SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList(),
            user.FindAll("role").Select(c => c.Value).ToList(),
            user.FindFirstValue(CersClaims.AgencyCode)));
}
