using Cers.FacilityApi.Data;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Agencies;

/// <summary>
/// Which agency regulates a place: the agency of the facility's city when the city has its own,
/// else the agency of the rest of its county. Loaded whole (one row per county and per city
/// agency), so a bulk load resolves every facility without a query each.
/// </summary>
public sealed class JurisdictionMap
{
    private readonly Dictionary<(string County, string? CityKey), int> _agencies;

    private JurisdictionMap(Dictionary<(string County, string? CityKey), int> agencies) => _agencies = agencies;

    public static async Task<JurisdictionMap> LoadAsync(FacilityDbContext db, CancellationToken cancellationToken)
    {
        var rows = await db.AgencyJurisdictions.AsNoTracking()
            .Select(j => new { j.County, j.CityKey, j.AgencyId })
            .ToListAsync(cancellationToken);
        return new JurisdictionMap(rows.ToDictionary(j => (j.County, j.CityKey), j => j.AgencyId));
    }

    /// <summary>The agency for <paramref name="county"/> and a city keyed by <see cref="Facilities.AddressNormalizer.NormalizeCity"/>; null when none covers it.</summary>
    public int? Resolve(string county, string cityKey) =>
        _agencies.TryGetValue((county, cityKey), out var cityAgency) ? cityAgency
        : _agencies.TryGetValue((county, null), out var countyAgency) ? countyAgency
        : null;
}
