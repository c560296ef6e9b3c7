using System.Globalization;
using Cers.Email;
using Cers.Email.Outbox;
using Cers.Email.Templates;
using Cers.FacilityApi.AccessRequests;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Memberships;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cers.FacilityApi.Email;

/// <summary>
/// Someone the API writes to, the short key that names them in an email's idempotency key, and their account
/// (<c>sub</c>) when they are a person rather than an agency's address: what their Email History lists.
/// </summary>
public sealed record EmailRecipient(string Address, string Name, string Key, string? Subject);

/// <summary>
/// Writes the API's emails into the outbox of the caller's unit of work, so they commit with the change
/// that owes them: each with the Business Portal's link when one is configured, and only to an address
/// the delivery job can send to. Also finds the addresses of a business's Lead Users, whom every change to
/// the business's access concerns.
/// </summary>
public sealed partial class FacilityEmailWriter(
    FacilityDbContext db,
    EmailOutbox outbox,
    IOptions<EmailOptions> email,
    IOptions<AccessRequestOptions> options,
    ILogger<FacilityEmailWriter> logger)
{
    public void Send(EmailContent content, string key, string kind, EmailRecipient to)
    {
        // A token without an email claim leaves nothing to write to; the portal still shows the change.
        if (!IsMailbox(to.Address))
        {
            LogNoAddress(logger, kind, key);
            return;
        }

        if (options.Value.PortalUrl is { Length: > 0 } portal)
        {
            content.Link("Open the CERS Business Portal", portal);
        }

        outbox.Add(db, content.ToEmail(key, kind, to.Address, to.Name, email.Value, to.Subject));
    }

    /// <summary>
    /// The business's active Lead Users that can be written to, one per address, in membership order,
    /// leaving out <paramref name="exceptSubject"/> (the person who made the change knows of it).
    /// </summary>
    public async Task<IReadOnlyList<EmailRecipient>> LeadUsersAsync(int businessId, string? exceptSubject, CancellationToken cancellationToken)
    {
        var leadUsers = await db.Memberships.AsNoTracking()
            .Where(m => m.BusinessId == businessId && m.Status == MembershipStatus.Active && m.Role == MembershipRole.LeadUser
                && m.Email != null && m.Email != "" && m.UserSubject != exceptSubject)
            .OrderBy(m => m.Id)
            .Select(m => new { m.Id, m.Email, m.UserName, m.UserSubject })
            .ToListAsync(cancellationToken);
        return leadUsers
            .Where(m => IsMailbox(m.Email))
            .DistinctBy(m => m.Email!.ToUpperInvariant())
            .Select(m => new EmailRecipient(m.Email!, m.UserName ?? "", $"m{m.Id.ToString(CultureInfo.InvariantCulture)}", m.UserSubject))
            .ToList();
    }

    /// <summary>One mailbox, as MimeKit reads it: what the delivery job can send to.</summary>
    public static bool IsMailbox(string? address) =>
        !string.IsNullOrWhiteSpace(address) && MimeKit.MailboxAddress.TryParse(address, out var mailbox)
        && mailbox.Address.Contains('@', StringComparison.Ordinal);

    public static string RoleName(MembershipRole? role) => role switch
    {
        MembershipRole.LeadUser => "Lead User",
        { } other => other.ToString(),
        null => "requested",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "No email address to send the {Kind} email {Key} to; it is not sent")]
    private static partial void LogNoAddress(ILogger logger, string kind, string key);
}
