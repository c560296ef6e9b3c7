using Cers.FacilityApi.Api;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Memberships;

/// <summary>
/// Members of a business: the caller's own businesses, a business's members, and a Lead User's changes
/// to them. Conflicts are 409 problem details whose <c>code</c> extension is stable:
/// <see cref="MembershipConflict"/>, <see cref="LastLeadUser"/>. A business or membership the caller may
/// not see or change is 404, the same as one that does not exist.
/// </summary>
public static class MembershipEndpoints
{
    public const string MembershipConflict = "membership_conflict";
    public const string LastLeadUser = "last_lead_user";

    public static IEndpointRouteBuilder MapMembershipEndpoints(this IEndpointRouteBuilder app)
    {
        var businesses = app.MapGroup("/api/businesses")
            .WithTags("Memberships");

        businesses.MapGet("/mine", ListMyBusinesses)
            .RequireAuthorization(TokenValidationExtensions.FacilityAccessPolicy)
            .WithName("ListMyBusinesses")
            .WithSummary("The businesses the caller is an active member of, with their role and facility count.");

        // Regulator API clients (facility.regulator, no facility.access) may read the members of businesses in their jurisdiction too.
        businesses.MapGet("/{organizationCode}/members", ListMembers)
            .RequireAuthorization(TokenValidationExtensions.AccessDecisionPolicy)
            .WithName("ListBusinessMembers")
            .WithSummary("The business's active members.")
            .WithDescription("For active members of the business (any role) and for regulators of an agency with one of its " +
                "facilities in its jurisdiction; 404 for anyone else.");

        businesses.MapPost("/{organizationCode}/members/{membershipId:long}/role", ChangeMemberRole)
            .RequireAuthorization(TokenValidationExtensions.FacilityAccessPolicy)
            .Accepts<ChangeMemberRoleInput>("application/json")
            .WithName("ChangeMemberRole")
            .WithSummary("A Lead User of the business changes a member's role.")
            .WithDescription("409 codes: membership_conflict (the version is stale), last_lead_user (the change would leave the " +
                "business without an active Lead User).");

        businesses.MapPost("/{organizationCode}/members/{membershipId:long}/remove", RemoveMember)
            .RequireAuthorization(TokenValidationExtensions.FacilityAccessPolicy)
            .Accepts<RemoveMemberInput>("application/json")
            .WithName("RemoveMember")
            .WithSummary("A Lead User of the business removes a member (themself included, unless they are the last Lead User).")
            .WithDescription("409 codes: membership_conflict, last_lead_user.");

        businesses.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    public static async Task<Ok<List<MyBusinessView>>> ListMyBusinesses(
        ApiCaller caller, FacilityDbContext db, CancellationToken cancellationToken)
    {
        var mine = await db.Memberships.AsNoTracking()
            .Where(m => m.UserSubject == caller.Subject && m.Status == MembershipStatus.Active)
            .OrderBy(m => m.Business!.Name).ThenBy(m => m.Business!.OrganizationCode)
            .Select(m => new MyBusinessView(m.Business!.OrganizationCode, m.Business.Name, m.Role,
                db.Facilities.Count(f => f.BusinessId == m.BusinessId)))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(mine);
    }

    public static async Task<Results<Ok<List<MemberView>>, NotFound>> ListMembers(
        string organizationCode, ApiCaller caller, FacilityDbContext db, CancellationToken cancellationToken)
    {
        var businessId = await db.Businesses.AsNoTracking().Where(b => b.OrganizationCode == organizationCode)
            .Select(b => (int?)b.Id).FirstOrDefaultAsync(cancellationToken);
        if (businessId is not { } id || !await MaySeeMembersAsync(db, id, caller, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        var members = await db.Memberships.AsNoTracking()
            .Where(m => m.BusinessId == id && m.Status == MembershipStatus.Active)
            .OrderBy(m => m.Role).ThenBy(m => m.UserName).ThenBy(m => m.Id)
            .Select(m => new MemberView(m.Id, m.UserSubject, m.UserName, m.Email, m.Role, m.Version))
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(members);
    }

    public static async Task<Results<Ok<MemberView>, NotFound, ValidationProblem, ProblemHttpResult>> ChangeMemberRole(
        string organizationCode, long membershipId, HttpRequest http, ApiCaller caller, FacilityDbContext db, MembershipChanges changes,
        CancellationToken cancellationToken)
    {
        // Who may act is settled before the body is read, so a non-Lead User learns nothing from validation.
        if (await changes.LeadUserBusinessAsync(organizationCode, caller.Subject, cancellationToken) is not { } businessId)
        {
            return TypedResults.NotFound();
        }

        var (input, readErrors) = await RequestInput.ReadAsync<ChangeMemberRoleInput>(http, cancellationToken);
        if (input is null)
        {
            return Problems.Invalid(readErrors!);
        }

        var errors = new RequestInput.Errors();
        var role = RequestInput.ParseRole(input.Role, "role", errors);
        RequestInput.RequireVersion(input.Version, "membership", errors);
        if (errors.Any || role is null || input.Version is not { } version)
        {
            return Problems.Invalid(errors.ToDictionary());
        }

        return await Answer(await changes.ChangeRoleAsync(businessId, membershipId, role.Value, version, caller, cancellationToken),
            membershipId, db, cancellationToken);
    }

    public static async Task<Results<Ok<MemberView>, NotFound, ValidationProblem, ProblemHttpResult>> RemoveMember(
        string organizationCode, long membershipId, HttpRequest http, ApiCaller caller, FacilityDbContext db, MembershipChanges changes,
        CancellationToken cancellationToken)
    {
        if (await changes.LeadUserBusinessAsync(organizationCode, caller.Subject, cancellationToken) is not { } businessId)
        {
            return TypedResults.NotFound();
        }

        var (input, readErrors) = await RequestInput.ReadAsync<RemoveMemberInput>(http, cancellationToken);
        if (input is null)
        {
            return Problems.Invalid(readErrors!);
        }

        var errors = new RequestInput.Errors();
        RequestInput.RequireVersion(input.Version, "membership", errors);
        if (errors.Any || input.Version is not { } version)
        {
            return Problems.Invalid(errors.ToDictionary());
        }

        return await Answer(await changes.RemoveAsync(businessId, membershipId, version, caller, cancellationToken),
            membershipId, db, cancellationToken);
    }

    /// <summary>The business's active members, and regulators of its facilities' agencies.</summary>
    private static async Task<bool> MaySeeMembersAsync(FacilityDbContext db, int businessId, ApiCaller caller,
        CancellationToken cancellationToken) =>
        await BusinessAccess.IsActiveMemberAsync(db, businessId, caller.Subject, cancellationToken)
        || await BusinessAccess.IsRegulatorOfAsync(db, businessId, caller, cancellationToken);

    private static async Task<Results<Ok<MemberView>, NotFound, ValidationProblem, ProblemHttpResult>> Answer(
        MembershipChangeOutcome outcome, long membershipId, FacilityDbContext db, CancellationToken cancellationToken) => outcome switch
    {
        MembershipChangeOutcome.Changed => TypedResults.Ok(await db.Memberships.AsNoTracking().Where(m => m.Id == membershipId)
            .Select(m => new MemberView(m.Id, m.UserSubject, m.UserName, m.Email, m.Role, m.Version)).SingleAsync(cancellationToken)),
        MembershipChangeOutcome.Conflict => Problems.Conflict(MembershipConflict, "The membership has changed since it was read; reload it and try again."),
        MembershipChangeOutcome.LastLeadUser => Problems.Conflict(LastLeadUser,
            "The business must keep at least one active Lead User; make another member Lead User first."),
        _ => TypedResults.NotFound(),
    };
}
