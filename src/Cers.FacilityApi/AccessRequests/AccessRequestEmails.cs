using System.Globalization;
using Cers.Email;
using Cers.Email.Outbox;
using Cers.Email.Templates;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Email;
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
    FacilityEmailWriter writer,
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
        public const string Overridden = "access-request-override";
        public const string LeadUserGranted = "lead-user-granted";
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
                new Recipient(agency.ContactEmail, agency.Name, "", Subject: null, IsRegulator: true));
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

    /// <summary>
    /// To each active Lead User: a regulator decided a request that was waiting for them. Regulators may,
    /// but the business's managers must hear of it, so that a regulator granting access they would not have
    /// granted (the Lead User role above all) is seen at once.
    /// </summary>
    public async Task AddOverriddenAsync(long requestId, CancellationToken cancellationToken)
    {
        var facts = await FactsAsync(requestId, cancellationToken);
        var approved = facts.Status == AccessRequestStatus.Approved;
        var agency = facts.Agency?.Name ?? "the regulator";
        foreach (var lead in await writer.LeadUsersAsync(facts.BusinessId, exceptSubject: null, cancellationToken))
        {
            var content = new EmailContent($"CERS: {agency} decided an access request for {facts.BusinessName}")
                .Greeting(lead.Name)
                .Paragraph($"{facts.DecidedByName} of {agency} {(approved ? "approved" : "denied")} a request that was waiting for a " +
                    $"decision by the Lead Users of {facts.BusinessName}. {Describe(facts)}")
                .Paragraph(approved
                    ? $"{facts.RequesterName} now has the {RoleName(facts.GrantedRole)} role in {facts.BusinessName}."
                    : $"Reason given: {facts.Reason}")
                .Paragraph("Regulators may decide any request for a facility in their jurisdiction. If you did not expect this " +
                    "decision, review the business's members in the CERS Business Portal and contact the regulator.");
            Send(WithAgencyContact(content, facts), $"access-request:{facts.Id}:override:{lead.Key}", Kinds.Overridden,
                new Recipient(lead.Address, lead.Name, lead.Key, lead.Subject, IsRegulator: false));
        }
    }

    /// <summary>To the business's other active Lead Users: someone was given the Lead User role by an approval.</summary>
    public async Task AddLeadUserGrantedAsync(long requestId, string deciderSubject, CancellationToken cancellationToken)
    {
        var facts = await FactsAsync(requestId, cancellationToken);
        foreach (var lead in await writer.LeadUsersAsync(facts.BusinessId, deciderSubject, cancellationToken))
        {
            var content = new EmailContent($"CERS: {facts.RequesterName} is now a Lead User of {facts.BusinessName}")
                .Greeting(lead.Name)
                .Paragraph($"{facts.DecidedByName} approved a request and gave the Lead User role in {facts.BusinessName} to " +
                    $"{facts.RequesterName} ({facts.RequesterEmail}). Lead Users manage the business's members and access requests.")
                .Paragraph("If you did not expect this, review the business's members in the CERS Business Portal.");
            Send(content, $"access-request:{facts.Id}:lead-user-granted:{lead.Key}", Kinds.LeadUserGranted,
                new Recipient(lead.Address, lead.Name, lead.Key, lead.Subject, IsRegulator: false));
        }
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

    private void Send(EmailContent content, string key, string kind, Recipient to) =>
        writer.Send(content, key, kind, new EmailRecipient(to.Address, to.Name, to.Key, to.Subject));

    private static EmailContent WithAgencyContact(EmailContent content, Facts facts) =>
        facts.Agency is { } agency
            ? content.Paragraph($"Your local regulator is {agency.Name}" +
                (agency.ContactEmail is { Length: > 0 } || agency.ContactPhone is { Length: > 0 }
                    ? $": {string.Join(", ", new[] { agency.ContactEmail, agency.ContactPhone }.Where(c => !string.IsNullOrEmpty(c)))}."
                    : "."))
            : content;

    private static Recipient Requester(Facts facts) => new(facts.RequesterEmail, facts.RequesterName, "requester", facts.RequesterSubject, IsRegulator: false);

    private static string Describe(Facts facts)
    {
        var requester = string.Join(", ", new[] { facts.RequesterTitle, facts.RequesterEmail, facts.RequesterPhone }.Where(v => !string.IsNullOrEmpty(v)));
        var facility = facts.FacilityCersId is { } cersId
            ? $", found through facility {facts.FacilityName} (CERS ID {cersId.ToString(CultureInfo.InvariantCulture)}, {facts.FacilityStreet}, {facts.FacilityCity})"
            : "";
        return $"{facts.RequesterName} ({requester}) asks for the {RoleName(facts.RequestedRole)} role in {facts.BusinessName} " +
            $"(organization code {facts.OrganizationCode}){facility}.";
    }

    private static string RoleName(MembershipRole? role) => FacilityEmailWriter.RoleName(role);

    private static string Days(int days) => days == 1 ? "1 day" : $"{days.ToString(CultureInfo.InvariantCulture)} days";

    /// <summary>
    /// The Lead Users when the request is routed to them and any has an address; otherwise (routed to the
    /// regulator, or no Lead User can be written to) the agency's contact address.
    /// </summary>
    private async Task<IReadOnlyList<Recipient>> ApproversAsync(Facts facts, CancellationToken cancellationToken)
    {
        if (facts.Route == AccessRequestRoute.LeadUser)
        {
            var leadUsers = await writer.LeadUsersAsync(facts.BusinessId, exceptSubject: null, cancellationToken);
            if (leadUsers.Count > 0)
            {
                return leadUsers.Select(l => new Recipient(l.Address, l.Name, l.Key, l.Subject, IsRegulator: false)).ToList();
            }
        }

        return facts.Agency is { ContactEmail: { Length: > 0 } } agency && FacilityEmailWriter.IsMailbox(agency.ContactEmail)
            ? [new Recipient(agency.ContactEmail, agency.Name, $"a{agency.Id.ToString(CultureInfo.InvariantCulture)}", Subject: null, IsRegulator: true)]
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
            r.RequesterSubject,
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

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Access request {RequestId} has no approver with an email address (no Lead User's, no agency contact); nobody was told of it")]
    private static partial void LogNoApprover(ILogger logger, long requestId);

    private sealed record Recipient(string Address, string Name, string Key, string? Subject, bool IsRegulator);

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
        string RequesterSubject,
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
