using Cers.FacilityApi.Api;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Regulator;

/// <summary>
/// A regulator's export of the business users of its jurisdiction: every active member (name, email, business, role) of
/// each business with a facility in the caller's agency's jurisdiction, as CSV (<see cref="CsvExport"/>). For regulator staff
/// and regulator API clients; anyone without an agency gets 403 <c>not_regulator</c>.
/// </summary>
public static class BusinessUsersExport
{
    public const string NotRegulator = "not_regulator";

    private static readonly string[] Header = ["Name", "Email", "Business", "Organization code", "Role"];

    public static IEndpointRouteBuilder MapBusinessUsersExport(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/regulator/business-users.csv", DownloadAsync)
            .RequireAuthorization(TokenValidationExtensions.AccessDecisionPolicy)
            .WithTags("Regulator")
            .WithName("DownloadJurisdictionBusinessUsers")
            .WithSummary("The business users of the caller's jurisdiction as a CSV file: name, email, business, organization code, role.")
            .WithDescription("Every active member of each business with a facility in the jurisdiction of the caller's agency (the cupa " +
                "claim beside role regulator), by business. 403 code not_regulator for anyone else. RFC 4180, UTF-8 with a byte order " +
                "mark; a field starting with =, +, -, @, tab or carriage return is written with a leading ' so a spreadsheet shows it as text.")
            .Produces<string>(StatusCodes.Status200OK, "text/csv")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DownloadAsync(
        ApiCaller caller, FacilityDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        if (caller.AgencyCode is not { } agency)
        {
            return Problems.Forbidden(NotRegulator, "Only regulator staff and regulator systems export the users of their jurisdiction.");
        }

        var users = await db.Memberships.AsNoTracking()
            .Where(m => m.Status == MembershipStatus.Active
                && db.Facilities.Any(f => f.BusinessId == m.BusinessId && f.Agency!.Code == agency))
            .OrderBy(m => m.Business!.Name).ThenBy(m => m.Business!.OrganizationCode).ThenBy(m => m.UserName).ThenBy(m => m.Id)
            .Select(m => new { m.UserName, m.Email, Business = m.Business!.Name, m.Business.OrganizationCode, m.Role })
            .ToListAsync(cancellationToken);
        return CsvExport.Download($"cers-{agency}-business-users-{time.GetUtcNow():yyyy-MM-dd}.csv", Header, users,
            u => [u.UserName, u.Email, u.Business, u.OrganizationCode, Email.FacilityEmailWriter.RoleName(u.Role)]);
    }
}
