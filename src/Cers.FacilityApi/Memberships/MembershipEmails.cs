using System.Globalization;
using Cers.Email.Templates;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Email;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Memberships;

/// <summary>A member's role changed, or the member was removed: who it was, what they had, who did it.</summary>
public sealed record MembershipChange(
    int BusinessId,
    long MembershipId,
    int NewVersion,
    string MemberSubject,
    string? MemberName,
    string? MemberEmail,
    MembershipRole OldRole,
    MembershipRole? NewRole,
    string ActorSubject,
    string ActorName);

/// <summary>
/// The emails a membership change owes, written in the change's own unit of work: the member learns
/// what happened to their access, and the business's Lead Users (but the one who made the change) learn of
/// every removal and role change, so a takeover cannot happen quietly. Keys name the membership, its
/// version after the change and the recipient's membership, so a retried change writes each once.
/// </summary>
public sealed class MembershipEmails(FacilityDbContext db, FacilityEmailWriter writer)
{
    public const string Kind = "membership-changed";

    public async Task AddChangedAsync(MembershipChange change, CancellationToken cancellationToken)
    {
        var business = await db.Businesses.AsNoTracking().Where(b => b.Id == change.BusinessId)
            .Select(b => new { b.Name, b.OrganizationCode }).SingleAsync(cancellationToken);
        var key = $"membership:{change.MembershipId.ToString(CultureInfo.InvariantCulture)}:v{change.NewVersion.ToString(CultureInfo.InvariantCulture)}";
        var member = string.IsNullOrWhiteSpace(change.MemberName) ? "A member" : change.MemberName;
        var oldRole = FacilityEmailWriter.RoleName(change.OldRole);
        var what = change.NewRole is { } role
            ? $"changed the role of {member} in {business.Name} from {oldRole} to {FacilityEmailWriter.RoleName(role)}"
            : $"removed {member} ({oldRole}) from {business.Name}";

        if (change.MemberSubject != change.ActorSubject && change.MemberEmail is { } memberEmail)
        {
            var toMember = change.NewRole is { } newRole
                ? new EmailContent($"CERS: your role in {business.Name} changed")
                    .Greeting(change.MemberName ?? "")
                    .Paragraph($"{change.ActorName} changed your role in {business.Name} (organization code {business.OrganizationCode}) " +
                        $"from {oldRole} to {FacilityEmailWriter.RoleName(newRole)}.")
                : new EmailContent($"CERS: you were removed from {business.Name}")
                    .Greeting(change.MemberName ?? "")
                    .Paragraph($"{change.ActorName} removed you from {business.Name} (organization code {business.OrganizationCode}); " +
                        "you no longer have access to its facilities in CERS.");
            toMember.Paragraph("If you think this is a mistake, ask a Lead User of the business or your local regulator.");
            writer.Send(toMember, $"{key}:member", Kind, new EmailRecipient(memberEmail, change.MemberName ?? "", "member", change.MemberSubject));
        }

        foreach (var lead in await writer.LeadUsersAsync(change.BusinessId, change.ActorSubject, cancellationToken))
        {
            // The member, promoted to Lead User, has the email above.
            if (lead.Key == $"m{change.MembershipId.ToString(CultureInfo.InvariantCulture)}")
            {
                continue;
            }

            var content = new EmailContent($"CERS: member change in {business.Name}")
                .Greeting(lead.Name)
                .Paragraph($"{change.ActorName} {what}.")
                .Paragraph("You are told because you are a Lead User of the business. If you did not expect this change, review the " +
                    "business's members in the CERS Business Portal.");
            writer.Send(content, $"{key}:{lead.Key}", Kind, lead);
        }
    }
}
