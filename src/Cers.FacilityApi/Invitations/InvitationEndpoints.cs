using Cers.FacilityApi.Api;
using Cers.FacilityApi.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cers.FacilityApi.Invitations;

/// <summary>
/// Lead User "Add Person": invite by email with a role, list and revoke pending invitations; the invited person previews
/// and accepts with the emailed link's token. A business the caller does not lead is 404, as for its members. Conflicts
/// are 409 problem details with a stable <c>code</c>.
/// </summary>
public static class InvitationEndpoints
{
    public const string AlreadyMember = "already_member";
    public const string InvitationPending = "invitation_pending";
    public const string NotPending = "not_pending";
    public const string InvitationExpired = "invitation_expired";
    public const string InvitationRevoked = "invitation_revoked";
    public const string InvitationUsed = "invitation_used";
    public const string WrongAccount = "wrong_account";
    public const string TooManyInvitations = "too_many_invitations";
    public const string InvitationsUnavailable = "invitations_unavailable";

    public static IEndpointRouteBuilder MapInvitationEndpoints(this IEndpointRouteBuilder app)
    {
        var business = app.MapGroup("/api/businesses/{organizationCode}/invitations")
            .WithTags("Invitations")
            .RequireAuthorization(TokenValidationExtensions.FacilityAccessPolicy);

        business.MapPost("/", Invite)
            .Accepts<CreateInvitationInput>("application/json")
            .WithName("InvitePerson")
            .WithSummary("A Lead User of the business invites a person by email address with a role.")
            .WithDescription("The person is emailed a single-use link valid 14 days. 409 codes: already_member (someone with this address " +
                "is a member), invitation_pending. 429 code too_many_invitations (with Retry-After) past the business's " +
                "AccessRequests:MaxPerHour or MaxPerDay invitations. 503 code invitations_unavailable without AccessRequests:PortalUrl.");

        business.MapGet("/", ListPending)
            .WithName("ListPendingInvitations")
            .WithSummary("The business's pending invitations, oldest first, for its Lead Users.");

        business.MapPost("/{invitationId:long}/revoke", Revoke)
            .WithName("RevokeInvitation")
            .WithSummary("A Lead User of the business revokes a pending invitation. 409 code: not_pending.");

        var invitations = app.MapGroup("/api/invitations")
            .WithTags("Invitations")
            .RequireAuthorization(TokenValidationExtensions.FacilityAccessPolicy);

        invitations.MapPost("/preview", Preview)
            .Accepts<InvitationTokenInput>("application/json")
            .WithName("PreviewInvitation")
            .WithSummary("What an invitation link is for (business, role, who sent it, until when), its state (pending, accepted, revoked " +
                "or expired), and whether it was sent to the caller's own email address, the one account that can accept it.");

        invitations.MapPost("/accept", Accept)
            .Accepts<InvitationTokenInput>("application/json")
            .WithName("AcceptInvitation")
            .WithSummary("The invited person accepts, which makes them a member with the invited role.")
            .WithDescription("Only the account whose email address was invited may accept: 403 code wrong_account otherwise. " +
                "409 codes: invitation_expired, invitation_revoked, invitation_used, already_member.");

        business.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        invitations.ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden);
        return app;
    }

    public static async Task<Results<Created<InvitationView>, ValidationProblem, NotFound, ProblemHttpResult>> Invite(
        string organizationCode, HttpRequest http, ApiCaller caller, InvitationService invitations, CancellationToken cancellationToken)
    {
        var (input, readErrors) = await RequestInput.ReadAsync<CreateInvitationInput>(http, cancellationToken);
        if (input is null)
        {
            return Problems.Invalid(readErrors!);
        }

        return await invitations.InviteAsync(organizationCode, caller, input, cancellationToken) switch
        {
            InvitationOutcome.Invited invited => TypedResults.Created(
                $"/api/businesses/{Uri.EscapeDataString(organizationCode)}/invitations/{invited.Invitation.Id}", invited.Invitation),
            InvitationOutcome.Throttled throttled => Problems.TooManyRequests(http.HttpContext, TooManyInvitations,
                "The business has sent many invitations recently; try again later.", throttled.RetryAfter),
            InvitationOutcome.Unavailable => Problems.Coded(StatusCodes.Status503ServiceUnavailable, InvitationsUnavailable,
                "Invitations need the Business Portal's address (AccessRequests:PortalUrl) for their link."),
            InvitationOutcome.Invalid invalid => Problems.Invalid(invalid.Errors),
            InvitationOutcome.NotFound => TypedResults.NotFound(),
            InvitationOutcome.Conflict conflict => Problems.Conflict(conflict.Code, conflict.Title),
            var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
        };
    }

    public static async Task<Results<Ok<IReadOnlyList<InvitationView>>, NotFound>> ListPending(
        string organizationCode, ApiCaller caller, InvitationService invitations, CancellationToken cancellationToken) =>
        await invitations.PendingAsync(organizationCode, caller, cancellationToken) is { } pending
            ? TypedResults.Ok(pending)
            : TypedResults.NotFound();

    public static async Task<Results<NoContent, ValidationProblem, NotFound, ProblemHttpResult>> Revoke(
        string organizationCode, long invitationId, ApiCaller caller, InvitationService invitations, CancellationToken cancellationToken) =>
        await invitations.RevokeAsync(organizationCode, invitationId, caller, cancellationToken) switch
        {
            InvitationOutcome.Revoked => TypedResults.NoContent(),
            InvitationOutcome.Invalid invalid => Problems.Invalid(invalid.Errors),
            InvitationOutcome.NotFound => TypedResults.NotFound(),
            InvitationOutcome.Conflict conflict => Problems.Conflict(conflict.Code, conflict.Title),
            var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
        };

    public static async Task<Results<Ok<InvitationPreview>, ValidationProblem, NotFound>> Preview(
        HttpRequest http, ApiCaller caller, InvitationService invitations, CancellationToken cancellationToken)
    {
        var (input, readErrors) = await RequestInput.ReadAsync<InvitationTokenInput>(http, cancellationToken);
        if (input is null)
        {
            return Problems.Invalid(readErrors!);
        }

        return await invitations.PreviewAsync(input.Token, caller, cancellationToken) is { } preview ? TypedResults.Ok(preview) : TypedResults.NotFound();
    }

    public static async Task<Results<Ok<AcceptedInvitation>, ValidationProblem, NotFound, ProblemHttpResult>> Accept(
        HttpRequest http, ApiCaller caller, InvitationService invitations, CancellationToken cancellationToken)
    {
        var (input, readErrors) = await RequestInput.ReadAsync<InvitationTokenInput>(http, cancellationToken);
        if (input is null)
        {
            return Problems.Invalid(readErrors!);
        }

        return await invitations.AcceptAsync(input.Token, caller, cancellationToken) switch
        {
            InvitationOutcome.Accepted accepted => TypedResults.Ok(accepted.Membership),
            InvitationOutcome.WrongAccount => Problems.Forbidden(WrongAccount,
                "This invitation was sent to another email address: sign in with the CERS account that uses it."),
            InvitationOutcome.Invalid invalid => Problems.Invalid(invalid.Errors),
            InvitationOutcome.NotFound => TypedResults.NotFound(),
            InvitationOutcome.Conflict conflict => Problems.Conflict(conflict.Code, conflict.Title),
            var other => throw new InvalidOperationException($"Unexpected outcome {other}."),
        };
    }
}
