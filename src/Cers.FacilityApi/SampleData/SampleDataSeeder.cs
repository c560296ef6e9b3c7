using System.Diagnostics;
using System.Globalization;
using Cers.FacilityApi.Agencies;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Facilities;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.SampleData;

/// <param name="FirstCersId">The first CERS ID given out; the rest follow in order.</param>
public sealed record SampleSeedResult(int Businesses, int Facilities, int FirstCersId, TimeSpan Elapsed);

/// <summary>
/// Writes the sample agencies and sample businesses with their facilities. Facilities go in as one
/// transaction of prepared statements re-executed per row (see <see cref="PreparedCommand"/>),
/// which loads a million in under half a minute on SQLite; identifiers are reserved from the counters first,
/// like any other facility's, and each facility's agency comes from the jurisdictions.
/// </summary>
public sealed class SampleDataSeeder(FacilityDbContext db, ILogger<SampleDataSeeder> logger)
{
    /// <summary>Adds the sample agencies that are missing (by code); returns how many were added.</summary>
    public async Task<int> SeedAgenciesAsync(CancellationToken cancellationToken)
    {
        var existing = (await db.Agencies.Select(a => a.Code).ToListAsync(cancellationToken)).ToHashSet(StringComparer.Ordinal);
        var added = 0;
        foreach (var sample in SampleAgencies.All.Where(a => !existing.Contains(a.Code)))
        {
            db.Agencies.Add(new RegulatorAgency
            {
                Code = sample.Code,
                Name = sample.Name,
                Kind = sample.Kind,
                County = sample.County,
                ContactEmail = sample.ContactEmail,
                ContactPhone = sample.ContactPhone,
                IsSampleData = true,
                Jurisdictions =
                [
                    new AgencyJurisdiction
                    {
                        County = sample.County,
                        City = sample.City,
                        CityKey = sample.City is null ? null : AddressNormalizer.NormalizeCity(sample.City),
                    },
                ],
            });
            added++;
        }

        await db.SaveChangesAsync(cancellationToken);
        if (added > 0)
        {
            SampleDataLog.AgenciesSeeded(logger, added);
        }

        return added;
    }

    /// <summary>Adds <paramref name="count"/> sample facilities, grouped into businesses, generated from <paramref name="seed"/>.</summary>
    public async Task<SampleSeedResult> SeedFacilitiesAsync(int count, int seed, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        var clock = Stopwatch.StartNew();
        var jurisdictions = await JurisdictionMap.LoadAsync(db, cancellationToken);
        var generator = new SampleFacilityGenerator(seed);
        var businessCount = generator.CountBusinesses(count);

        var firstCersId = await db.BulkLoadAsync(() => db.InTransactionAsync(async ct =>
        {
            var cersId = await db.ReserveAsync(KeyCounter.CersId, count, ct);
            var organizationCode = await db.ReserveAsync(KeyCounter.OrganizationCode, businessCount, ct);
            if (cersId + count - 1 > 999_999_999)
            {
                throw new InvalidOperationException("CERS IDs have at most 9 digits; this many facilities would pass 999999999.");
            }

            var first = (int)cersId;
            await using var insertBusiness = PreparedCommand.Insert<Business>(db,
                nameof(Business.OrganizationCode), nameof(Business.Name), nameof(Business.IsSampleData));
            await using var businessId = PreparedCommand.SelectWhere<Business>(db, nameof(Business.Id), nameof(Business.OrganizationCode));
            await using var insertFacility = PreparedCommand.Insert<Facility>(db,
                nameof(Facility.CersId), nameof(Facility.Name), nameof(Facility.Street), nameof(Facility.City), nameof(Facility.Zip),
                nameof(Facility.County), nameof(Facility.BusinessId), nameof(Facility.AgencyId), nameof(Facility.IsSampleData),
                nameof(Facility.StreetNumber), nameof(Facility.StreetName), nameof(Facility.Directional), nameof(Facility.Suffix),
                nameof(Facility.Unit), nameof(Facility.CityKey));

            var cityKeys = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var business in generator.Generate(count))
            {
                var code = FacilityRegistration.FormatOrganizationCode(organizationCode++);
                await insertBusiness.ExecuteAsync(ct, code, business.Name, true);
                var id = Convert.ToInt32(await businessId.ScalarAsync(ct, code), CultureInfo.InvariantCulture);

                foreach (var facility in business.Facilities)
                {
                    if (!cityKeys.TryGetValue(facility.City, out var cityKey))
                    {
                        cityKeys[facility.City] = cityKey = AddressNormalizer.NormalizeCity(facility.City);
                    }

                    var agencyId = jurisdictions.Resolve(facility.County, cityKey)
                        ?? throw new InvalidOperationException($"No agency covers {facility.County} County; seed the agencies first.");
                    var street = AddressNormalizer.NormalizeStreetLine(facility.Street);
                    await insertFacility.ExecuteAsync(ct,
                        (int)cersId++, facility.Name, facility.Street, facility.City, facility.Zip, facility.County, id, agencyId, true,
                        street.Number, street.Name, street.Directional, street.Suffix, street.Unit, cityKey);
                }
            }

            return first;
        }, cancellationToken), cancellationToken);

        var result = new SampleSeedResult(businessCount, count, firstCersId, clock.Elapsed);
        SampleDataLog.FacilitiesSeeded(logger, result.Facilities, result.Businesses, (long)result.Elapsed.TotalMilliseconds);
        return result;
    }
}
