using Cers.FacilityApi.Data;
using Cers.FacilityApi.Facilities;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Tests.Facilities;

/// <summary>
/// The search's SQL on both engines, read without running it (no SQL Server here): every address
/// predicate is an equality or a range on a normalized column, never a LIKE over the raw text.
/// </summary>
public sealed class FacilitySearchSqlTests
{
    private static readonly FacilitySearchCriteria NumberAndStreet = new(null,
        new NormalizedStreet("1234", "MAIN", "N", "ST", "5"), "SACRAMENTO", "95814", Page: 2, PageSize: 20);

    public static TheoryData<string> Engines => ["Sqlite", "SqlServer"];

    [Theory]
    [MemberData(nameof(Engines))]
    public void The_address_search_compares_normalized_columns_by_equality_and_a_street_name_range(string engine)
    {
        using var db = Context(engine);
        var search = new FacilityAddressSearch(db);

        var queries = new[]
        {
            search.BusinessPage(NumberAndStreet).ToQueryString(),
            search.Totals(NumberAndStreet).ToQueryString(),
            search.FacilitiesOf(NumberAndStreet, [1, 2, 3]).ToQueryString(),
        };

        foreach (var sql in queries)
        {
            sql.ShouldNotContain("LIKE", Case.Insensitive);
            sql.ShouldMatch(@"StreetNumber.? = @");
            sql.ShouldMatch(@"StreetName.? >= @");
            sql.ShouldMatch(@"StreetName.? < @");
            sql.ShouldMatch(@"CityKey.? = @");
            sql.ShouldMatch(@"Zip.? = @");
            sql.ShouldNotContain("\"Street\" =");
            sql.ShouldNotContain("[Street] =");
        }

        queries[0].ShouldContain("ORDER BY");
        queries[1].ShouldContain("COUNT(DISTINCT");
    }

    [Theory]
    [MemberData(nameof(Engines))]
    public void A_CERS_ID_search_is_a_primary_key_lookup(string engine)
    {
        using var db = Context(engine);

        var sql = new FacilityAddressSearch(db).BusinessPage(new FacilitySearchCriteria(10000001, null, null, null, 1, 20)).ToQueryString();

        sql.ShouldMatch(@"CersId.? = @");
        sql.ShouldNotContain("StreetNumber");
    }

    private static FacilityDbContext Context(string engine) => engine == "Sqlite"
        ? new SqliteFacilityDbContextFactory().CreateDbContext([])
        : new SqlServerFacilityDbContextFactory().CreateDbContext([]);
}
