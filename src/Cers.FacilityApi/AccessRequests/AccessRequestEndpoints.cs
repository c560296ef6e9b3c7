using Cers.FacilityApi.Api;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Memberships;
using Cers.FacilityApi.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.AccessRequests;

/// <summary>
/// Access requests: a user asks for a role in a business found through one of its facilities; the
/// business's Lead Users or the facility's regulator approve or deny. Conflicts are 409 problem
/// details whose <c>code</c> extension is stable: <see cref="PendingRequestExists"/>,
/// <see cref="AlreadyMember"/>, <see cref="NotPending"/>, <see cref="DecisionConflict"/>. A request
/// the caller may not see or decide is 404, the same as one that does not exist.
/// </summary>
public static class AccessRequestEndpoints
{
    public const string PendingRequestExists = "pending_request_exists";
    public const string AlreadyMember = "already_member";
    public const string NotPending = "not_pending";
    public const string DecisionConflict = "decision_conflict";
    public const string OwnRequest = "own_request";
    public const string TooManyRequests = "too_many_requests";

    public static IEndpointRouteBuilder MapAccessRequestEndpoints(this IEndpointRouteBuilder app)
    {
        var requests = app.MapGroup("/api/access-requests").WithTags("Access requests");

        requests.MapPost("/", CreateAccessRequest)
            .RequireAuthorization(TokenValidationExtensions.FacilityAccessPolicy)
            .Accepts<CreateAccessRequestInput>("application/json")
            .WithName("CreateAccessRequest")
            .WithSummary("Requests a role in the business that owns a facility.")
            .WithDescription("The requester's name and email come from the token. It goes to the business's active Lead Users, or to " +
                "the facility's regulator when the business has none. An unknown CERS ID is a 400 with a cersId field error. " +
                "409 codes: pending_request_exists, already_member. 429 code too_many_requests (with Retry-After) past " +
                "AccessRequests:MaxPerHour or MaxPerDay requests of the caller.");

        requests.MapGet("/mine", ListMyAccessRequests)
            .RequireAuthorization(TokenValidationExtensions.FacilityAccessPolicy)
            .WithName("ListMyAccessRequests")
            .WithSummary("The caller's own requests, newest first, paged.");

        requests.MapGet("/waiting", ListWaitingAccessRequests)
            .RequireAuthorization(TokenValidationExtensions.AccessDecisionPolicy)
            .WithName("ListWaitingAccessRequests")
            .WithSummary("Pending requests the caller may decide, oldest first, paged.")
            .WithDescription("Those of businesses where the caller is an active Lead User, and, for regulator staff and regulator " +
                "API clients (role regulator, cupa claim), those for facilities in their agency's jurisdiction; never the caller's own.");

        requests.MapGet("/{id:long}", GetAccessRequest)
            .RequireAuthorization(TokenValidationExtensions.AccessDecisionPolicy)
            .WithName("GetAccessRequest")
            .WithSummary("One request, for its requester and for those who may decide it; 404 for anyone else.")
            .WithDescription("The version in the answer is the one a decision must send.");

        requests.MapPost("/{id:long}/withdraw", WithdrawAccessRequest)
            .RequireAuthorization(TokenValidationExtensions.FacilityAccessPolicy)
            .WithName("WithdrawAccessRequest")
            .WithSummary("Withdraws the caller's own pending request. 409 code: not_pending.");

        requests.MapPost("/{id:long}/approve", ApproveAccessRequest)
            .RequireAuthorization(TokenValidationExtensions.AccessDecisionPolicy)
            .Accepts<ApproveAccessRequestInput>("application/json")
            .WithName("ApproveAccessRequest")
            .WithSummary("Approves a pending request, granting a role (any, LeadUser included).")
            .WithDescription("Nobody decides their own request: 403 code own_request. A regulator deciding a request routed to the " +
                "business's Lead Users overrides them (decidedAsOverride, and the Lead Users are emailed). " +
                "409 codes: not_pending, decision_conflict (the version is stale: someone else decided first).");

        requests.MapPost("/{id:long}/deny", DenyAccessRequest)
            .RequireAuthorization(TokenValidationExtensions.AccessDecisionPolicy)
            .Accepts<DenyAccessRequestInput>("application/json")
            .WithName("DenyAccessRequest")
            .WithSummary("Denies a pending request; the reason is required and shown to the requester.")
            .WithDescription("403 code own_request for the requester; 409 codes: not_pending, decision_conflict.");

        requests.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    public static async Task<Results<Created<AccessRequestView>, ValidationProblem, ProblemHttpResult>> CreateAccessRequest(
        HttpRequest http, ApiCaller caller, AccessRequestCreation creation, FacilityDbContext db, CancellationToken cancellationToken)
    {
        var (input, readErrors) = await RequestInput.ReadAsync<CreateAccessRequestInput>(http, cancellationToken);
        if (input is null)
        {
            return Problems.Invalid(readErrors!);
        }

        return await creation.CreateAsync(caller, input, cancellationToken) switch
        {
            CreationOutcome.Created created => TypedResults.Created($"/api/access-requests/{created.RequestId}",
                await ViewAsync(db, created.RequestId, cancellationToken)),
            CreationOutcome.Invalid invalid => Problems.Invalid(invalid.Errors),
            CreationOutcome.AlreadyMember => Problems.Conflict(AlreadyMember, "You are already a member of this business."),
            CreationOutcome.PendingRequestExists => Problems.Conflict(PendingRequestExists, "You already have a pending request for this business."),
            CreationOutcome.Throttled throttled => Problems.TooManyRequests(http.HttpContext, TooManyRequests,
                "You have asked for access many times recently; try again later.", throttled.RetryAfter),
            var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
        };
    }

    public static async Task<Results<Ok<AccessRequestPage>, ValidationProblem>> ListMyAccessRequests(
        ApiCaller caller, FacilityDbContext db, string? page, string? pageSize, CancellationToken cancellationToken)
    {
        if (!RequestInput.TryPaging(page, pageSize, out var paging, out var errors))
        {
            return Problems.Invalid(errors);
        }

        var mine = db.AccessRequests.AsNoTracking().Where(r => r.RequesterSubject == caller.Subject);
        return TypedResults.Ok(await PageAsync(mine.OrderByDescending(r => r.CreatedAt).ThenByDescending(r => r.Id), paging, cancellationToken));
    }

    public static async Task<Results<Ok<AccessRequestPage>, ValidationProblem>> ListWaitingAccessRequests(
        ApiCaller caller, FacilityDbContext db, string? page, string? pageSize, CancellationToken cancellationToken)
    {
        if (!RequestInput.TryPaging(page, pageSize, out var paging, out var errors))
        {
            return Problems.Invalid(errors);
        }

        var agencyId = caller.AgencyCode is { } code
            ? await db.Agencies.Where(a => a.Code == code).Select(a => (int?)a.Id).FirstOrDefaultAsync(cancellationToken)
            : null;
        // Never the caller's own: nobody decides their own request.
        var waiting = db.AccessRequests.AsNoTracking()
            .Where(r => r.Status == AccessRequestStatus.Pending && r.RequesterSubject != caller.Subject)
            .Where(r => (agencyId != null && r.AgencyId == agencyId)
                || db.Memberships.Any(m => m.BusinessId == r.BusinessId && m.UserSubject == caller.Subject
                    && m.Status == MembershipStatus.Active && m.Role == MembershipRole.LeadUser));
        return TypedResults.Ok(await PageAsync(waiting.OrderBy(r => r.CreatedAt).ThenBy(r => r.Id), paging, cancellationToken));
    }

    public static async Task<Results<Ok<AccessRequestView>, NotFound>> GetAccessRequest(
        long id, ApiCaller caller, FacilityDbContext db, AccessRequestDecisions decisions, CancellationToken cancellationToken)
    {
        if ((await decisions.FindAsync(id, caller, cancellationToken)).Standing == DeciderStanding.None)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(await ViewAsync(db, id, cancellationToken));
    }

    public static async Task<Results<Ok<AccessRequestView>, NotFound, ProblemHttpResult>> WithdrawAccessRequest(
        long id, ApiCaller caller, FacilityDbContext db, AccessRequestDecisions decisions, CancellationToken cancellationToken)
    {
        return await decisions.WithdrawAsync(id, caller, cancellationToken) switch
        {
            DecisionOutcome.Decided => TypedResults.Ok(await ViewAsync(db, id, cancellationToken)),
            DecisionOutcome.NotPending => Problems.Conflict(NotPending, "The request is no longer pending."),
            _ => TypedResults.NotFound(),
        };
    }

    public static async Task<Results<Ok<AccessRequestView>, NotFound, ValidationProblem, ProblemHttpResult>> ApproveAccessRequest(
        long id, HttpRequest http, ApiCaller caller, FacilityDbContext db, AccessRequestDecisions decisions,
        CancellationToken cancellationToken)
    {
        var (input, readErrors) = await RequestInput.ReadAsync<ApproveAccessRequestInput>(http, cancellationToken);
        if (input is null)
        {
            return Problems.Invalid(readErrors!);
        }

        var errors = new RequestInput.Errors();
        var role = RequestInput.ParseRole(input.GrantedRole, "grantedRole", errors);
        RequestInput.RequireVersion(input.Version, "request", errors);
        if (errors.Any || role is null || input.Version is not { } version)
        {
            return Problems.Invalid(errors.ToDictionary());
        }

        return await Answer(await decisions.ApproveAsync(id, caller, role.Value, version, cancellationToken), id, db, cancellationToken);
    }

    public static async Task<Results<Ok<AccessRequestView>, NotFound, ValidationProblem, ProblemHttpResult>> DenyAccessRequest(
        long id, HttpRequest http, ApiCaller caller, FacilityDbContext db, AccessRequestDecisions decisions,
        CancellationToken cancellationToken)
    {
        var (input, readErrors) = await RequestInput.ReadAsync<DenyAccessRequestInput>(http, cancellationToken);
        if (input is null)
        {
            return Problems.Invalid(readErrors!);
        }

        var errors = new RequestInput.Errors();
        var reason = RequestInput.Text(input.Reason, "reason", RequestInput.MaxReasonLength, required: true, errors,
            foldLineBreaks: true);
        RequestInput.RequireVersion(input.Version, "request", errors);
        if (errors.Any || reason is null || input.Version is not { } version)
        {
            return Problems.Invalid(errors.ToDictionary());
        }

        return await Answer(await decisions.DenyAsync(id, caller, reason, version, cancellationToken), id, db, cancellationToken);
    }

    private static async Task<Results<Ok<AccessRequestView>, NotFound, ValidationProblem, ProblemHttpResult>> Answer(
        DecisionOutcome outcome, long id, FacilityDbContext db, CancellationToken cancellationToken) => outcome switch
    {
        DecisionOutcome.Decided => TypedResults.Ok(await ViewAsync(db, id, cancellationToken)),
        DecisionOutcome.NotPending => Problems.Conflict(NotPending, "The request is no longer pending."),
        DecisionOutcome.Conflict => Problems.Conflict(DecisionConflict, "The request has changed since it was read; reload it and decide again."),
        DecisionOutcome.OwnRequest => Problems.Forbidden(OwnRequest, "Nobody decides their own access request; another Lead User or the regulator decides it."),
        _ => TypedResults.NotFound(),
    };

    private static Task<AccessRequestView> ViewAsync(FacilityDbContext db, long id, CancellationToken cancellationToken) =>
        db.AccessRequests.AsNoTracking().Where(r => r.Id == id).Select(AccessRequestView.FromRequest).SingleAsync(cancellationToken);

    private static async Task<AccessRequestPage> PageAsync(IOrderedQueryable<AccessRequest> requests, (int Page, int PageSize) paging,
        CancellationToken cancellationToken)
    {
        var total = await requests.CountAsync(cancellationToken);
        var items = await requests.Skip((paging.Page - 1) * paging.PageSize).Take(paging.PageSize)
            .Select(AccessRequestView.FromRequest).ToListAsync(cancellationToken);
        return new AccessRequestPage(items, paging.Page, paging.PageSize, total);
    }
}
