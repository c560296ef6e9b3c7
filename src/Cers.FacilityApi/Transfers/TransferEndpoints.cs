using Cers.FacilityApi.Api;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Regulator;
using Cers.FacilityApi.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Transfers;

/// <summary>
/// Facility transfers (<see cref="FacilityTransfers"/> does the work): ask, list, decide, withdraw. Conflicts are 409 problem
/// details with a stable <c>code</c>; deciding a transfer one asked for or belongs to a business of is 403 <see cref="OwnTransfer"/>.
/// </summary>
public static class TransferEndpoints
{
    public const string TransferPending = "transfer_pending";
    public const string FacilityArchived = "facility_archived";
    public const string TransferConflict = "transfer_conflict";
    public const string NotPending = "not_pending";
    public const string OwnTransfer = "own_transfer";
    public const string AddressUnresolved = "address_unresolved";
    public const string TooManyTransfers = "too_many_transfers";

    public static IEndpointRouteBuilder MapTransferEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/facilities/{cersId:int}/transfers", RequestTransfer)
            .RequireAuthorization(TokenValidationExtensions.AccessDecisionPolicy)
            .WithTags("Transfers")
            .Accepts<CreateTransferInput>("application/json")
            .WithName("RequestFacilityTransfer")
            .WithSummary("Asks to move a facility to another business or address; a regulator of the facility moves it at once.")
            .WithDescription("A Lead User of the receiving business asks (for an address change alone, a Lead User of the facility's " +
                "business), and the facility's regulator decides. Staff or an API client of the facility's regulator agency moves it at " +
                "once (status Approved), unless they belong to a business it concerns. 409 codes: transfer_pending, facility_archived, " +
                "address_unresolved. 429 code too_many_transfers (with Retry-After) past the receiving business's AccessRequests:MaxPerHour " +
                "or MaxPerDay transfer requests.")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        var transfers = app.MapGroup("/api/transfers").WithTags("Transfers");
        transfers.MapGet("/waiting", ListWaiting)
            .RequireAuthorization(TokenValidationExtensions.AccessDecisionPolicy)
            .WithName("ListWaitingTransfers")
            .WithSummary("The pending transfers the caller's regulator agency decides, oldest first.")
            .WithDescription("Regulator staff and regulator API clients; 403 code not_regulator for anyone else.");

        transfers.MapPost("/{id:long}/approve", Approve)
            .RequireAuthorization(TokenValidationExtensions.AccessDecisionPolicy)
            .Accepts<DecideTransferInput>("application/json")
            .WithName("ApproveTransfer")
            .WithSummary("The facility's regulator approves a pending transfer: the facility moves, the old business's access to it ends.")
            .WithDescription("403 code own_transfer for whoever asked for it or belongs to either business. 409 codes: transfer_conflict " +
                "(stale version, or another decision came first), not_pending, address_unresolved.");

        transfers.MapPost("/{id:long}/deny", Deny)
            .RequireAuthorization(TokenValidationExtensions.AccessDecisionPolicy)
            .Accepts<DecideTransferInput>("application/json")
            .WithName("DenyTransfer")
            .WithSummary("The facility's regulator denies a pending transfer, with a reason.")
            .WithDescription("403 code own_transfer; 409 codes transfer_conflict, not_pending.");

        transfers.MapPost("/{id:long}/withdraw", Withdraw)
            .RequireAuthorization(TokenValidationExtensions.FacilityAccessPolicy)
            .WithName("WithdrawTransfer")
            .WithSummary("Whoever asked for a pending transfer withdraws it. 409 code not_pending.");

        app.MapGet("/api/businesses/{organizationCode}/transfers", ListForBusiness)
            .RequireAuthorization(TokenValidationExtensions.AccessDecisionPolicy)
            .WithTags("Transfers")
            .WithName("ListBusinessTransfers")
            .WithSummary("The transfers into and out of a business, newest first.")
            .WithDescription("For the business's Lead Users and the regulators of its facilities; 404 for anyone else.");

        transfers.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    public static async Task<Results<Created<TransferView>, ValidationProblem, NotFound, ProblemHttpResult>> RequestTransfer(
        int cersId, HttpRequest http, ApiCaller caller, FacilityTransfers transfers, CancellationToken cancellationToken)
    {
        var (input, readErrors) = await RequestInput.ReadAsync<CreateTransferInput>(http, cancellationToken);
        if (input is null)
        {
            return Problems.Invalid(readErrors!);
        }

        return await transfers.RequestAsync(cersId, caller, input, cancellationToken) switch
        {
            TransferOutcome.Done done => TypedResults.Created((string?)null, done.Transfer),
            TransferOutcome.Invalid invalid => Problems.Invalid(invalid.Errors),
            TransferOutcome.Conflict conflict => Problems.Conflict(conflict.Code, conflict.Title),
            TransferOutcome.Forbidden forbidden => Problems.Forbidden(forbidden.Code, forbidden.Title),
            TransferOutcome.Throttled throttled => Problems.TooManyRequests(http.HttpContext, TooManyTransfers,
                "Your business has asked for as many transfers as it may for now; try again later.", throttled.RetryAfter),
            _ => TypedResults.NotFound(),
        };
    }

    public static async Task<Results<Ok<TransferPage>, ValidationProblem, ProblemHttpResult>> ListWaiting(
        ApiCaller caller, FacilityDbContext db, string? page, string? pageSize, CancellationToken cancellationToken)
    {
        if (caller.AgencyCode is not { } code)
        {
            return Problems.Forbidden(BusinessUsersExport.NotRegulator, "Only regulator staff and regulator systems decide transfers.");
        }

        if (!RequestInput.TryPaging(page, pageSize, out var paging, out var errors))
        {
            return Problems.Invalid(errors);
        }

        var waiting = db.Transfers.AsNoTracking().Where(t => t.Status == TransferStatus.Pending && t.Agency!.Code == code);
        return TypedResults.Ok(await PageAsync(waiting.OrderBy(t => t.CreatedAt).ThenBy(t => t.Id), paging, cancellationToken));
    }

    public static async Task<Results<Ok<TransferPage>, ValidationProblem, NotFound>> ListForBusiness(
        string organizationCode, ApiCaller caller, FacilityDbContext db, string? page, string? pageSize, CancellationToken cancellationToken)
    {
        if (!RequestInput.TryPaging(page, pageSize, out var paging, out var errors))
        {
            return Problems.Invalid(errors);
        }

        var businessId = await db.Businesses.AsNoTracking().Where(b => b.OrganizationCode == organizationCode)
            .Select(b => (int?)b.Id).FirstOrDefaultAsync(cancellationToken);
        if (businessId is not { } id || !(await BusinessAccess.IsLeadUserAsync(db, id, caller.Subject, cancellationToken)
                || await BusinessAccess.IsRegulatorOfAsync(db, id, caller, cancellationToken)))
        {
            return TypedResults.NotFound();
        }

        var transfers = db.Transfers.AsNoTracking().Where(t => t.FromBusinessId == id || t.ToBusinessId == id);
        return TypedResults.Ok(await PageAsync(transfers.OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id), paging, cancellationToken));
    }

    public static Task<Results<Ok<TransferView>, ValidationProblem, NotFound, ProblemHttpResult>> Approve(
        long id, HttpRequest http, ApiCaller caller, FacilityTransfers transfers, CancellationToken cancellationToken) =>
        DecideAsync(id, approve: true, http, caller, transfers, cancellationToken);

    public static Task<Results<Ok<TransferView>, ValidationProblem, NotFound, ProblemHttpResult>> Deny(
        long id, HttpRequest http, ApiCaller caller, FacilityTransfers transfers, CancellationToken cancellationToken) =>
        DecideAsync(id, approve: false, http, caller, transfers, cancellationToken);

    public static async Task<Results<Ok<TransferView>, ValidationProblem, NotFound, ProblemHttpResult>> Withdraw(
        long id, ApiCaller caller, FacilityTransfers transfers, CancellationToken cancellationToken) =>
        await transfers.WithdrawAsync(id, caller, cancellationToken) switch
        {
            TransferOutcome.Done done => TypedResults.Ok(done.Transfer),
            var other => Answer(other),
        };

    private static async Task<Results<Ok<TransferView>, ValidationProblem, NotFound, ProblemHttpResult>> DecideAsync(
        long id, bool approve, HttpRequest http, ApiCaller caller, FacilityTransfers transfers, CancellationToken cancellationToken)
    {
        var (input, readErrors) = await RequestInput.ReadAsync<DecideTransferInput>(http, cancellationToken);
        if (input is null)
        {
            return Problems.Invalid(readErrors!);
        }

        return await transfers.DecideAsync(id, caller, approve, input, cancellationToken) switch
        {
            TransferOutcome.Done done => TypedResults.Ok(done.Transfer),
            var other => Answer(other),
        };
    }

    private static Results<Ok<TransferView>, ValidationProblem, NotFound, ProblemHttpResult> Answer(TransferOutcome outcome) => outcome switch
    {
        TransferOutcome.Invalid invalid => Problems.Invalid(invalid.Errors),
        TransferOutcome.Conflict conflict => Problems.Conflict(conflict.Code, conflict.Title),
        TransferOutcome.Forbidden forbidden => Problems.Forbidden(forbidden.Code, forbidden.Title),
        TransferOutcome.NotFound => TypedResults.NotFound(),
        var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
    };

    private static async Task<TransferPage> PageAsync(IOrderedQueryable<FacilityTransfer> transfers, (int Page, int PageSize) paging,
        CancellationToken cancellationToken)
    {
        var total = await transfers.CountAsync(cancellationToken);
        var items = await transfers.Skip((paging.Page - 1) * paging.PageSize).Take(paging.PageSize)
            .Select(FacilityTransfers.View).ToListAsync(cancellationToken);
        return new TransferPage(items, paging.Page, paging.PageSize, total);
    }
}
