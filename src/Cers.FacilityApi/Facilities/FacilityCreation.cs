using Cers.FacilityApi.Api;
using Cers.FacilityApi.Audit;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Memberships;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Facilities;

/// <summary>What adding a facility came to; the endpoint turns each into its HTTP answer.</summary>
public abstract record FacilityCreationOutcome
{
    public sealed record Added(NewFacilityView Facility) : FacilityCreationOutcome;

    public sealed record Invalid(Dictionary<string, string[]> Errors) : FacilityCreationOutcome;

    /// <summary>Facilities already at the same normalized address; the caller may confirm and add it anyway.</summary>
    public sealed record DuplicateAddress(int[] CersIds) : FacilityCreationOutcome;
}

/// <summary>
/// "Not found? Add a new facility/business": a user adds a facility to a new business, of which they
/// become the active Lead User, or to a business they are already a Lead User of. The county and regulator
/// agency come from the city (a city's own agency wins over its county's). A facility already at the same
/// normalized address needs the caller's confirmation. Everything is written in one transaction, or nothing.
/// </summary>
public sealed class FacilityCreation(FacilityDbContext db, FacilityRegistration registration, TimeProvider time)
{
    public async Task<FacilityCreationOutcome> AddAsync(ApiCaller caller, NewFacilityInput input, CancellationToken cancellationToken)
    {
        var errors = new RequestInput.Errors();
        var name = RequestInput.Text(input.FacilityName, "facilityName", FacilityDbContext.NameMaxLength, required: true, errors);
        var businessName = RequestInput.Text(input.BusinessName, "businessName", FacilityDbContext.NameMaxLength, required: false, errors);
        var organizationCode = RequestInput.Text(input.OrganizationCode, "organizationCode", 8, required: false, errors);
        if ((businessName is null) == (organizationCode is null))
        {
            errors.Add("businessName", "Give either businessName (a new business) or organizationCode (a business you are a Lead User of).");
        }

        int? businessId = null;
        if (organizationCode is not null && !errors.Has("organizationCode"))
        {
            businessId = await db.Memberships.AsNoTracking()
                .Where(m => m.Business!.OrganizationCode == organizationCode && m.UserSubject == caller.Subject
                    && m.Status == MembershipStatus.Active && m.Role == MembershipRole.LeadUser)
                .Select(m => (int?)m.BusinessId).FirstOrDefaultAsync(cancellationToken);
            if (businessId is null)
            {
                // The same answer whether the business does not exist or the caller does not lead it.
                errors.Add("organizationCode", "You are not a Lead User of a business with this organization code.");
            }
        }

        var address = await FacilityAddress.ResolveAsync(db, input.Street, input.City, input.Zip, errors, cancellationToken);
        if (errors.Any || name is null || address is null)
        {
            return new FacilityCreationOutcome.Invalid(errors.ToDictionary());
        }

        var normalized = address.Normalized;
        var (cityKey, zip) = (address.CityKey, address.Zip);
        var confirmed = input.ConfirmDuplicate == true;
        var now = time.GetUtcNow().UtcDateTime;
        var outcome = await db.InTransactionAsync<(int[] Duplicates, Facility? Facility, Business? Business)>(async ct =>
        {
            // The same normalized street line in the same city or ZIP.
            var duplicates = await db.Facilities.AsNoTracking()
                .Where(f => f.StreetNumber == normalized.Number && f.StreetName == normalized.Name
                    && f.Directional == normalized.Directional && f.Suffix == normalized.Suffix && f.Unit == normalized.Unit
                    && (f.CityKey == cityKey || f.Zip == zip))
                .OrderBy(f => f.CersId).Select(f => f.CersId).Take(20).ToArrayAsync(ct);
            if (duplicates.Length> 0 && !confirmed)
            {
                return (duplicates, null, null);
            }

            var business = businessId is { } existing
                ? await db.Businesses.SingleAsync(b => b.Id == existing, ct)
                : await registration.RegisterBusinessAsync(businessName!, ct);
            var facility = await registration.RegisterFacilityAsync(business.Id, new NewFacility(name, address.Street, address.City, zip, address.County), ct);
            if (businessId is null)
            {
                db.Memberships.Add(new Membership
                {
                    UserSubject = caller.Subject,
                    UserName = caller.Name,
                    Email = caller.Email,
                    BusinessId = business.Id,
                    Role = MembershipRole.LeadUser,
                    Status = MembershipStatus.Active,
                    CreatedAt = now,
                    UpdatedAt = now,
                    Version = 1,
                });
            }

            db.AuditEvents.Add(new AuditEvent
            {
                OccurredAt = now,
                Kind = AuditKinds.FacilityCreated,
                ActorSubject = caller.Subject,
                ActorName = caller.Name,
                BusinessId = business.Id,
                FacilityCersId = facility.CersId,
                Detail = (businessId is null
                        ? $"Added facility {facility.CersId} and business {business.OrganizationCode}; the creator is its Lead User."
                        : $"Added facility {facility.CersId}.")
                    + (duplicates.Length> 0 ? $" Confirmed although {string.Join(", ", duplicates)} is at the same address." : ""),
            });
            await db.SaveChangesAsync(ct);
            return (duplicates, facility, business);
        }, cancellationToken);

        if (outcome is not { Facility: { } added, Business: { } owner })
        {
            return new FacilityCreationOutcome.DuplicateAddress(outcome.Duplicates);
        }

        var agency = await db.Agencies.AsNoTracking().Where(a => a.Id == added.AgencyId).Select(a => new { a.Code, a.Name })
            .SingleAsync(cancellationToken);
        return new FacilityCreationOutcome.Added(
            new NewFacilityView(added.CersId, owner.OrganizationCode, owner.Name, added.County, agency.Code, agency.Name));
    }
}
