using System.Globalization;
using System.Security.Cryptography;
using Cers.Data;
using Cers.FacilityApi.AccessRequests;
using Cers.FacilityApi.Api;
using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Email;
using Cers.FacilityApi.Memberships;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cers.FacilityApi.Invitations;

/// <summary>What an invitation step came to; the endpoints turn each into its HTTP answer.</summary>
public abstract record InvitationOutcome
{
    public sealed record Invited(InvitationView Invitation) : InvitationOutcome;

    public sealed record Accepted(AcceptedInvitation Membership) : InvitationOutcome;

    public sealed record Revoked : InvitationOutcome;

    public sealed record Invalid(Dictionary<string, string[]> Errors) : InvitationOutcome;

    public sealed record NotFound : InvitationOutcome;

    /// <summary>409 with a stable code (<see cref="InvitationEndpoints"/>).</summary>
    public sealed record Conflict(string Code, string Title) : InvitationOutcome;

    /// <summary>The link is for another address than the signed-in account's.</summary>
    public sealed record WrongAccount : InvitationOutcome;

    public sealed record Throttled(TimeSpan RetryAfter) : InvitationOutcome;

    /// <summary>No Business Portal address is configured, so there is no page for the link to open.</summary>
    public sealed record Unavailable : InvitationOutcome;
}

/// <summary>
/// A Lead User adds a person directly: an invitation by email with a role, a single-use link valid
/// <see cref="Lifetime"/>, accepted by the account that uses that address, which makes the membership. Invitations
/// count against the business's limits (<see cref="AccessRequestOptions.MaxPerHour"/>, <see cref="AccessRequestOptions.MaxPerDay"/>,
/// the numbers a person's access requests are held to), taken under the business's lock so no burst slips past. An accept
/// and a revoke of one invitation are conditional updates on its pending state: one wins. Every step is audited with the
/// business, which puts it on the business's timeline.
/// </summary>
public sealed class InvitationService(
    FacilityDbContext db,
    MembershipChanges memberships,
    FacilityEmailWriter writer,
    IOptions<AccessRequestOptions> options,
    TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(14);

    public const string EmailKind = "invitation";
    public const string AcceptedEmailKind = "invitation-accepted";

    public async Task<InvitationOutcome> InviteAsync(string organizationCode, ApiCaller caller, CreateInvitationInput input,
        CancellationToken cancellationToken)
    {
        if (await memberships.LeadUserBusinessAsync(organizationCode, caller.Subject, cancellationToken) is not { } businessId)
        {
            return new InvitationOutcome.NotFound();
        }

        var errors = new RequestInput.Errors();
        var role = RequestInput.ParseRole(input.Role, "role", errors);
        var email = input.Email?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(email))
        {
            errors.Add("email", "The email address of the person to invite is required.");
        }
        else if (email.Length > ApiCaller.MaxEmailLength || !FacilityEmailWriter.IsMailbox(email) || email.Contains(' ', StringComparison.Ordinal))
        {
            errors.Add("email", "Enter one email address, like name@example.com.");
        }

        if (errors.Any || role is not { } invitedRole || email is null)
        {
            return new InvitationOutcome.Invalid(errors.ToDictionary());
        }

        if (options.Value.PortalUrl is not { Length: > 0 } portal)
        {
            return new InvitationOutcome.Unavailable();
        }

        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var tokenHash = Hash(token);
        return await db.InTransactionAsync<InvitationOutcome>(async ct =>
        {
            // The business's invitations take turns: the limits and the one-pending-per-address rule hold under a burst.
            await db.LockAsync($"business-invitations:{businessId.ToString(CultureInfo.InvariantCulture)}", ct);
            var now = time.GetUtcNow().UtcDateTime;
            if (await RetryAfterAsync(businessId, now, ct) is { } retryAfter)
            {
                return new InvitationOutcome.Throttled(retryAfter);
            }

            // Members' addresses are copies from their tokens, in whatever case; SQL's lower() compares them (EF does not
            // translate the StringComparison overloads).
#pragma warning disable CA1862
            if (await db.Memberships.AnyAsync(m => m.BusinessId == businessId && m.Status == MembershipStatus.Active
                    && m.Email != null && m.Email.ToLower() == email, ct))
#pragma warning restore CA1862
            {
                return new InvitationOutcome.Conflict(InvitationEndpoints.AlreadyMember, "Someone with this email address is already a member of the business.");
            }

            // A pending invitation past its time gives way to the new one.
            await db.Invitations
                .Where(i => i.BusinessId == businessId && i.Email == email && i.Status == InvitationStatus.Pending && i.ExpiresAt <= now)
                .ExecuteUpdateAsync(set => set.SetProperty(i => i.Status, InvitationStatus.Expired).SetProperty(i => i.ClosedAt, now), ct);
            if (await db.Invitations.AnyAsync(i => i.BusinessId == businessId && i.Email == email && i.Status == InvitationStatus.Pending, ct))
            {
                return new InvitationOutcome.Conflict(InvitationEndpoints.InvitationPending,
                    "This address already has a pending invitation to the business; revoke it to send a new one.");
            }

            var invitation = new BusinessInvitation
            {
                BusinessId = businessId,
                Email = email,
                Role = invitedRole,
                TokenHash = tokenHash,
                InvitedBySubject = caller.Subject,
                InvitedByName = caller.Name,
                CreatedAt = now,
                ExpiresAt = now + Lifetime,
                Status = InvitationStatus.Pending,
            };
            db.Invitations.Add(invitation);
            db.AuditEvents.Add(new AuditEvent
            {
                OccurredAt = now,
                Kind = AuditKinds.InvitationSent,
                ActorSubject = caller.Subject,
                ActorName = caller.Name,
                BusinessId = businessId,
                Detail = $"Invited {email} as {FacilityEmailWriter.RoleName(invitedRole)}.",
            });
            await AddInvitationEmailAsync(invitation, token, portal, ct);
            await db.SaveChangesAsync(ct);
            return new InvitationOutcome.Invited(View(invitation));
        }, cancellationToken);
    }

    public async Task<IReadOnlyList<InvitationView>?> PendingAsync(string organizationCode, ApiCaller caller, CancellationToken cancellationToken)
    {
        if (await memberships.LeadUserBusinessAsync(organizationCode, caller.Subject, cancellationToken) is not { } businessId)
        {
            return null;
        }

        var now = time.GetUtcNow().UtcDateTime;
        var pending = await db.Invitations.AsNoTracking()
            .Where(i => i.BusinessId == businessId && i.Status == InvitationStatus.Pending && i.ExpiresAt > now)
            .OrderBy(i => i.CreatedAt).ThenBy(i => i.Id)
            .ToListAsync(cancellationToken);
        return [.. pending.Select(View)];
    }

    public async Task<InvitationOutcome> RevokeAsync(string organizationCode, long invitationId, ApiCaller caller, CancellationToken cancellationToken)
    {
        if (await memberships.LeadUserBusinessAsync(organizationCode, caller.Subject, cancellationToken) is not { } businessId
            || await db.Invitations.AsNoTracking().Where(i => i.Id == invitationId && i.BusinessId == businessId)
                .Select(i => new { i.Email }).FirstOrDefaultAsync(cancellationToken) is not { } invitation)
        {
            return new InvitationOutcome.NotFound();
        }

        return await db.InTransactionAsync<InvitationOutcome>(async ct =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            var revoked = await db.Invitations
                .Where(i => i.Id == invitationId && i.Status == InvitationStatus.Pending)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(i => i.Status, InvitationStatus.Revoked)
                    .SetProperty(i => i.ClosedAt, now)
                    .SetProperty(i => i.ClosedBySubject, caller.Subject)
                    .SetProperty(i => i.ClosedByName, caller.Name), ct);
            if (revoked == 0)
            {
                return new InvitationOutcome.Conflict(InvitationEndpoints.NotPending, "The invitation was already accepted or revoked.");
            }

            db.AuditEvents.Add(new AuditEvent
            {
                OccurredAt = now,
                Kind = AuditKinds.InvitationRevoked,
                ActorSubject = caller.Subject,
                ActorName = caller.Name,
                BusinessId = businessId,
                Detail = $"Revoked the invitation of {invitation.Email}.",
            });
            await db.SaveChangesAsync(ct);
            return new InvitationOutcome.Revoked();
        }, cancellationToken);
    }

    public async Task<InvitationPreview?> PreviewAsync(string? token, ApiCaller caller, CancellationToken cancellationToken)
    {
        if (await FindAsync(token, cancellationToken) is not { } invitation)
        {
            return null;
        }

        return new InvitationPreview(invitation.Business!.Name, invitation.Business.OrganizationCode, invitation.Role, invitation.InvitedByName,
            invitation.ExpiresAt, StateOf(invitation, time.GetUtcNow().UtcDateTime), IsFor(invitation, caller));
    }

    /// <summary>The link proves its holder can read the invited mailbox only in the hands of the account that uses that mailbox.</summary>
    private static bool IsFor(BusinessInvitation invitation, ApiCaller caller) =>
        string.Equals(caller.Email, invitation.Email, StringComparison.OrdinalIgnoreCase);

    public async Task<InvitationOutcome> AcceptAsync(string? token, ApiCaller caller, CancellationToken cancellationToken)
    {
        if (await FindAsync(token, cancellationToken) is not { } invitation)
        {
            return new InvitationOutcome.NotFound();
        }

        var now = time.GetUtcNow().UtcDateTime;
        if (Closed(StateOf(invitation, now)) is { } closed)
        {
            return closed;
        }

        // The provider activated the caller's account by email; a forwarded link is not an invitation for the one it reached.
        if (!IsFor(invitation, caller))
        {
            return new InvitationOutcome.WrongAccount();
        }

        try
        {
            return await db.InTransactionAsync<InvitationOutcome>(async ct =>
            {
                await db.LockAsync($"business-members:{invitation.BusinessId.ToString(CultureInfo.InvariantCulture)}", ct);
                var at = time.GetUtcNow().UtcDateTime;
                var claimed = await db.Invitations
                    .Where(i => i.Id == invitation.Id && i.Status == InvitationStatus.Pending && i.ExpiresAt > at)
                    .ExecuteUpdateAsync(set => set
                        .SetProperty(i => i.Status, InvitationStatus.Accepted)
                        .SetProperty(i => i.ClosedAt, at)
                        .SetProperty(i => i.ClosedBySubject, caller.Subject)
                        .SetProperty(i => i.ClosedByName, caller.Name), ct);
                if (claimed == 0)
                {
                    // Revoked or accepted a moment ago: say which.
                    var now2 = await db.Invitations.AsNoTracking().SingleAsync(i => i.Id == invitation.Id, ct);
                    return Closed(StateOf(now2, at)) ?? new InvitationOutcome.Conflict(InvitationEndpoints.NotPending, "The invitation changed; open the link again.");
                }

                if (await db.Memberships.AnyAsync(m => m.BusinessId == invitation.BusinessId && m.UserSubject == caller.Subject
                        && m.Status == MembershipStatus.Active, ct))
                {
                    throw new AlreadyMemberException();
                }

                var membership = new Membership
                {
                    UserSubject = caller.Subject,
                    UserName = caller.Name,
                    Email = caller.Email,
                    BusinessId = invitation.BusinessId,
                    Role = invitation.Role,
                    Status = MembershipStatus.Active,
                    CreatedAt = at,
                    UpdatedAt = at,
                };
                db.Memberships.Add(membership);
                await db.SaveChangesAsync(ct);
                await db.Invitations.Where(i => i.Id == invitation.Id)
                    .ExecuteUpdateAsync(set => set.SetProperty(i => i.MembershipId, membership.Id), ct);
                db.AuditEvents.Add(new AuditEvent
                {
                    OccurredAt = at,
                    Kind = AuditKinds.InvitationAccepted,
                    ActorSubject = caller.Subject,
                    ActorName = caller.Name,
                    BusinessId = invitation.BusinessId,
                    MembershipId = membership.Id,
                    Detail = $"Joined as {FacilityEmailWriter.RoleName(invitation.Role)}, invited by {invitation.InvitedByName}.",
                });
                await AddAcceptedEmailsAsync(invitation, caller, membership.Id, ct);
                await db.SaveChangesAsync(ct);
                return new InvitationOutcome.Accepted(new AcceptedInvitation(invitation.Business!.OrganizationCode, invitation.Business.Name,
                    invitation.Role, membership.Id));
            }, cancellationToken);
        }
        catch (AlreadyMemberException)
        {
            return new InvitationOutcome.Conflict(InvitationEndpoints.AlreadyMember, "You are already a member of this business.");
        }
    }

    /// <summary>Invitations made in the business's last hour and day, against the limits a person's access requests are held to.</summary>
    private Task<TimeSpan?> RetryAfterAsync(int businessId, DateTime now, CancellationToken cancellationToken) =>
        RequestThrottle.RetryAfterAsync(db.Invitations.AsNoTracking().Where(i => i.BusinessId == businessId).Select(i => i.CreatedAt),
            options.Value.MaxPerHour, options.Value.MaxPerDay, now, cancellationToken);

    private async Task<BusinessInvitation?> FindAsync(string? token, CancellationToken cancellationToken)
    {
        if (token is not { Length: >= 20 and <= 100 })
        {
            return null;
        }

        var hash = Hash(token);
        return await db.Invitations.AsNoTracking().Include(i => i.Business).FirstOrDefaultAsync(i => i.TokenHash == hash, cancellationToken);
    }

    private static string StateOf(BusinessInvitation invitation, DateTime now) => invitation.Status switch
    {
        InvitationStatus.Pending when invitation.ExpiresAt <= now => "expired",
        InvitationStatus.Pending => "pending",
        InvitationStatus.Accepted => "accepted",
        InvitationStatus.Revoked => "revoked",
        _ => "expired",
    };

    private static InvitationOutcome.Conflict? Closed(string state) => state switch
    {
        "expired" => new(InvitationEndpoints.InvitationExpired, "This invitation has expired; ask a Lead User of the business to invite you again."),
        "revoked" => new(InvitationEndpoints.InvitationRevoked, "This invitation was revoked by a Lead User of the business."),
        "accepted" => new(InvitationEndpoints.InvitationUsed, "This invitation was already accepted."),
        _ => null,
    };

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    private static InvitationView View(BusinessInvitation i) => new(i.Id, i.Email, i.Role, i.InvitedByName, i.CreatedAt, i.ExpiresAt);

    private async Task AddInvitationEmailAsync(BusinessInvitation invitation, string token, string portal, CancellationToken cancellationToken)
    {
        var business = await db.Businesses.AsNoTracking().Where(b => b.Id == invitation.BusinessId)
            .Select(b => new { b.Name, b.OrganizationCode }).SingleAsync(cancellationToken);
        var role = FacilityEmailWriter.RoleName(invitation.Role);
        var content = new Cers.Email.Templates.EmailContent($"CERS: {invitation.InvitedByName} invited you to {business.Name}")
            .Paragraph($"{invitation.InvitedByName} invited you to join {business.Name} (organization code {business.OrganizationCode}) in the " +
                $"California Environmental Reporting System as {role}.")
            .Paragraph("To accept, open the link below and sign in with the CERS account that uses this email address. If you have no CERS " +
                "account yet, create one with this address from the sign-in page and activate it; then sign in to the CERS Business Portal in the " +
                "same browser, whose home page offers this invitation again, or open this link again.")
            .Link("Accept the invitation", $"{portal.TrimEnd('/')}/Invitations/Accept?token={token}")
            .Paragraph($"The link works once, until {invitation.ExpiresAt.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC. " +
                "If you did not expect this invitation, ignore this email.");
        writer.Send(content, $"invitation:{invitation.TokenHash[..32]}", EmailKind, new EmailRecipient(invitation.Email, "", "invitee", null));
    }

    private async Task AddAcceptedEmailsAsync(BusinessInvitation invitation, ApiCaller caller, long membershipId, CancellationToken cancellationToken)
    {
        var what = $"{caller.Name} accepted the invitation {invitation.InvitedByName} sent and joined {invitation.Business!.Name} as " +
            $"{FacilityEmailWriter.RoleName(invitation.Role)}.";
        foreach (var lead in await writer.LeadUsersAsync(invitation.BusinessId, caller.Subject, cancellationToken))
        {
            var content = new Cers.Email.Templates.EmailContent($"CERS: new member of {invitation.Business.Name}")
                .Greeting(lead.Name)
                .Paragraph(what)
                .Paragraph("You are told because you are a Lead User of the business.");
            writer.Send(content, $"invitation-accepted:{membershipId.ToString(CultureInfo.InvariantCulture)}:{lead.Key}", AcceptedEmailKind, lead);
        }
    }

    private sealed class AlreadyMemberException : Exception;
}
