using System.ComponentModel;
using System.Globalization;
using Cers.Email.Templates;
using Cers.Data;
using Cers.FacilityApi.Api;
using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Email;
using Cers.FacilityApi.Security;
using Cers.FacilityApi.Transfers;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Facilities;

/// <summary>A facility as its business's members and its regulator see it, archived or not.</summary>
public sealed record FacilityDetailsView(int CersId, string Name, string Street, string City, string Zip, string County,
    string OrganizationCode, string BusinessName, string AgencyCode, string AgencyName, DateTime? ArchivedAt);

public sealed record RenameFacilityInput([property: Description("The facility's new name (at most 200 characters).")] string? Name);

public sealed record ArchiveFacilityInput([property: Description("Why it is archived, e.g. \"Closed in March 2026\" (at most 1000 characters).")] string? Reason);

/// <summary>
/// One facility: read by its business's members and its regulator (archived ones too, so a regulator still finds a closed
/// facility by CERS ID), renamed by its business's Lead Users, archived by its regulator when it closes. Nothing is deleted.
/// Its address and business change only by a transfer (<see cref="FacilityTransfers"/>). Each change is audited with the
/// facility, which puts it on the facility's and the business's timelines.
/// </summary>
public static class FacilityChanges
{
    public const string AlreadyArchived = "already_archived";
    public const string ArchivedEmailKind = "facility-archived";

    public static IEndpointRouteBuilder MapFacilityChangeEndpoints(this IEndpointRouteBuilder app)
    {
        var facility = app.MapGroup("/api/facilities/{cersId:int}").WithTags("Facilities");
        facility.MapGet("/", GetFacility)
            .RequireAuthorization(TokenValidationExtensions.AccessDecisionPolicy)
            .WithName("GetFacility")
            .WithSummary("One facility, archived or not, for its business's active members and its regulator; 404 for anyone else.");

        facility.MapPost("/name", Rename)
            .RequireAuthorization(TokenValidationExtensions.FacilityAccessPolicy)
            .Accepts<RenameFacilityInput>("application/json")
            .WithName("RenameFacility")
            .WithSummary("A Lead User of the facility's business renames it. An address change is a transfer.");

        facility.MapPost("/archive", Archive)
            .RequireAuthorization(TokenValidationExtensions.AccessDecisionPolicy)
            .Accepts<ArchiveFacilityInput>("application/json")
            .WithName("ArchiveFacility")
            .WithSummary("The facility's regulator archives it as closed: left out of search and new requests, kept with its CERS ID and history.")
            .WithDescription("409 codes: already_archived, transfer_pending (decide the pending transfer first).");

        facility.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    public static async Task<Results<Ok<FacilityDetailsView>, NotFound>> GetFacility(
        int cersId, ApiCaller caller, FacilityDbContext db, CancellationToken cancellationToken)
    {
        var facility = await db.Facilities.AsNoTracking().Where(f => f.CersId == cersId)
            .Select(f => new { f.BusinessId, AgencyCode = f.Agency!.Code }).FirstOrDefaultAsync(cancellationToken);
        if (facility is null || !(facility.AgencyCode == caller.AgencyCode
                || await BusinessAccess.IsActiveMemberAsync(db, facility.BusinessId, caller.Subject, cancellationToken)))
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(await ViewAsync(db, cersId, cancellationToken));
    }

    public static async Task<Results<Ok<FacilityDetailsView>, NotFound, ValidationProblem>> Rename(
        int cersId, HttpRequest http, ApiCaller caller, FacilityDbContext db, TimeProvider time, CancellationToken cancellationToken)
    {
        var facility = await db.Facilities.FirstOrDefaultAsync(f => f.CersId == cersId, cancellationToken);
        if (facility is null || !await BusinessAccess.IsLeadUserAsync(db, facility.BusinessId, caller.Subject, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        var (input, readErrors) = await RequestInput.ReadAsync<RenameFacilityInput>(http, cancellationToken);
        if (input is null)
        {
            return Problems.Invalid(readErrors!);
        }

        var errors = new RequestInput.Errors();
        var name = RequestInput.Text(input.Name, "name", FacilityDbContext.NameMaxLength, required: true, errors);
        if (errors.Any || name is null)
        {
            return Problems.Invalid(errors.ToDictionary());
        }

        if (!string.Equals(facility.Name, name, StringComparison.Ordinal))
        {
            db.AuditEvents.Add(new AuditEvent
            {
                OccurredAt = time.GetUtcNow().UtcDateTime,
                Kind = AuditKinds.FacilityRenamed,
                ActorSubject = caller.Subject,
                ActorName = caller.Name,
                BusinessId = facility.BusinessId,
                FacilityCersId = cersId,
                Detail = BusinessDetails.Truncate($"Renamed facility {cersId} from \"{facility.Name}\" to \"{name}\"."),
            });
            facility.Name = name;
            await db.SaveChangesAsync(cancellationToken);
        }

        return TypedResults.Ok(await ViewAsync(db, cersId, cancellationToken));
    }

    public static async Task<Results<Ok<FacilityDetailsView>, NotFound, ValidationProblem, ProblemHttpResult>> Archive(
        int cersId, HttpRequest http, ApiCaller caller, FacilityDbContext db, FacilityEmailWriter emails, TimeProvider time,
        CancellationToken cancellationToken)
    {
        if (caller.AgencyCode is not { } code
            || !await db.Facilities.AnyAsync(f => f.CersId == cersId && f.Agency!.Code == code, cancellationToken))
        {
            return TypedResults.NotFound();
        }

        var (input, readErrors) = await RequestInput.ReadAsync<ArchiveFacilityInput>(http, cancellationToken);
        if (input is null)
        {
            return Problems.Invalid(readErrors!);
        }

        var errors = new RequestInput.Errors();
        var reason = RequestInput.Text(input.Reason, "reason", RequestInput.MaxReasonLength, required: true, errors, foldLineBreaks: true);
        if (errors.Any || reason is null)
        {
            return Problems.Invalid(errors.ToDictionary());
        }

        var refused = await db.InTransactionAsync<ProblemHttpResult?>(async ct =>
        {
            // Under the facility's lock, which its transfers take too: no transfer slips in between the check and the archiving.
            await db.LockAsync($"facility:{cersId.ToString(CultureInfo.InvariantCulture)}", ct);
            if (await db.Transfers.AnyAsync(t => t.FacilityCersId == cersId && t.Status == TransferStatus.Pending, ct))
            {
                return Problems.Conflict(TransferEndpoints.TransferPending, "A transfer of this facility is pending; decide it first.");
            }

            var now = time.GetUtcNow().UtcDateTime;
            var facility = await db.Facilities.SingleAsync(f => f.CersId == cersId, ct);
            if (facility.ArchivedAt is not null)
            {
                return Problems.Conflict(AlreadyArchived, "The facility is already archived.");
            }

            facility.ArchivedAt = now;
            db.AuditEvents.Add(new AuditEvent
            {
                OccurredAt = now,
                Kind = AuditKinds.FacilityArchived,
                ActorSubject = caller.Subject,
                ActorName = caller.Name,
                ActorAgencyCode = code,
                BusinessId = facility.BusinessId,
                FacilityCersId = cersId,
                Detail = BusinessDetails.Truncate($"Archived facility {cersId}: {reason}"),
            });

            // The business's Lead Users learn of it: the facility leaves search and new requests.
            foreach (var lead in await emails.LeadUsersAsync(facility.BusinessId, caller.Subject, ct))
            {
                var content = new EmailContent($"CERS: facility {facility.Name} archived")
                    .Greeting(lead.Name)
                    .Paragraph($"{caller.Name} of your regulator archived facility {cersId.ToString(CultureInfo.InvariantCulture)} " +
                        $"({facility.Name}, {facility.Street}, {facility.City}) as closed: {reason}")
                    .Paragraph("It keeps its CERS ID and history; it is no longer found by search or open to new access requests. " +
                        "If it has not closed, contact your regulator.");
                emails.Send(content, $"facility:{cersId.ToString(CultureInfo.InvariantCulture)}:archived:{lead.Key}", ArchivedEmailKind, lead);
            }

            await db.SaveChangesAsync(ct);
            return null;
        }, cancellationToken);
        return refused is null ? TypedResults.Ok(await ViewAsync(db, cersId, cancellationToken)) : refused;
    }

    private static Task<FacilityDetailsView> ViewAsync(FacilityDbContext db, int cersId, CancellationToken cancellationToken) =>
        db.Facilities.AsNoTracking().Where(f => f.CersId == cersId)
            .Select(f => new FacilityDetailsView(f.CersId, f.Name, f.Street, f.City, f.Zip, f.County, f.Business!.OrganizationCode,
                f.Business.Name, f.Agency!.Code, f.Agency.Name, f.ArchivedAt))
            .SingleAsync(cancellationToken);
}
