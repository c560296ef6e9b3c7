using Cers.FacilityApi.Agencies;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Facilities;
using Cers.FacilityApi.SampleData;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Tests.SampleData;

public sealed class SampleDataSeederTests
{
    private const int Seed = 4242;

    [Fact]
    public async Task Two_seeds_of_the_same_count_and_seed_give_identical_rows()
    {
        await using var first = await SampleDatabase.SeededAsync(800, Seed);
        await using var second = await SampleDatabase.SeededAsync(800, Seed);

        (await FacilityRowsAsync(first.Db)).ShouldBe(await FacilityRowsAsync(second.Db));
        (await BusinessRowsAsync(first.Db)).ShouldBe(await BusinessRowsAsync(second.Db));
        (await first.Db.Facilities.CountAsync()).ShouldBe(800);
    }

    [Fact]
    public async Task Another_seed_gives_other_businesses_and_addresses()
    {
        await using var first = await SampleDatabase.SeededAsync(200, Seed);
        await using var second = await SampleDatabase.SeededAsync(200, Seed + 1);

        (await FacilityRowsAsync(first.Db)).ShouldNotBe(await FacilityRowsAsync(second.Db));
    }

    [Fact]
    public async Task Each_facility_is_under_the_agency_of_its_jurisdiction_and_a_city_agency_wins_over_its_county()
    {
        await using var database = await SampleDatabase.SeededAsync(3000, Seed);
        var db = database.Db;
        var agencyIds = await db.Agencies.ToDictionaryAsync(a => a.Code, a => a.Id);
        var jurisdictions = await db.AgencyJurisdictions.ToListAsync();
        var facilities = await db.Facilities.Select(f => new { f.CersId, f.County, f.City, f.CityKey, f.AgencyId }).ToListAsync();

        foreach (var facility in facilities)
        {
            var expected = jurisdictions.SingleOrDefault(j => j.County == facility.County && j.CityKey == facility.CityKey)
                ?? jurisdictions.Single(j => j.County == facility.County && j.CityKey == null);
            facility.AgencyId.ShouldBe(expected.AgencyId, $"CERS ID {facility.CersId} in {facility.City}, {facility.County}");
        }

        // Los Angeles is the largest county and its first city: the city agency must have taken some of its facilities.
        var inLosAngelesCity = facilities.Where(f => f.County == "Los Angeles" && f.City == "Los Angeles").ToList();
        inLosAngelesCity.ShouldNotBeEmpty();
        inLosAngelesCity.ShouldAllBe(f => f.AgencyId == agencyIds["LAFD-CUPA"]);
        facilities.Where(f => f.County == "Los Angeles" && f.City != "Los Angeles" && f.City != "Pasadena" && f.City != "Vernon")
            .ShouldAllBe(f => f.AgencyId == agencyIds["LA-EH"]);
        facilities.Where(f => f.County == "Sacramento").ShouldAllBe(f => f.AgencyId == agencyIds[SampleAgencies.SacramentoCode]);
    }

    [Fact]
    public async Task Seeded_addresses_are_realistic_and_their_search_columns_are_what_the_normalizer_makes_of_them()
    {
        await using var database = await SampleDatabase.SeededAsync(2000, Seed);
        var facilities = await database.Db.Facilities.ToListAsync();

        facilities.Select(f => f.County).Distinct().Count().ShouldBeGreaterThan(20);
        facilities.ShouldAllBe(f => CaliforniaCounties.All.Contains(f.County));
        facilities.ShouldAllBe(f => f.Zip.Length == 5 && string.CompareOrdinal(f.Zip, "90000") >= 0 && string.CompareOrdinal(f.Zip, "96199") <= 0);
        facilities.Count(f => f.Unit is not null).ShouldBeGreaterThan(100);
        facilities.Count(f => f.Directional is not null).ShouldBeGreaterThan(100);
        facilities.Select(f => f.Suffix).Distinct().Count().ShouldBeGreaterThan(8);
        foreach (var facility in facilities)
        {
            var street = AddressNormalizer.NormalizeStreetLine(facility.Street);
            new NormalizedStreet(facility.StreetNumber, facility.StreetName, facility.Directional, facility.Suffix, facility.Unit)
                .ShouldBe(street, facility.Street);
            facility.CityKey.ShouldBe(AddressNormalizer.NormalizeCity(facility.City));
        }
    }

    [Fact]
    public async Task Most_businesses_have_one_facility_and_some_are_chains()
    {
        await using var database = await SampleDatabase.SeededAsync(5000, Seed);
        var sizes = await database.Db.Facilities.GroupBy(f => f.BusinessId).Select(g => g.Count()).ToListAsync();

        (sizes.Count(s => s == 1) / (double)sizes.Count).ShouldBeGreaterThan(0.7);
        sizes.Max().ShouldBeGreaterThan(40);
        (await database.Db.Businesses.CountAsync()).ShouldBe(sizes.Count);
        (await database.Db.Businesses.AllAsync(b => b.OrganizationCode.Length == 8 && b.IsSampleData)).ShouldBeTrue();
    }

    [Fact]
    public async Task CERS_IDs_start_at_10000001_and_are_never_given_again_after_a_facility_is_deleted()
    {
        await using var database = await SampleDatabase.SeededAsync(100, Seed);
        var db = database.Db;
        (await db.Facilities.MinAsync(f => f.CersId)).ShouldBe(10_000_001);
        (await db.Facilities.MaxAsync(f => f.CersId)).ShouldBe(10_000_100);

        await db.Facilities.Where(f => f.CersId > 10_000_090).ExecuteDeleteAsync();
        var more = await database.Seeder.SeedFacilitiesAsync(5, Seed, CancellationToken.None);

        more.FirstCersId.ShouldBe(10_000_101);
        (await db.Facilities.Where(f => f.CersId > 10_000_090).Select(f => f.CersId).OrderBy(id => id).ToListAsync())
            .ShouldBe([10_000_101, 10_000_102, 10_000_103, 10_000_104, 10_000_105]);
    }

    [Fact]
    public async Task The_sample_agencies_cover_every_county_once_and_seeding_them_again_adds_nothing()
    {
        await using var database = await SampleDatabase.CreateAsync();

        var added = await database.Seeder.SeedAgenciesAsync(CancellationToken.None);
        var again = await database.Seeder.SeedAgenciesAsync(CancellationToken.None);

        added.ShouldBe(SampleAgencies.All.Count);
        again.ShouldBe(0);
        var wholeCounties = await database.Db.AgencyJurisdictions.Where(j => j.CityKey == null).Select(j => j.County).ToListAsync();
        wholeCounties.ShouldBe(CaliforniaCounties.All, ignoreOrder: true);
        var sacramento = await database.Db.Agencies.Include(a => a.Jurisdictions).SingleAsync(a => a.Code == SampleAgencies.SacramentoCode);
        sacramento.Jurisdictions.ShouldHaveSingleItem().County.ShouldBe("Sacramento");
    }

    private static async Task<List<string>> FacilityRowsAsync(FacilityDbContext db) =>
        (await db.Facilities.OrderBy(f => f.CersId).ToListAsync())
        .Select(f => string.Join('|', f.CersId, f.Name, f.Street, f.City, f.Zip, f.County, f.BusinessId, f.AgencyId, f.StreetNumber,
            f.StreetName, f.Directional, f.Suffix, f.Unit, f.CityKey))
        .ToList();

    private static async Task<List<string>> BusinessRowsAsync(FacilityDbContext db) =>
        (await db.Businesses.OrderBy(b => b.Id).ToListAsync()).Select(b => $"{b.Id}|{b.OrganizationCode}|{b.Name}").ToList();
}
