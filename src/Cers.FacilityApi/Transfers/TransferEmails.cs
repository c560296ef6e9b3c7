using System.Globalization;
using Cers.Email.Templates;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Email;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Transfers;

/// <summary>
/// The emails a transfer owes, written in its own unit of work: the regulator learns a transfer waits for it; the Lead Users
/// of the business that has the facility learn someone asked for it (so a facility cannot be taken quietly); both
/// businesses' Lead Users learn it moved; the receiving business's learn of a denial; and a person whose access request
/// went through the facility learns it was closed. Keys name the transfer, the event and the recipient.
/// </summary>
public sealed class TransferEmails(FacilityDbContext db, FacilityEmailWriter writer)
{
    public const string Kind = "facility-transfer";
    public const string RequestClosedKind = "access-request-closed";

    public async Task AddRequestedAsync(FacilityTransfer transfer, CancellationToken cancellationToken)
    {
        var facts = await FactsAsync(transfer, cancellationToken);
        var key = Key(transfer, "requested");
        if (facts.AgencyEmail is { Length: > 0 } agencyEmail)
        {
            var content = new EmailContent($"CERS: facility transfer waiting for {facts.AgencyName}")
                .Greeting(facts.AgencyName)
                .Paragraph($"{transfer.RequestedByName} asked {facts.What}.")
                .Paragraph("Your agency regulates the facility, so it decides: approve or deny it on the regulator pages of the CERS Business Portal.");
            writer.Send(content, $"{key}:agency", Kind, new EmailRecipient(agencyEmail, facts.AgencyName, "agency", Subject: null));
        }

        if (transfer.FromBusinessId != transfer.ToBusinessId)
        {
            foreach (var lead in await writer.LeadUsersAsync(transfer.FromBusinessId, transfer.RequestedBySubject, cancellationToken))
            {
                var content = new EmailContent($"CERS: a transfer of {facts.FacilityName} was asked")
                    .Greeting(lead.Name)
                    .Paragraph($"{transfer.RequestedByName} of {facts.ToName} asked {facts.What}.")
                    .Paragraph($"{facts.AgencyName} decides it. If the facility has not changed hands, tell them before they decide.");
                writer.Send(content, $"{key}:{lead.Key}", Kind, lead);
            }
        }
    }

    /// <summary>To the Lead Users of the receiving business, who asked, and of the giving one, who were told it was asked.</summary>
    public async Task AddDeniedAsync(FacilityTransfer transfer, CancellationToken cancellationToken)
    {
        var facts = await FactsAsync(transfer, cancellationToken);
        foreach (var (side, lead) in await BothSidesAsync(transfer, transfer.DecidedBySubject, cancellationToken))
        {
            var content = new EmailContent($"CERS: transfer of {facts.FacilityName} denied")
                .Greeting(lead.Name)
                .Paragraph($"{transfer.DecidedByName} of {facts.AgencyName} denied the request {facts.What}: {transfer.Reason}")
                .Paragraph(side == "from" ? "Nothing changes: the facility stays with your business." : facts.AgencyContact);
            writer.Send(content, $"{Key(transfer, "denied")}:{side}:{lead.Key}", Kind, lead);
        }
    }

    /// <summary>To the agency, which was asked to decide, and the giving business's Lead Users, who were told it was asked.</summary>
    public async Task AddWithdrawnAsync(FacilityTransfer transfer, CancellationToken cancellationToken)
    {
        var facts = await FactsAsync(transfer, cancellationToken);
        var key = Key(transfer, "withdrawn");
        if (facts.AgencyEmail is { Length: > 0 } agencyEmail)
        {
            var content = new EmailContent($"CERS: facility transfer withdrawn")
                .Greeting(facts.AgencyName)
                .Paragraph($"{transfer.RequestedByName} withdrew the request {facts.What}. Nothing is left for your agency to decide.");
            writer.Send(content, $"{key}:agency", Kind, new EmailRecipient(agencyEmail, facts.AgencyName, "agency", Subject: null));
        }

        foreach (var (side, lead) in await BothSidesAsync(transfer, transfer.RequestedBySubject, cancellationToken))
        {
            if (side == "from")
            {
                var content = new EmailContent($"CERS: transfer of {facts.FacilityName} withdrawn")
                    .Greeting(lead.Name)
                    .Paragraph($"{transfer.RequestedByName} withdrew the request {facts.What}. The facility stays with your business.");
                writer.Send(content, $"{key}:{lead.Key}", Kind, lead);
            }
        }
    }

    /// <summary>The Lead Users of the receiving business ("to") and, when another, of the giving one ("from"), but <paramref name="except"/>.</summary>
    private async Task<List<(string Side, EmailRecipient Lead)>> BothSidesAsync(FacilityTransfer transfer, string? except, CancellationToken cancellationToken)
    {
        var leads = (await writer.LeadUsersAsync(transfer.ToBusinessId, except, cancellationToken)).Select(l => ("to", l)).ToList();
        if (transfer.FromBusinessId != transfer.ToBusinessId)
        {
            leads.AddRange((await writer.LeadUsersAsync(transfer.FromBusinessId, except, cancellationToken)).Select(l => ("from", l)));
        }

        return leads;
    }

    /// <summary>To the Lead Users of both businesses, but the one who made the move.</summary>
    public async Task AddTransferredAsync(FacilityTransfer transfer, string actorSubject, CancellationToken cancellationToken)
    {
        var facts = await FactsAsync(transfer, cancellationToken);
        var key = Key(transfer, "transferred");
        var moved = transfer.FromBusinessId != transfer.ToBusinessId;
        foreach (var lead in await writer.LeadUsersAsync(transfer.ToBusinessId, actorSubject, cancellationToken))
        {
            var content = new EmailContent($"CERS: {facts.FacilityName} {(moved ? $"is now with {facts.ToName}" : "has a new address")}")
                .Greeting(lead.Name)
                .Paragraph($"{facts.AgencyName} approved the request {facts.What}.")
                .Paragraph(moved ? $"The members of {facts.ToName} now see the facility in CERS." : "CERS now shows the new address.");
            writer.Send(content, $"{key}:to:{lead.Key}", Kind, lead);
        }

        if (moved)
        {
            foreach (var lead in await writer.LeadUsersAsync(transfer.FromBusinessId, actorSubject, cancellationToken))
            {
                var content = new EmailContent($"CERS: {facts.FacilityName} moved to another business")
                    .Greeting(lead.Name)
                    .Paragraph($"{facts.AgencyName} moved facility {transfer.FacilityCersId.ToString(CultureInfo.InvariantCulture)} " +
                        $"({facts.FacilityName}) from {facts.FromName} to {facts.ToName}. The members of {facts.FromName} no longer have access to it.")
                    .Paragraph(facts.AgencyContact);
                writer.Send(content, $"{key}:from:{lead.Key}", Kind, lead);
            }
        }
    }

    /// <summary>To the person whose pending request to the old business went through the facility.</summary>
    public async Task AddRequestClosedAsync(long requestId, FacilityTransfer transfer, CancellationToken cancellationToken)
    {
        var request = await db.AccessRequests.AsNoTracking().Where(r => r.Id == requestId)
            .Select(r => new { r.RequesterSubject, r.RequesterName, r.RequesterEmail, BusinessName = r.Business!.Name })
            .SingleAsync(cancellationToken);
        var facts = await FactsAsync(transfer, cancellationToken);
        var content = new EmailContent($"CERS: your access request for {request.BusinessName} was closed")
            .Greeting(request.RequesterName)
            .Paragraph($"Facility {transfer.FacilityCersId.ToString(CultureInfo.InvariantCulture)} ({facts.FacilityName}), through which you asked " +
                $"for access to {request.BusinessName}, now belongs to another business, so your request was closed.")
            .Paragraph("If you still need access to the facility, search for it again in the CERS Business Portal and ask its new business.");
        writer.Send(content, $"access-request:{requestId.ToString(CultureInfo.InvariantCulture)}:closed-by-transfer",
            RequestClosedKind, new EmailRecipient(request.RequesterEmail, request.RequesterName, "requester", request.RequesterSubject));
    }

    private static string Key(FacilityTransfer transfer, string what) => $"transfer:{transfer.Id.ToString(CultureInfo.InvariantCulture)}:{what}";

    private async Task<Facts> FactsAsync(FacilityTransfer transfer, CancellationToken cancellationToken)
    {
        var facility = await db.Facilities.AsNoTracking().Where(f => f.CersId == transfer.FacilityCersId)
            .Select(f => new { f.Name }).SingleAsync(cancellationToken);
        var agency = await db.Agencies.AsNoTracking().Where(a => a.Id == transfer.AgencyId)
            .Select(a => new { a.Name, a.ContactEmail, a.ContactPhone }).SingleAsync(cancellationToken);
        var names = await db.Businesses.AsNoTracking().Where(b => b.Id == transfer.FromBusinessId || b.Id == transfer.ToBusinessId)
            .ToDictionaryAsync(b => b.Id, b => $"{b.Name} ({b.OrganizationCode})", cancellationToken);
        var (from, to) = (names[transfer.FromBusinessId], names[transfer.ToBusinessId]);
        var cersId = transfer.FacilityCersId.ToString(CultureInfo.InvariantCulture);
        var what = $"to move facility {cersId} ({facility.Name})"
            + (transfer.FromBusinessId == transfer.ToBusinessId ? "" : $" from {from} to {to}")
            + (transfer.NewStreet is null ? "" : $"{(transfer.FromBusinessId == transfer.ToBusinessId ? "" : ",")} to the address {transfer.NewStreet}, {transfer.NewCity} {transfer.NewZip}");
        var contact = string.Join(", ", new[] { agency.ContactEmail, agency.ContactPhone }.Where(c => !string.IsNullOrEmpty(c)));
        return new Facts(facility.Name, from, to, agency.Name, agency.ContactEmail, what,
            $"Questions go to {agency.Name}{(contact.Length > 0 ? $": {contact}" : "")}.");
    }

    private sealed record Facts(string FacilityName, string FromName, string ToName, string AgencyName, string? AgencyEmail, string What,
        string AgencyContact);
}
