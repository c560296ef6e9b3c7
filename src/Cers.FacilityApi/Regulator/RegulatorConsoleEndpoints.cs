using System.Linq.Expressions;
using Cers.FacilityApi.Api;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Facilities;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Regulator;

/// <summary>
/// The regulator console: the facilities and businesses of the caller's jurisdiction (those whose facilities' agency is
/// the caller's <c>cupa</c> agency), searched and paged, and the two changes a regulator makes to a business's members
/// (<see cref="RegulatorMemberActions"/>). For regulator staff and regulator API clients alike; anyone without an agency
/// gets 403 <see cref="BusinessUsersExport.NotRegulator"/>, which tells them nothing about any business. A business
/// outside the jurisdiction is 404, the same as one that does not exist. The members and roles of a business are read
/// from <c>GET /api/businesses/{organizationCode}/members</c>, which its regulators may already call.
/// </summary>
public static class RegulatorConsoleEndpoints
{
    public const string HasLeadUser = "has_lead_user";
    public const string OwnBusiness = "own_business";

    /// <summary>Fixed, so a page link means the same thing to every caller.</summary>
    public const int PageSize = 25;

    /// <summary>Enough pages for a jurisdiction of a million facilities.</summary>
    public const int MaxPage = 40_000;

    public const int MaxQueryLength = 100;

    private const string NotRegulatorTitle = "Only regulator staff and regulator systems use the regulator console.";

    public static IEndpointRouteBuilder MapRegulatorConsoleEndpoints(this IEndpointRouteBuilder app)
    {
        var regulator = app.MapGroup("/api/regulator")
            .RequireAuthorization(TokenValidationExtensions.AccessDecisionPolicy)
            .WithTags("Regulator");

        regulator.MapGet("/facilities", ListJurisdictionFacilities)
            .WithName("ListJurisdictionFacilities")
            .WithSummary("The facilities of the caller's jurisdiction, by name, 25 a page, with the business of each.")
            .WithDescription("q: a CERS ID (digits only, matched exactly), or text found anywhere in the facility's name, street or " +
                "city or its business's name, ignoring case; % and _ are plain characters. 403 code not_regulator for anyone " +
                "without a regulator agency.");

        regulator.MapGet("/businesses", ListJurisdictionBusinesses)
            .WithName("ListJurisdictionBusinesses")
            .WithSummary("The businesses with a facility in the caller's jurisdiction, by name, 25 a page.")
            .WithDescription("q: text found in the business's name (ignoring case) or organization code; % and _ are plain " +
                "characters. Each with its facilities in the jurisdiction, its active members and whether it has an active Lead " +
                "User. 403 code not_regulator for anyone without a regulator agency.");

        regulator.MapPost("/businesses/{organizationCode}/members/{membershipId:long}/remove", RemoveMemberAsRegulator)
            .Accepts<RemoveMemberInput>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("RemoveMemberAsRegulator")
            .WithSummary("The regulator removes a member of a business of its jurisdiction (someone who left), the last Lead User included.")
            .WithDescription("The member and the business's other Lead Users are emailed; the business's history shows the removal " +
                "with the regulator's name. 403 code not_regulator; 404 for a business outside the jurisdiction or a membership " +
                "that is not active in it; 403 code own_business for a regulator who is a member of the business; 409 code " +
                "membership_conflict when the version is stale.");

        regulator.MapPost("/businesses/{organizationCode}/lead-user", AppointLeadUser)
            .Accepts<AppointLeadUserInput>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("AppointLeadUser")
            .WithSummary("The regulator makes an active member Lead User of a business of its jurisdiction that has no active Lead User.")
            .WithDescription("The new Lead User is emailed; the business's history shows the appointment. 403 codes not_regulator, " +
                "own_business (a regulator who is a member of the business does not change its members); 404 for a business " +
                "outside the jurisdiction or a membership that is not active in it; 409 codes has_lead_user (the business has " +
                "one: its Lead Users manage its members), membership_conflict (the version is stale). Of two appointments at " +
                "once, one wins and the other gets has_lead_user.");

        regulator.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    public static Task<Results<Ok<JurisdictionFacilityPage>, ValidationProblem, ProblemHttpResult>> ListJurisdictionFacilities(
        string? q, string? page, ApiCaller caller, FacilityDbContext db, CancellationToken cancellationToken) =>
        ListAsync(q, page, caller, db, async query =>
        {
            var facilities = db.Facilities.AsNoTracking().Where(f => f.AgencyId == query.AgencyId);
            if (query.Text is { } text)
            {
                facilities = FacilitiesMatching(facilities, text);
            }

            var (items, total) = await PageAsync(facilities.OrderBy(f => f.Name).ThenBy(f => f.CersId), query.Page,
                f => new JurisdictionFacilityView(f.CersId, f.Name, f.Street, f.City, f.Zip, f.County, f.Business!.OrganizationCode,
                    f.Business.Name, f.ArchivedAt), cancellationToken);
            return new JurisdictionFacilityPage(items, query.Page, PageSize, total);
        }, cancellationToken);

    public static Task<Results<Ok<JurisdictionBusinessPage>, ValidationProblem, ProblemHttpResult>> ListJurisdictionBusinesses(
        string? q, string? page, ApiCaller caller, FacilityDbContext db, CancellationToken cancellationToken) =>
        ListAsync(q, page, caller, db, async query =>
        {
            var agencyId = query.AgencyId;
            var businesses = db.Businesses.AsNoTracking().Where(b => db.Facilities.Any(f => f.BusinessId == b.Id && f.AgencyId == agencyId));
            if (query.Text is { } text)
            {
                var upper = text.ToUpperInvariant();

                // SQL's upper() compares them (EF does not translate the StringComparison overloads), as in FacilitiesMatching.
#pragma warning disable CA1862
                businesses = businesses.Where(b => b.Name.ToUpper().Contains(upper) || b.OrganizationCode.Contains(text));
#pragma warning restore CA1862
            }

            var (items, total) = await PageAsync(businesses.OrderBy(b => b.Name).ThenBy(b => b.OrganizationCode), query.Page,
                b => new JurisdictionBusinessView(b.OrganizationCode, b.Name,
                    db.Facilities.Count(f => f.BusinessId == b.Id && f.AgencyId == agencyId),
                    db.Memberships.Count(m => m.BusinessId == b.Id && m.Status == MembershipStatus.Active),
                    db.Memberships.Any(m => m.BusinessId == b.Id && m.Status == MembershipStatus.Active && m.Role == MembershipRole.LeadUser)),
                cancellationToken);
            return new JurisdictionBusinessPage(items, query.Page, PageSize, total);
        }, cancellationToken);

    public static Task<Results<Ok<MemberView>, NotFound, ValidationProblem, ProblemHttpResult>> RemoveMemberAsRegulator(
        string organizationCode, long membershipId, HttpRequest http, ApiCaller caller, FacilityDbContext db, RegulatorMemberActions actions,
        CancellationToken cancellationToken) =>
        ActAsync<RemoveMemberInput>(organizationCode, http, caller, db, (input, errors) =>
            {
                RequestInput.RequireVersion(input.Version, "membership", errors);
                return input.Version is { } version ? (membershipId, version) : null;
            },
            (businessId, target) => actions.RemoveAsync(businessId, target.MembershipId, target.Version, caller, cancellationToken),
            cancellationToken);

    public static Task<Results<Ok<MemberView>, NotFound, ValidationProblem, ProblemHttpResult>> AppointLeadUser(
        string organizationCode, HttpRequest http, ApiCaller caller, FacilityDbContext db, RegulatorMemberActions actions,
        CancellationToken cancellationToken) =>
        ActAsync<AppointLeadUserInput>(organizationCode, http, caller, db, (input, errors) =>
            {
                if (input.MembershipId is null)
                {
                    errors.Add("membershipId", "membershipId is required: the membership that becomes Lead User.");
                }

                RequestInput.RequireVersion(input.Version, "membership", errors);
                return input is { MembershipId: { } membershipId, Version: { } version } ? (membershipId, version) : null;
            },
            (businessId, target) => actions.AppointLeadUserAsync(businessId, target.MembershipId, target.Version, caller, cancellationToken),
            cancellationToken);

    /// <summary>
    /// One way for both changes: who may act is settled before the body is read, so an outsider learns nothing from
    /// validation; then the membership and version the body names, then the change.
    /// </summary>
    private static async Task<Results<Ok<MemberView>, NotFound, ValidationProblem, ProblemHttpResult>> ActAsync<TInput>(
        string organizationCode, HttpRequest http, ApiCaller caller, FacilityDbContext db,
        Func<TInput, RequestInput.Errors, (long MembershipId, int Version)?> target,
        Func<int, (long MembershipId, int Version), Task<RegulatorActionOutcome>> act, CancellationToken cancellationToken)
        where TInput : class
    {
        if (caller.AgencyCode is null)
        {
            return Problems.Forbidden(BusinessUsersExport.NotRegulator, NotRegulatorTitle);
        }

        if (await JurisdictionBusinessAsync(organizationCode, caller, db, cancellationToken) is not { } businessId)
        {
            return TypedResults.NotFound();
        }

        var (input, readErrors) = await RequestInput.ReadAsync<TInput>(http, cancellationToken);
        if (input is null)
        {
            return Problems.Invalid(readErrors!);
        }

        var errors = new RequestInput.Errors();
        if (target(input, errors) is not { } membership || errors.Any)
        {
            return Problems.Invalid(errors.ToDictionary());
        }

        var outcome = await act(businessId, membership);
        return outcome switch
        {
            RegulatorActionOutcome.Done => TypedResults.Ok(await db.Memberships.AsNoTracking().Where(m => m.Id == membership.MembershipId)
                .Select(m => new MemberView(m.Id, m.UserSubject, m.UserName, m.Email, m.Role, m.Version)).SingleAsync(cancellationToken)),
            RegulatorActionOutcome.Conflict => Problems.Conflict(MembershipEndpoints.MembershipConflict,
                "The membership has changed since it was read; reload it and try again."),
            RegulatorActionOutcome.HasLeadUser => Problems.Conflict(HasLeadUser,
                "The business has an active Lead User, who manages its members; a regulator appoints one only when it has none."),
            RegulatorActionOutcome.OwnBusiness => Problems.Forbidden(OwnBusiness,
                "You are a member of this business, so another regulator of your agency changes its members."),
            _ => TypedResults.NotFound(),
        };
    }

    /// <summary>
    /// Digits alone are a CERS ID (none when too long to be one); other text is found anywhere in the facility's name, street,
    /// city or business name. EF Core sends the text as a parameter to a position search (instr, strpos, CHARINDEX), not
    /// a LIKE pattern, so % and _ match themselves. Case is ignored by comparing upper case (SQLite's upper() folds ASCII only).
    /// </summary>
    private static IQueryable<Facility> FacilitiesMatching(IQueryable<Facility> facilities, string text)
    {
        if (text.All(char.IsAsciiDigit))
        {
            return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var cersId)
                ? facilities.Where(f => f.CersId == cersId)
                : facilities.Where(f => false);
        }

        var upper = text.ToUpperInvariant();
#pragma warning disable CA1862 // EF does not translate the StringComparison overloads; SQL's upper() is the comparison.
        return facilities.Where(f => f.Name.ToUpper().Contains(upper) || f.Street.ToUpper().Contains(upper)
            || f.City.ToUpper().Contains(upper) || f.Business!.Name.ToUpper().Contains(upper));
#pragma warning restore CA1862
    }

    /// <summary>
    /// One way for both lists: anyone without an agency is refused, then <c>q</c> (plain text, at most
    /// <see cref="MaxQueryLength"/>) and <c>page</c> are checked, then the list is made for the caller's agency.
    /// </summary>
    private static async Task<Results<Ok<T>, ValidationProblem, ProblemHttpResult>> ListAsync<T>(string? q, string? page, ApiCaller caller,
        FacilityDbContext db, Func<JurisdictionQuery, Task<T>> list, CancellationToken cancellationToken)
    {
        if (caller.AgencyCode is not { } code)
        {
            return Problems.Forbidden(BusinessUsersExport.NotRegulator, NotRegulatorTitle);
        }

        var errors = new RequestInput.Errors();
        var text = RequestInput.Text(q, "q", MaxQueryLength, required: false, errors);
        var number = RequestInput.Paging(page, "page", MaxPage, 1, errors);
        if (errors.Any)
        {
            return Problems.Invalid(errors.ToDictionary());
        }

        return TypedResults.Ok(await list(new JurisdictionQuery(await AgencyIdAsync(db, code, cancellationToken), text, number)));
    }

    /// <summary>A list's question: the caller's agency (none when its code names no agency), the search text and the page.</summary>
    private sealed record JurisdictionQuery(int? AgencyId, string? Text, int Page);

    /// <summary>The caller's agency; an agency code no agency has is a jurisdiction with nothing in it.</summary>
    private static Task<int?> AgencyIdAsync(FacilityDbContext db, string code, CancellationToken cancellationToken) =>
        db.Agencies.Where(a => a.Code == code).Select(a => (int?)a.Id).FirstOrDefaultAsync(cancellationToken);

    /// <summary>The business's id when it has a facility in the caller's jurisdiction (<see cref="BusinessAccess"/>).</summary>
    private static async Task<int?> JurisdictionBusinessAsync(string organizationCode, ApiCaller caller, FacilityDbContext db,
        CancellationToken cancellationToken)
    {
        var businessId = await db.Businesses.AsNoTracking().Where(b => b.OrganizationCode == organizationCode)
            .Select(b => (int?)b.Id).FirstOrDefaultAsync(cancellationToken);
        return businessId is { } id && await BusinessAccess.IsRegulatorOfAsync(db, id, caller, cancellationToken) ? id : null;
    }

    private static async Task<(List<T> Items, int Total)> PageAsync<TRow, T>(IOrderedQueryable<TRow> rows, int page,
        Expression<Func<TRow, T>> view, CancellationToken cancellationToken)
    {
        var total = await rows.CountAsync(cancellationToken);
        var items = await rows.Skip((page - 1) * PageSize).Take(PageSize).Select(view).ToListAsync(cancellationToken);
        return (items, total);
    }
}
