using System.Diagnostics;
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
/// transaction of prepared statements re-executed with new rows (see <see cref="BatchedInsert"/>): a million
/// load in about 25 s on SQLite; identifiers are reserved from the counters first, like any other
/// facility's, and each facility's agency comes from the jurisdictions.
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
            await using var insertBusinesses = BatchedInsert.Into<Business>(db,
                nameof(Business.OrganizationCode), nameof(Business.Name), nameof(Business.IsSampleData));
            await using var insertFacilities = BatchedInsert.Into<Facility>(db,
                nameof(Facility.CersId), nameof(Facility.Name), nameof(Facility.Street), nameof(Facility.City), nameof(Facility.Zip),
                nameof(Facility.County), nameof(Facility.BusinessId), nameof(Facility.AgencyId), nameof(Facility.IsSampleData),
                nameof(Facility.StreetNumber), nameof(Facility.StreetName), nameof(Facility.Directional), nameof(Facility.Suffix),
                nameof(Facility.Unit), nameof(Facility.CityKey));
            var perStatement = BatchedInsert.RowsPerStatementOn(db);
            await using var businessIds = PreparedCommand.SelectWhereIn<Business>(db, nameof(Business.Id), nameof(Business.OrganizationCode),
                perStatement);

            // A statement's worth of businesses at a time: written, their generated ids read back by organization code, then
            // their facilities added (written a statement's worth at a time themselves).
            var cityKeys = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var chunk in generator.Generate(count).Chunk(perStatement))
            {
                var codes = chunk.Select(_ => FacilityRegistration.FormatOrganizationCode(organizationCode++)).ToArray();
                for (var i = 0; i < chunk.Length; i++)
                {
                    await insertBusinesses.AddAsync(ct, codes[i], chunk[i].Name, true);
                }

                await insertBusinesses.FlushAsync(ct);
                List<(string Code, int Id)> written;
                if (codes.Length == perStatement)
                {
                    written = await businessIds.ReadPairsAsync<string, int>(ct, codes);
                }
                else
                {
                    await using var lastIds = PreparedCommand.SelectWhereIn<Business>(db, nameof(Business.Id), nameof(Business.OrganizationCode), codes.Length);
                    written = await lastIds.ReadPairsAsync<string, int>(ct, codes);
                }

                var ids = written.ToDictionary(w => w.Code, w => w.Id, StringComparer.Ordinal);
                for (var i = 0; i < chunk.Length; i++)
                {
                    foreach (var facility in chunk[i].Facilities)
                    {
                        if (!cityKeys.TryGetValue(facility.City, out var cityKey))
                        {
                            cityKeys[facility.City] = cityKey = AddressNormalizer.NormalizeCity(facility.City);
                        }

                        var agencyId = jurisdictions.Resolve(facility.County, cityKey)
                            ?? throw new InvalidOperationException($"No agency covers {facility.County} County; seed the agencies first.");
                        var street = AddressNormalizer.NormalizeStreetLine(facility.Street);
                        await insertFacilities.AddAsync(ct,
                            (int)cersId++, facility.Name, facility.Street, facility.City, facility.Zip, facility.County, ids[codes[i]], agencyId,
                            true, street.Number, street.Name, street.Directional, street.Suffix, street.Unit, cityKey);
                    }
                }
            }

            await insertFacilities.FlushAsync(ct);
            return first;
        }, cancellationToken), cancellationToken);

        var result = new SampleSeedResult(businessCount, count, firstCersId, clock.Elapsed);
        SampleDataLog.FacilitiesSeeded(logger, result.Facilities, result.Businesses, (long)result.Elapsed.TotalMilliseconds);
        return result;
    }
}
