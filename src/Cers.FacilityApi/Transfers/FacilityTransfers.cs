using System.Globalization;
using System.Linq.Expressions;
using Cers.Data;
using Cers.FacilityApi.AccessRequests;
using Cers.FacilityApi.Api;
using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Facilities;
using Cers.FacilityApi.Memberships;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Cers.FacilityApi.Transfers;

/// <summary>What a transfer step came to; the endpoints turn each into its HTTP answer.</summary>
public abstract record TransferOutcome
{
    public sealed record Done(TransferView Transfer) : TransferOutcome;

    public sealed record Invalid(Dictionary<string, string[]> Errors) : TransferOutcome;

    public sealed record NotFound : TransferOutcome;

    /// <summary>409 with a stable code (<see cref="TransferEndpoints"/>).</summary>
    public sealed record Conflict(string Code, string Title) : TransferOutcome;

    /// <summary>403 with a stable code: the caller would decide their own case.</summary>
    public sealed record Forbidden(string Code, string Title) : TransferOutcome;

    /// <summary>The asking business's limit is reached (<see cref="AccessRequestOptions.MaxPerHour"/>, <see cref="AccessRequestOptions.MaxPerDay"/>).</summary>
    public sealed record Throttled(TimeSpan RetryAfter) : TransferOutcome;
}

/// <summary>
/// Moving a facility to another business or address. A Lead User of the receiving business asks (for an address change
/// alone, a Lead User of the facility's business), and the facility's regulator decides; a regulator may also move it at
/// once. Nobody decides a transfer they asked for or into or out of a business they belong to: a regulator who is a
/// member asks like any Lead User, and another regulator of the agency decides. The CERS ID stays with the facility. When
/// it changes hands the old business's members no longer see it, its pending access requests made through the facility are
/// closed (the requester is told to ask the new business), and both businesses' Lead Users and whoever asked are emailed.
/// A facility's transfers take turns under its lock, and a decision is a conditional update on the transfer's pending
/// state and version: of two simultaneous decisions exactly one wins. A business asks for at most as many transfers as a
/// person may ask for access (<see cref="AccessRequestOptions.MaxPerHour"/>, <see cref="AccessRequestOptions.MaxPerDay"/>),
/// counted under the business's lock: each request emails the regulator and the facility's Lead Users.
/// </summary>
public sealed class FacilityTransfers(FacilityDbContext db, TransferEmails emails, IOptions<AccessRequestOptions> options, TimeProvider time)
{
    public async Task<TransferOutcome> RequestAsync(int cersId, ApiCaller caller, CreateTransferInput input, CancellationToken cancellationToken)
    {
        var facility = await db.Facilities.AsNoTracking().Where(f => f.CersId == cersId)
            .Select(f => new { f.BusinessId, f.AgencyId, AgencyCode = f.Agency!.Code, f.ArchivedAt })
            .FirstOrDefaultAsync(cancellationToken);
        // An archived facility is found only by its regulator and its business's members: to anyone else it does not exist.
        if (facility is null || (facility.ArchivedAt is not null && facility.AgencyCode != caller.AgencyCode
                && !await BusinessAccess.IsActiveMemberAsync(db, facility.BusinessId, caller.Subject, cancellationToken)))
        {
            return new TransferOutcome.NotFound();
        }

        var errors = new RequestInput.Errors();
        var note = RequestInput.Text(input.Note, "note", RequestInput.MaxReasonLength, required: false, errors, foldLineBreaks: true);
        var toCode = RequestInput.Text(input.ToOrganizationCode, "toOrganizationCode", 8, required: false, errors);
        var movesAddress = input.Street is not null || input.City is not null || input.Zip is not null;
        var address = movesAddress ? await FacilityAddress.ResolveAsync(db, input.Street, input.City, input.Zip, errors, cancellationToken) : null;

        var toBusinessId = facility.BusinessId;
        if (toCode is not null && !errors.Has("toOrganizationCode"))
        {
            toBusinessId = await db.Businesses.AsNoTracking().Where(b => b.OrganizationCode == toCode).Select(b => (int?)b.Id)
                .FirstOrDefaultAsync(cancellationToken) ?? 0;
        }

        // A regulator of the facility acts for the agency unless they belong to a business it concerns; then they ask as a Lead User.
        var concernsCaller = await db.Memberships.AnyAsync(m => m.UserSubject == caller.Subject && m.Status == MembershipStatus.Active
            && (m.BusinessId == toBusinessId || m.BusinessId == facility.BusinessId), cancellationToken);
        var asRegulator = caller.AgencyCode == facility.AgencyCode && !concernsCaller;
        if (!asRegulator && !errors.Has("toOrganizationCode")
            && (toBusinessId == 0 || !await BusinessAccess.IsLeadUserAsync(db, toBusinessId, caller.Subject, cancellationToken)))
        {
            // The same answer whether the business does not exist or the caller does not lead it. Staff of another agency
            // are told why their agency's standing does not count here (they found the facility, so its being regulated
            // elsewhere tells them nothing new).
            errors.Add("toOrganizationCode", caller.AgencyCode is not null && !concernsCaller
                ? "Another agency regulates this facility: only its staff move it. A business's Lead User may ask for its transfer."
                : toCode is null
                    ? "Give the organization code of the business you are a Lead User of, which is to receive the facility."
                    : "You are not a Lead User of a business with this organization code.");
        }
        else if (asRegulator && toBusinessId == 0)
        {
            errors.Add("toOrganizationCode", "No business has this organization code.");
        }

        if (!errors.Any && toBusinessId == facility.BusinessId && !movesAddress)
        {
            errors.Add("toOrganizationCode", "Give another business to move the facility to, or a new address, or both.");
        }

        if (errors.Any)
        {
            return new TransferOutcome.Invalid(errors.ToDictionary());
        }

        if (facility.ArchivedAt is not null)
        {
            return new TransferOutcome.Conflict(TransferEndpoints.FacilityArchived, "The facility is archived (closed); it is not moved.");
        }

        try
        {
            return await CreateInTransactionAsync(cersId, caller, facility.BusinessId, toBusinessId, address, note, asRegulator, facility.AgencyId,
                cancellationToken);
        }
        catch (AddressUnresolvedException)
        {
            return AddressUnresolved;
        }
    }

    private Task<TransferOutcome> CreateInTransactionAsync(int cersId, ApiCaller caller, int fromBusinessId, int toBusinessId, ResolvedAddress? address,
        string? note, bool asRegulator, int agencyId, CancellationToken cancellationToken) =>
        db.InTransactionAsync<TransferOutcome>(async ct =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            if (!asRegulator)
            {
                // The business's lock before the facility's, the one order every path takes them in.
                await db.LockAsync($"business-transfers:{toBusinessId.ToString(CultureInfo.InvariantCulture)}", ct);
                // Counted for the business and for the person: new businesses are free to make, a person's requests are not.
                var limits = options.Value;
                var byBusiness = db.Transfers.AsNoTracking().Where(t => t.ToBusinessId == toBusinessId && t.RequestedByAgencyCode == null)
                    .Select(t => t.CreatedAt);
                var byPerson = db.Transfers.AsNoTracking().Where(t => t.RequestedBySubject == caller.Subject && t.RequestedByAgencyCode == null)
                    .Select(t => t.CreatedAt);
                if ((await RequestThrottle.RetryAfterAsync(byBusiness, limits.MaxPerHour, limits.MaxPerDay, now, ct)
                        ?? await RequestThrottle.RetryAfterAsync(byPerson, limits.MaxPerHour, limits.MaxPerDay, now, ct)) is { } retryAfter)
                {
                    return new TransferOutcome.Throttled(retryAfter);
                }
            }

            await LockFacilityAsync(cersId, ct);
            if (await db.Transfers.AnyAsync(t => t.FacilityCersId == cersId && t.Status == TransferStatus.Pending, ct))
            {
                return new TransferOutcome.Conflict(TransferEndpoints.TransferPending,
                    "A transfer of this facility is already waiting for its regulator; it must be decided or withdrawn first.");
            }

            // Read again under the lock: a transfer decided or an archiving meanwhile may have changed what was asked about.
            var current = await db.Facilities.Where(f => f.CersId == cersId).Select(f => new { f.BusinessId, f.AgencyId, f.ArchivedAt }).SingleAsync(ct);
            if (current.ArchivedAt is not null)
            {
                return new TransferOutcome.Conflict(TransferEndpoints.FacilityArchived, "The facility is archived (closed); it is not moved.");
            }

            if (current.BusinessId != fromBusinessId || current.AgencyId != agencyId)
            {
                return new TransferOutcome.Conflict(TransferEndpoints.TransferConflict,
                    "The facility changed hands or regulator while you asked; reload it and ask again.");
            }

            var from = current.BusinessId;
            var transfer = new FacilityTransfer
            {
                FacilityCersId = cersId,
                FromBusinessId = from,
                ToBusinessId = toBusinessId,
                NewStreet = address?.Street,
                NewCity = address?.City,
                NewZip = address?.Zip,
                AgencyId = agencyId,
                Status = TransferStatus.Pending,
                RequestedBySubject = caller.Subject,
                RequestedByName = caller.Name,
                RequestedByAgencyCode = asRegulator ? caller.AgencyCode : null,
                Note = note,
                CreatedAt = now,
                UpdatedAt = now,
                Version = 1,
            };
            db.Transfers.Add(transfer);
            await db.SaveChangesAsync(ct);

            if (asRegulator)
            {
                transfer.Status = TransferStatus.Approved;
                transfer.DecidedBySubject = caller.Subject;
                transfer.DecidedByName = caller.Name;
                transfer.DecidedAt = now;
                transfer.Version++;
                await ApplyAsync(transfer, caller, now, ct);
            }
            else
            {
                AuditBoth(AuditKinds.TransferRequested, transfer, caller, asRegulator: false, now,
                    $"Asked to move facility {cersId}{await DescribeAsync(transfer, ct)}.");

                await emails.AddRequestedAsync(transfer, ct);
            }

            await db.SaveChangesAsync(ct);
            return new TransferOutcome.Done(await ViewAsync(transfer.Id, ct));
        }, cancellationToken);

    public async Task<TransferOutcome> DecideAsync(long id, ApiCaller caller, bool approve, DecideTransferInput input, CancellationToken cancellationToken)
    {
        var transfer = await db.Transfers.AsNoTracking()
            .Where(t => t.Id == id && caller.AgencyCode != null && t.Agency!.Code == caller.AgencyCode)
            .FirstOrDefaultAsync(cancellationToken);
        if (transfer is null)
        {
            return new TransferOutcome.NotFound();
        }

        if (transfer.RequestedBySubject == caller.Subject || await db.Memberships.AnyAsync(m => m.UserSubject == caller.Subject
                && m.Status == MembershipStatus.Active && (m.BusinessId == transfer.FromBusinessId || m.BusinessId == transfer.ToBusinessId),
                cancellationToken))
        {
            return new TransferOutcome.Forbidden(TransferEndpoints.OwnTransfer,
                "You asked for this transfer or belong to a business it concerns; another regulator of your agency decides it.");
        }

        var errors = new RequestInput.Errors();
        RequestInput.RequireVersion(input.Version, "transfer", errors);
        var reason = RequestInput.Text(input.Reason, "reason", RequestInput.MaxReasonLength, required: !approve, errors, foldLineBreaks: true);
        if (errors.Any || input.Version is not { } version)
        {
            return new TransferOutcome.Invalid(errors.ToDictionary());
        }

        if (transfer.Status != TransferStatus.Pending)
        {
            return new TransferOutcome.Conflict(TransferEndpoints.NotPending, "The transfer was already decided or withdrawn.");
        }

        if (transfer.Version != version)
        {
            return new TransferOutcome.Conflict(TransferEndpoints.TransferConflict, "The transfer has changed since it was read; reload it and try again.");
        }

        try
        {
            return await DecideInTransactionAsync(transfer, caller, approve, version, reason, cancellationToken);
        }
        catch (AddressUnresolvedException)
        {
            return AddressUnresolved;
        }
    }

    private Task<TransferOutcome> DecideInTransactionAsync(FacilityTransfer transfer, ApiCaller caller, bool approve, int version, string? reason,
        CancellationToken cancellationToken)
    {
        var id = transfer.Id;
        return db.InTransactionAsync<TransferOutcome>(async ct =>
        {
            await LockFacilityAsync(transfer.FacilityCersId, ct);
            var now = time.GetUtcNow().UtcDateTime;
            var status = approve ? TransferStatus.Approved : TransferStatus.Denied;
            var updated = await db.Transfers
                .Where(t => t.Id == id && t.Version == version && t.Status == TransferStatus.Pending)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.Status, status)
                    .SetProperty(t => t.DecidedBySubject, caller.Subject)
                    .SetProperty(t => t.DecidedByName, caller.Name)
                    .SetProperty(t => t.DecidedAt, now)
                    .SetProperty(t => t.Reason, reason)
                    .SetProperty(t => t.UpdatedAt, now)
                    .SetProperty(t => t.Version, t => t.Version + 1), ct);
            if (updated == 0)
            {
                return new TransferOutcome.Conflict(TransferEndpoints.TransferConflict, "Another decision on this transfer came first; reload it.");
            }

            var decided = await db.Transfers.AsNoTracking().SingleAsync(t => t.Id == id, ct);
            if (approve)
            {
                await ApplyAsync(decided, caller, now, ct);
            }
            else
            {
                AuditBoth(AuditKinds.TransferDenied, decided, caller, asRegulator: true, now,
                    $"Denied moving facility {decided.FacilityCersId}{await DescribeAsync(decided, ct)}: {reason}");
                await emails.AddDeniedAsync(decided, ct);
            }

            await db.SaveChangesAsync(ct);
            return new TransferOutcome.Done(await ViewAsync(id, ct));
        }, cancellationToken);
    }

    /// <summary>Only whoever asked, only while pending.</summary>
    public async Task<TransferOutcome> WithdrawAsync(long id, ApiCaller caller, CancellationToken cancellationToken)
    {
        var transfer = await db.Transfers.AsNoTracking().FirstOrDefaultAsync(t => t.Id == id && t.RequestedBySubject == caller.Subject,
            cancellationToken);
        if (transfer is null)
        {
            return new TransferOutcome.NotFound();
        }

        return await db.InTransactionAsync<TransferOutcome>(async ct =>
        {
            var now = time.GetUtcNow().UtcDateTime;
            var updated = await db.Transfers.Where(t => t.Id == id && t.Status == TransferStatus.Pending)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.Status, TransferStatus.Withdrawn)
                    .SetProperty(t => t.UpdatedAt, now)
                    .SetProperty(t => t.Version, t => t.Version + 1), ct);
            if (updated == 0)
            {
                return new TransferOutcome.Conflict(TransferEndpoints.NotPending, "The transfer was already decided or withdrawn.");
            }

            AuditBoth(AuditKinds.TransferWithdrawn, transfer, caller, asRegulator: false, now,
                $"Withdrew the request to move facility {transfer.FacilityCersId}.");
            await emails.AddWithdrawnAsync(transfer, ct);
            await db.SaveChangesAsync(ct);
            return new TransferOutcome.Done(await ViewAsync(id, ct));
        }, cancellationToken);
    }

    /// <summary>Transfers as the API shows them.</summary>
    public static readonly Expression<Func<FacilityTransfer, TransferView>> View = t => new TransferView(
        t.Id,
        new TransferView.FacilityView(t.FacilityCersId, t.Facility!.Name, t.Facility.Street, t.Facility.City, t.Facility.Zip, t.Facility.County),
        new TransferView.BusinessView(t.FromBusiness!.OrganizationCode, t.FromBusiness.Name),
        new TransferView.BusinessView(t.ToBusiness!.OrganizationCode, t.ToBusiness.Name),
        t.NewStreet == null ? null : new TransferView.AddressView(t.NewStreet, t.NewCity!, t.NewZip!),
        t.Agency!.Code,
        t.Status,
        t.RequestedBySubject,
        t.RequestedByName,
        t.RequestedByAgencyCode,
        t.Note,
        t.DecidedByName,
        t.DecidedAt,
        t.Reason,
        t.CreatedAt,
        t.Version);

    private Task<TransferView> ViewAsync(long id, CancellationToken cancellationToken) =>
        db.Transfers.AsNoTracking().Where(t => t.Id == id).Select(View).SingleAsync(cancellationToken);

    private Task LockFacilityAsync(int cersId, CancellationToken cancellationToken) =>
        db.LockAsync($"facility:{cersId.ToString(CultureInfo.InvariantCulture)}", cancellationToken);

    private static TransferOutcome AddressUnresolved => new TransferOutcome.Conflict(TransferEndpoints.AddressUnresolved,
        "The new address no longer resolves to a regulator's jurisdiction; deny the transfer and ask again.");

    /// <summary>Thrown inside a transaction to roll it back.</summary>
    private sealed class AddressUnresolvedException : Exception;

    /// <summary>
    /// Moves the facility as <paramref name="transfer"/> says, closes what the old business owed through it and writes the
    /// audit rows and emails. Throws <see cref="AddressUnresolvedException"/> (rolling the decision back) when the new
    /// address no longer resolves to a jurisdiction.
    /// </summary>
    private async Task ApplyAsync(FacilityTransfer transfer, ApiCaller caller, DateTime now, CancellationToken cancellationToken)
    {
        var facility = await db.Facilities.SingleAsync(f => f.CersId == transfer.FacilityCersId, cancellationToken);
        if (transfer.NewStreet is not null)
        {
            var errors = new RequestInput.Errors();
            var address = await FacilityAddress.ResolveAsync(db, transfer.NewStreet, transfer.NewCity, transfer.NewZip, errors, cancellationToken);
            if (address is null)
            {
                throw new AddressUnresolvedException();
            }

            address.ApplyTo(facility);
        }

        var from = facility.BusinessId;
        facility.BusinessId = transfer.ToBusinessId;
        var detail = $"Moved facility {transfer.FacilityCersId}{await DescribeAsync(transfer, cancellationToken)}.";
        AuditBoth(AuditKinds.FacilityTransferred, transfer, caller, asRegulator: true, now, detail);
        if (from != transfer.ToBusinessId)
        {
            await CloseRequestsThroughAsync(transfer, from, now, cancellationToken);
        }

        await db.SaveChangesAsync(cancellationToken);
        await emails.AddTransferredAsync(transfer, caller.Subject, cancellationToken);
    }

    /// <summary>
    /// The old business's pending requests made through the facility: the requester wanted the facility, which that business
    /// no longer has, so each is closed (withdrawn by the system, its history says why) and the requester told to ask again.
    /// </summary>
    private async Task CloseRequestsThroughAsync(FacilityTransfer transfer, int fromBusinessId, DateTime now, CancellationToken cancellationToken)
    {
        var pending = await db.AccessRequests.AsNoTracking()
            .Where(r => r.FacilityCersId == transfer.FacilityCersId && r.BusinessId == fromBusinessId && r.Status == AccessRequestStatus.Pending)
            .Select(r => r.Id).ToListAsync(cancellationToken);
        foreach (var requestId in pending)
        {
            var closed = await db.AccessRequests.Where(r => r.Id == requestId && r.Status == AccessRequestStatus.Pending)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(r => r.Status, AccessRequestStatus.Withdrawn)
                    .SetProperty(r => r.UpdatedAt, now)
                    .SetProperty(r => r.Version, r => r.Version + 1), cancellationToken);
            if (closed == 0)
            {
                continue;
            }

            db.AccessRequestEvents.Add(new AccessRequestEvent
            {
                AccessRequestId = requestId,
                OccurredAt = now,
                Kind = AccessRequestEventKind.Withdrawn,
                Status = AccessRequestStatus.Withdrawn,
                Detail = $"Closed: facility {transfer.FacilityCersId} moved to another business (transfer {transfer.Id}).",
            });
            await emails.AddRequestClosedAsync(requestId, transfer, cancellationToken);
        }
    }

    /// <summary>
    /// On both businesses' timelines (once when it is an address change alone); the facility's timeline reads the receiving
    /// business's row. Details are cut to their column: a denial's reason may fill it alone.
    /// </summary>
    private void AuditBoth(string kind, FacilityTransfer transfer, ApiCaller caller, bool asRegulator, DateTime now, string detail)
    {
        Audit(kind, transfer, transfer.ToBusinessId, caller, asRegulator, now, detail);
        if (transfer.FromBusinessId != transfer.ToBusinessId)
        {
            Audit(kind, transfer, transfer.FromBusinessId, caller, asRegulator, now, detail);
        }
    }

    private void Audit(string kind, FacilityTransfer transfer, int businessId, ApiCaller caller, bool asRegulator, DateTime now, string detail) =>
        db.AuditEvents.Add(new AuditEvent
        {
            OccurredAt = now,
            Kind = kind,
            ActorSubject = caller.Subject,
            ActorName = caller.Name,
            ActorAgencyCode = asRegulator ? caller.AgencyCode : null,
            BusinessId = businessId,
            FacilityCersId = transfer.FacilityCersId,
            TransferId = transfer.Id,
            Detail = BusinessDetails.Truncate(detail),
        });

    /// <summary>" from business A to B", " to 1 Main St, Davis 95616", or both.</summary>
    private async Task<string> DescribeAsync(FacilityTransfer transfer, CancellationToken cancellationToken)
    {
        var codes = await db.Businesses.AsNoTracking().Where(b => b.Id == transfer.FromBusinessId || b.Id == transfer.ToBusinessId)
            .ToDictionaryAsync(b => b.Id, b => b.OrganizationCode, cancellationToken);
        var move = transfer.FromBusinessId == transfer.ToBusinessId
            ? ""
            : $" from business {codes[transfer.FromBusinessId]} to {codes[transfer.ToBusinessId]}";
        var address = transfer.NewStreet is null ? "" : $"{(move.Length > 0 ? " and" : "")} to {transfer.NewStreet}, {transfer.NewCity} {transfer.NewZip}";
        return move + address;
    }
}
