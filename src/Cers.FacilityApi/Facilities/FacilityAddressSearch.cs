using Cers.FacilityApi.Data;
using Microsoft.EntityFrameworkCore;

namespace Cers.FacilityApi.Facilities;

/// <summary>
/// Finds facilities by CERS ID or by normalized address and groups them by business. Every address
/// predicate is an equality or a range on a normalized column that starts an index (house number,
/// then street name), never a <c>LIKE '%...%'</c> over the text as entered.
/// </summary>
public sealed class FacilityAddressSearch(FacilityDbContext db)
{
    public async Task<FacilitySearchResult> SearchAsync(FacilitySearchCriteria criteria, CancellationToken cancellationToken)
    {
        var businesses = await BusinessPage(criteria).ToListAsync(cancellationToken);

        int totalBusinesses, totalFacilities;
        if (criteria.Page == 1 && businesses.Count < criteria.PageSize)
        {
            // The first page holds everything: its counts are the totals.
            totalBusinesses = businesses.Count;
            totalFacilities = businesses.Sum(b => b.FacilityCount);
        }
        else
        {
            var totals = await Totals(criteria).SingleOrDefaultAsync(cancellationToken);
            totalBusinesses = totals?.Businesses ?? 0;
            totalFacilities = totals?.Facilities ?? 0;
        }

        var ids = businesses.Select(b => b.Id).ToList();
        var facilities = ids.Count == 0 ? [] : await FacilitiesOf(criteria, ids).ToListAsync(cancellationToken);
        var byBusiness = facilities.ToLookup(f => f.BusinessId, f => f.Match);

        return new FacilitySearchResult(
            criteria.Page,
            criteria.PageSize,
            totalBusinesses,
            totalFacilities,
            Describe(criteria),
            businesses.Select(b => new BusinessMatch(b.OrganizationCode, b.Name, b.FacilityCount, byBusiness[b.Id].ToList())).ToList());
    }

    /// <summary>The page's businesses with their matching facility counts, in a stable order: name, then the unique organization code.</summary>
    internal IQueryable<BusinessRow> BusinessPage(FacilitySearchCriteria criteria) =>
        Matching(criteria)
            .GroupBy(f => f.BusinessId)
            .Select(g => new { BusinessId = g.Key, Count = g.Count() })
            .Join(db.Businesses, g => g.BusinessId, b => b.Id, (g, b) => new { b.Id, b.Name, b.OrganizationCode, g.Count })
            .OrderBy(b => b.Name).ThenBy(b => b.OrganizationCode)
            .Skip((criteria.Page - 1) * criteria.PageSize)
            .Take(criteria.PageSize)
            .Select(b => new BusinessRow(b.Id, b.Name, b.OrganizationCode, b.Count));

    /// <summary>Matching facilities and businesses over every page.</summary>
    internal IQueryable<TotalsRow> Totals(FacilitySearchCriteria criteria) =>
        Matching(criteria)
            .GroupBy(_ => 1)
            .Select(g => new TotalsRow(g.Count(), g.Select(f => f.BusinessId).Distinct().Count()));

    /// <summary>The matching facilities of the page's businesses, by CERS ID.</summary>
    internal IQueryable<FacilityRow> FacilitiesOf(FacilitySearchCriteria criteria, List<int> businessIds) =>
        Matching(criteria)
            .Where(f => businessIds.Contains(f.BusinessId))
            .OrderBy(f => f.CersId)
            .Select(f => new FacilityRow(f.BusinessId,
                new FacilityMatch(f.CersId, f.Name, f.Street, f.City, f.Zip, f.County, f.Agency!.Code, f.Agency.Name)));

    internal sealed record BusinessRow(int Id, string Name, string OrganizationCode, int FacilityCount);

    internal sealed record TotalsRow(int Facilities, int Businesses);

    internal sealed record FacilityRow(int BusinessId, FacilityMatch Match);

    private IQueryable<Facility> Matching(FacilitySearchCriteria criteria)
    {
        // Archived (closed) facilities are found only by their regulator, by CERS ID (the regulator console).
        var facilities = db.Facilities.AsNoTracking().Where(f => f.ArchivedAt == null);
        if (criteria.CersId is { } cersId)
        {
            return facilities.Where(f => f.CersId == cersId);
        }

        var street = criteria.Street ?? throw new ArgumentException("An address search needs a street number.", nameof(criteria));
        var number = street.Number ?? throw new ArgumentException("An address search needs a street number.", nameof(criteria));
        facilities = facilities.Where(f => f.StreetNumber == number);

        if (street.Name.Length > 0)
        {
            // "Mai" finds "MAIN" and "MAINSAIL": the range [MAI, MAJ) on the index (StreetNumber, StreetName).
            var from = street.Name;
            var to = from[..^1] + (char)(from[^1] + 1);
            facilities = facilities.Where(f => f.StreetName.CompareTo(from) >= 0 && f.StreetName.CompareTo(to) < 0);
        }

        // A directional, suffix or unit that was given must agree with the facility's, unless the facility
        // has none: "123 Main St" also finds a facility stored as "123 Main".
        if (street.Directional is { } directional)
        {
            facilities = facilities.Where(f => f.Directional == directional || f.Directional == null);
        }

        if (street.Suffix is { } suffix)
        {
            facilities = facilities.Where(f => f.Suffix == suffix || f.Suffix == null);
        }

        if (street.Unit is { } unit)
        {
            facilities = facilities.Where(f => f.Unit == unit || f.Unit == null);
        }

        if (criteria.CityKey is { } city)
        {
            facilities = facilities.Where(f => f.CityKey == city);
        }

        if (criteria.Zip is { } zip)
        {
            facilities = facilities.Where(f => f.Zip == zip);
        }

        return facilities;
    }

    private static SearchedFor Describe(FacilitySearchCriteria criteria)
    {
        var street = criteria.Street;
        var name = street is null || street.Name.Length == 0 ? null : (street with { Number = null }).ToString();
        return new SearchedFor(criteria.CersId, street?.Number, name, criteria.CityKey, criteria.Zip);
    }
}
