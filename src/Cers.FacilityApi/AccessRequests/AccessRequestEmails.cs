using System.Globalization;
using Cers.Email;
using Cers.Email.Outbox;
using Cers.Email.Templates;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Memberships;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cers.FacilityApi.AccessRequests;

/// <summary>
/// The emails an access request owes (DESIGN.md: new request -> approvers; decision -> requester;
/// escalation; expiry), written to the outbox in the caller's unit of work, so they commit with the
/// change that owes them. Each reads the request as it stands in that transaction. Idempotency keys
/// name the request, the event and the recipient (a membership or an agency, not an address, so a key
/// stays short), so a change retried writes each email once.
/// </summary>
public sealed partial class AccessRequestEmails(
    FacilityDbContext db,
    EmailOutbox outbox,
    IOptions<EmailOptions> email,
    IOptions<AccessRequestOptions> options,
    ILogger<AccessRequestEmails> logger)
{
    public static class Kinds
    {
        public const string Created = "access-request-created";
        public const string Reminder = "access-request-reminder";
        public const string Escalated = "access-request-escalated";
        public const string Decided = "access-request-decided";
        public const string Expired = "access-request-expired";
    }

    /// <summary>To each approver: the business's active Lead Users, or the regulator when it is routed there.</summary>
    public async Task AddCreatedAsync(long requestId, CancellationToken cancellationToken)
    {
        var facts = await FactsAsync(requestId, cancellationToken);
        var approvers = await ApproversAsync(facts, cancellationToken);
        if (approvers.Count == 0)
        {
            LogNoApprover(logger, facts.Id);
        }

        foreach (var approver in approvers)
        {
            var content = new EmailContent($"CERS: access request for {facts.BusinessName}")
                .Greeting(approver.Name)
                .Paragraph($"{Describe(facts)}")
                .Paragraph(approver.IsRegulator
                    ? "The business has no active Lead User, so your agency decides this request."
                    : "As a Lead User of this business you decide this request: approve it with a role, or deny it with a reason.");
            Send(content.Paragraph("It is listed under Action Required in the CERS Business Portal."),
                $"access-request:{facts.Id}:created:{approver.Key}", Kinds.Created, approver);
        }
    }

    /// <summary>To each approver, once per reminder (<paramref name="remindedAt"/> tells reminders apart).</summary>
    public async Task AddReminderAsync(long requestId, DateTime remindedAt, DateTime now, CancellationToken cancellationToken)
    {
        var facts = await FactsAsync(requestId, cancellationToken);
        var days = Math.Max(1, (int)(now - facts.CreatedAt).TotalDays);
        foreach (var approver in await ApproversAsync(facts, cancellationToken))
        {
            var content = new EmailContent($"CERS reminder: access request for {facts.BusinessName} waiting {Days(days)}")
                .Greeting(approver.Name)
                .Paragraph($"This request has waited {Days(days)} for a decision. {Describe(facts)}")
                .Paragraph($"A request nobody decides expires {Days((int)options.Value.ExpireAfter.TotalDays)} after it was made.")
                .Paragraph("It is listed under Action Required in the CERS Business Portal.");
            Send(content, $"access-request:{facts.Id}:reminder:{remindedAt.Ticks.ToString(CultureInfo.InvariantCulture)}:{approver.Key}",
                Kinds.Reminder, approver);
        }
    }

    /// <summary>To the regulator, which now decides the request, and to the requester, who now waits on it.</summary>
    public async Task AddEscalatedAsync(long requestId, CancellationToken cancellationToken)
    {
        var facts = await FactsAsync(requestId, cancellationToken);
        var days = Days((int)options.Value.EscalateAfter.TotalDays);
        if (facts.Agency is { ContactEmail: { Length: > 0 } } agency)
        {
            var content = new EmailContent($"CERS: access request for {facts.BusinessName} passed to {agency.Name}")
                .Greeting(agency.Name)
                .Paragraph($"No Lead User of the business decided this request within {days}, so it is now with your agency. {Describe(facts)}")
                .Paragraph("It is listed in the requests for your jurisdiction in the CERS Business Portal.");
            Send(content, $"access-request:{facts.Id}:escalated:a{agency.Id.ToString(CultureInfo.InvariantCulture)}", Kinds.Escalated,
                new Recipient(agency.ContactEmail, agency.Name, "", IsRegulator: true));
        }

        var toRequester = new EmailContent($"CERS: your access request for {facts.BusinessName} is now with the regulator")
            .Greeting(facts.RequesterName)
            .Paragraph($"No Lead User of {facts.BusinessName} decided your request within {days}, so your local regulator can now decide it.");
        Send(WithAgencyContact(toRequester, facts), $"access-request:{facts.Id}:escalated:requester", Kinds.Escalated, Requester(facts));
    }

    /// <summary>To the requester: approved with a role, or denied with the reason.</summary>
    public async Task AddDecidedAsync(long requestId, CancellationToken cancellationToken)
    {
        var facts = await FactsAsync(requestId, cancellationToken);
        var approved = facts.Status == AccessRequestStatus.Approved;
        var content = new EmailContent($"CERS: your access request for {facts.BusinessName} was {(approved ? "approved" : "denied")}")
            .Greeting(facts.RequesterName);
        if (approved)
        {
            content.Paragraph($"{facts.DecidedByName} approved your request. You now have the {RoleName(facts.GrantedRole)} role in " +
                $"{facts.BusinessName} (organization code {facts.OrganizationCode}).");
        }
        else
        {
            content.Paragraph($"{facts.DecidedByName} denied your request for the {RoleName(facts.RequestedRole)} role in {facts.BusinessName}.")
                .Paragraph($"Reason: {facts.Reason}");
        }

        Send(WithAgencyContact(content, facts), $"access-request:{facts.Id}:decided", Kinds.Decided, Requester(facts));
    }

    /// <summary>To the requester: nobody decided in time; they may ask again.</summary>
    public async Task AddExpiredAsync(long requestId, CancellationToken cancellationToken)
    {
        var facts = await FactsAsync(requestId, cancellationToken);
        var content = new EmailContent($"CERS: your access request for {facts.BusinessName} expired")
            .Greeting(facts.RequesterName)
            .Paragraph($"Nobody decided your request for the {RoleName(facts.RequestedRole)} role in {facts.BusinessName} within " +
                $"{Days((int)options.Value.ExpireAfter.TotalDays)}, so it has expired. You may request access again.");
        Send(WithAgencyContact(content, facts), $"access-request:{facts.Id}:expired", Kinds.Expired, Requester(facts));
    }

    private void Send(EmailContent content, string key, string kind, Recipient to)
    {
        // A token without an email claim leaves nothing to write to; the portal still shows the request.
        if (!IsAddress(to.Address))
        {
            LogNoAddress(logger, kind, key);
            return;
        }

        if (options.Value.PortalUrl is { Length: > 0 } portal)
        {
            content.Link("Open the CERS Business Portal", portal);
        }

        outbox.Add(db, content.ToEmail(key, kind, to.Address, to.Name, email.Value));
    }

    private static EmailContent WithAgencyContact(EmailContent content, Facts facts) =>
        facts.Agency is { } agency
            ? content.Paragraph($"Your local regulator is {agency.Name}" +
                (agency.ContactEmail is { Length: > 0 } || agency.ContactPhone is { Length: > 0 }
                    ? $": {string.Join(", ", new[] { agency.ContactEmail, agency.ContactPhone }.Where(c => !string.IsNullOrEmpty(c)))}."
                    : "."))
            : content;

    private static Recipient Requester(Facts facts) => new(facts.RequesterEmail, facts.RequesterName, "requester", IsRegulator: false);

    private static string Describe(Facts facts)
    {
        var requester = string.Join(", ", new[] { facts.RequesterTitle, facts.RequesterEmail, facts.RequesterPhone }.Where(v => !string.IsNullOrEmpty(v)));
        var facility = facts.FacilityCersId is { } cersId
            ? $", found through facility {facts.FacilityName} (CERS ID {cersId.ToString(CultureInfo.InvariantCulture)}, {facts.FacilityStreet}, {facts.FacilityCity})"
            : "";
        return $"{facts.RequesterName} ({requester}) asks for the {RoleName(facts.RequestedRole)} role in {facts.BusinessName} " +
            $"(organization code {facts.OrganizationCode}){facility}.";
    }

    private static string RoleName(MembershipRole? role) => role switch
    {
        MembershipRole.LeadUser => "Lead User",
        { } other => other.ToString(),
        null => "requested",
    };

    private static string Days(int days) => days == 1 ? "1 day" : $"{days.ToString(CultureInfo.InvariantCulture)} days";

    /// <summary>
    /// The Lead Users when the request is routed to them and any has an address; otherwise (routed to the
    /// regulator, or no Lead User can be written to) the agency's contact address.
    /// </summary>
    private async Task<IReadOnlyList<Recipient>> ApproversAsync(Facts facts, CancellationToken cancellationToken)
    {
        if (facts.Route == AccessRequestRoute.LeadUser)
        {
            var leadUsers = await db.Memberships.AsNoTracking()
                .Where(m => m.BusinessId == facts.BusinessId && m.Status == MembershipStatus.Active && m.Role == MembershipRole.LeadUser
                    && m.Email != null && m.Email != "")
                .OrderBy(m => m.Id)
                .Select(m => new { m.Id, m.Email, m.UserName })
                .ToListAsync(cancellationToken);
            var recipients = leadUsers
                .Where(m => IsAddress(m.Email))
                .DistinctBy(m => m.Email!.ToUpperInvariant())
                .Select(m => new Recipient(m.Email!, m.UserName ?? "", $"m{m.Id.ToString(CultureInfo.InvariantCulture)}", IsRegulator: false))
                .ToList();
            if (recipients.Count > 0)
            {
                return recipients;
            }
        }

        return facts.Agency is { ContactEmail: { Length: > 0 } } agency && IsAddress(agency.ContactEmail)
            ? [new Recipient(agency.ContactEmail, agency.Name, $"a{agency.Id.ToString(CultureInfo.InvariantCulture)}", IsRegulator: true)]
            : [];
    }

    private Task<Facts> FactsAsync(long requestId, CancellationToken cancellationToken) =>
        db.AccessRequests.AsNoTracking().Where(r => r.Id == requestId).Select(r => new Facts(
            r.Id,
            r.Status,
            r.Route,
            r.RequestedRole,
            r.GrantedRole,
            r.Reason,
            r.DecidedByName,
            r.CreatedAt,
            r.RequesterName,
            r.RequesterEmail,
            r.RequesterPhone,
            r.RequesterTitle,
            r.BusinessId,
            r.Business!.Name,
            r.Business.OrganizationCode,
            r.FacilityCersId,
            r.Facility == null ? null : r.Facility.Name,
            r.Facility == null ? null : r.Facility.Street,
            r.Facility == null ? null : r.Facility.City,
            r.Agency == null ? null : new AgencyContact(r.Agency.Id, r.Agency.Name, r.Agency.ContactEmail, r.Agency.ContactPhone)))
            .SingleAsync(cancellationToken);

    /// <summary>One mailbox, as MimeKit reads it: what the delivery job can send to.</summary>
    private static bool IsAddress(string? address) =>
        !string.IsNullOrWhiteSpace(address) && MimeKit.MailboxAddress.TryParse(address, out var mailbox)
        && mailbox.Address.Contains('@', StringComparison.Ordinal);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No email address to send the {Kind} email {Key} to; it is not sent")]
    private static partial void LogNoAddress(ILogger logger, string kind, string key);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Access request {RequestId} has no approver with an email address (no Lead User's, no agency contact); nobody was told of it")]
    private static partial void LogNoApprover(ILogger logger, long requestId);

    private sealed record Recipient(string Address, string Name, string Key, bool IsRegulator);

    private sealed record AgencyContact(int Id, string Name, string? ContactEmail, string? ContactPhone);

    private sealed record Facts(
        long Id,
        AccessRequestStatus Status,
        AccessRequestRoute Route,
        MembershipRole RequestedRole,
        MembershipRole? GrantedRole,
        string? Reason,
        string? DecidedByName,
        DateTime CreatedAt,
        string RequesterName,
        string RequesterEmail,
        string? RequesterPhone,
        string? RequesterTitle,
        int BusinessId,
        string BusinessName,
        string OrganizationCode,
        int? FacilityCersId,
        string? FacilityName,
        string? FacilityStreet,
        string? FacilityCity,
        AgencyContact? Agency);
}
