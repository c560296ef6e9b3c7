using System.Collections.Frozen;
using Cers.FacilityApi.Data;
using Cers.FacilityApi.Facilities;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Agencies;

/// <summary>
/// The county a city lies in, for a facility entered with its city only: a city agency's jurisdiction
/// names its county; otherwise the known California places, then the counties of facilities already
/// stored in that city. Null when the city is unknown or lies in more than one county as far as known.
/// </summary>
public static class CityCounties
{
    private static readonly FrozenDictionary<string, string[]> KnownPlaces = CaliforniaPlaces.Counties
        .SelectMany(county => county.Cities.Select(city => (Key: AddressNormalizer.NormalizeCity(city.Name), County: county.Name)))
        .GroupBy(place => place.Key, StringComparer.Ordinal)
        .ToFrozenDictionary(g => g.Key, g => g.Select(p => p.County).Distinct(StringComparer.Ordinal).ToArray(), StringComparer.Ordinal);

    /// <param name="cityKey">The city as <see cref="AddressNormalizer.NormalizeCity"/> keys it.</param>
    public static async Task<string[]> CountiesOfAsync(FacilityDbContext db, string cityKey, CancellationToken cancellationToken)
    {
        var fromJurisdictions = await db.AgencyJurisdictions.AsNoTracking().Where(j => j.CityKey == cityKey)
            .Select(j => j.County).Distinct().ToArrayAsync(cancellationToken);
        if (fromJurisdictions.Length > 0)
        {
            return fromJurisdictions;
        }

        if (KnownPlaces.TryGetValue(cityKey, out var known))
        {
            return known;
        }

        return await db.Facilities.AsNoTracking().Where(f => f.CityKey == cityKey)
            .Select(f => f.County).Distinct().ToArrayAsync(cancellationToken);
    }
}
