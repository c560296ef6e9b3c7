using System.ComponentModel;
using Cers.FacilityApi.Api;
using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Email;
using Cers.FacilityApi.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Businesses;

/// <summary>The business, with its first <see cref="BusinessDetails.FacilitiesShown"/> facilities (open ones first) of <c>FacilityCount</c>.</summary>
public sealed record BusinessDetailsView(string OrganizationCode, string Name, string? ContactName, string? ContactEmail, string? ContactPhone,
    int FacilityCount, IReadOnlyList<BusinessFacilityView> Facilities);

/// <summary>One of a business's facilities; archived ones (closed) say since when.</summary>
public sealed record BusinessFacilityView(int CersId, string Name, string Street, string City, string Zip, string County, string AgencyCode,
    DateTime? ArchivedAt);

public sealed record EditBusinessInput(
    [property: Description("The business's name (at most 200 characters).")] string? Name,
    [property: Description("Whom the regulator calls about the business (optional).")] string? ContactName,
    [property: Description("The contact's email address (optional).")] string? ContactEmail,
    [property: Description("The contact's phone number (optional).")] string? ContactPhone);

/// <summary>
/// A business's name, contact and facilities: read by its members and the regulators of its facilities, edited by its Lead
/// Users. An edit is audited with what it changed, which puts it on the business's timeline. A business the caller may not
/// see or edit is 404, as for its members.
/// </summary>
public static class BusinessDetails
{
    public const int FacilitiesShown = 200;

    public static IEndpointRouteBuilder MapBusinessDetailsEndpoints(this IEndpointRouteBuilder app)
    {
        var business = app.MapGroup("/api/businesses/{organizationCode}").WithTags("Businesses");
        business.MapGet("/", GetBusiness)
            .RequireAuthorization(TokenValidationExtensions.AccessDecisionPolicy)
            .WithName("GetBusiness")
            .WithSummary("The business's name, contact and facilities (archived ones included, marked).")
            .WithDescription("For the business's active members and the regulators of its facilities; 404 for anyone else.");

        business.MapPost("/details", EditBusiness)
            .RequireAuthorization(TokenValidationExtensions.FacilityAccessPolicy)
            .Accepts<EditBusinessInput>("application/json")
            .WithName("EditBusiness")
            .WithSummary("A Lead User of the business changes its name and contact details.");

        business.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    public static async Task<Results<Ok<BusinessDetailsView>, NotFound>> GetBusiness(
        string organizationCode, ApiCaller caller, FacilityDbContext db, CancellationToken cancellationToken)
    {
        var id = await IdAsync(db, organizationCode, cancellationToken);
        if (id is not { } businessId || !(await BusinessAccess.IsActiveMemberAsync(db, businessId, caller.Subject, cancellationToken)
                || await BusinessAccess.IsRegulatorOfAsync(db, businessId, caller, cancellationToken)))
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(await ViewAsync(db, businessId, cancellationToken));
    }

    public static async Task<Results<Ok<BusinessDetailsView>, NotFound, ValidationProblem>> EditBusiness(
        string organizationCode, HttpRequest http, ApiCaller caller, FacilityDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var id = await IdAsync(db, organizationCode, cancellationToken);
        if (id is not { } businessId || !await BusinessAccess.IsLeadUserAsync(db, businessId, caller.Subject, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        var (input, readErrors) = await RequestInput.ReadAsync<EditBusinessInput>(http, cancellationToken);
        if (input is null)
        {
            return Problems.Invalid(readErrors!);
        }

        var errors = new RequestInput.Errors();
        var name = RequestInput.Text(input.Name, "name", FacilityDbContext.NameMaxLength, required: true, errors);
        var contactName = RequestInput.Text(input.ContactName, "contactName", FacilityDbContext.NameMaxLength, required: false, errors);
        var contactEmail = RequestInput.Text(input.ContactEmail, "contactEmail", ApiCaller.MaxEmailLength, required: false, errors);
        if (contactEmail is not null && !errors.Has("contactEmail")
            && (!FacilityEmailWriter.IsMailbox(contactEmail) || contactEmail.Contains(' ', StringComparison.Ordinal)))
        {
            errors.Add("contactEmail", "Enter one email address, like name@example.com.");
        }

        var contactPhone = RequestInput.Phone(input.ContactPhone, "contactPhone", required: false, errors);
        if (errors.Any || name is null)
        {
            return Problems.Invalid(errors.ToDictionary());
        }

        var row = await db.Businesses.SingleAsync(b => b.Id == businessId, cancellationToken);
        var changes = new List<string>();
        void Change(string what, string? before, string? after)
        {
            if (!string.Equals(before, after, StringComparison.Ordinal))
            {
                changes.Add($"{what} \"{before}\" to \"{after}\"");
            }
        }

        Change("name", row.Name, name);
        Change("contact name", row.ContactName, contactName);
        Change("contact email", row.ContactEmail, contactEmail);
        Change("contact phone", row.ContactPhone, contactPhone);
        if (changes.Count > 0)
        {
            (row.Name, row.ContactName, row.ContactEmail, row.ContactPhone) = (name, contactName, contactEmail, contactPhone);
            db.AuditEvents.Add(new AuditEvent
            {
                OccurredAt = time.GetUtcNow().UtcDateTime,
                Kind = AuditKinds.BusinessEdited,
                ActorSubject = caller.Subject,
                ActorName = caller.Name,
                BusinessId = businessId,
                Detail = Truncate($"Changed {string.Join("; ", changes)}."),
            });
            await db.SaveChangesAsync(cancellationToken);
        }

        return TypedResults.Ok(await ViewAsync(db, businessId, cancellationToken));
    }

    /// <summary>An audit detail within its column, never cut inside a surrogate pair (PostgreSQL refuses half a character).</summary>
    public static string Truncate(string detail)
    {
        if (detail.Length <= 1000)
        {
            return detail;
        }

        var keep = char.IsHighSurrogate(detail[998]) ? 998 : 999;
        return detail[..keep] + "…";
    }

    private static Task<int?> IdAsync(FacilityDbContext db, string organizationCode, CancellationToken cancellationToken) =>
        db.Businesses.AsNoTracking().Where(b => b.OrganizationCode == organizationCode).Select(b => (int?)b.Id).FirstOrDefaultAsync(cancellationToken);

    private static async Task<BusinessDetailsView> ViewAsync(FacilityDbContext db, int businessId, CancellationToken cancellationToken)
    {
        var business = await db.Businesses.AsNoTracking().SingleAsync(b => b.Id == businessId, cancellationToken);
        var facilities = await db.Facilities.AsNoTracking().Where(f => f.BusinessId == businessId)
            .OrderBy(f => f.ArchivedAt != null).ThenBy(f => f.CersId)
            .Take(FacilitiesShown)
            .Select(f => new BusinessFacilityView(f.CersId, f.Name, f.Street, f.City, f.Zip, f.County, f.Agency!.Code, f.ArchivedAt))
            .ToListAsync(cancellationToken);
        var count = await db.Facilities.CountAsync(f => f.BusinessId == businessId, cancellationToken);
        return new BusinessDetailsView(business.OrganizationCode, business.Name, business.ContactName, business.ContactEmail,
            business.ContactPhone, count, facilities);
    }
}
