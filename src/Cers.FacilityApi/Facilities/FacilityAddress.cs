using Cers.FacilityApi.Agencies;
using Cers.FacilityApi.Api;
using Cers.FacilityApi.Data;

namespace Cers.FacilityApi.Facilities;

/// <summary>An address as entered, with what CERS derives from it: the normalized columns, the county and the regulator.</summary>
public sealed record ResolvedAddress(string Street, string City, string Zip, NormalizedStreet Normalized, string CityKey, string County, int AgencyId)
{
    /// <summary>Gives <paramref name="facility"/> this address and the regulator of its jurisdiction.</summary>
    public void ApplyTo(Facility facility)
    {
        facility.Street = Street;
        facility.City = City;
        facility.Zip = Zip;
        facility.County = County;
        facility.AgencyId = AgencyId;
        facility.StreetNumber = Normalized.Number!;
        facility.StreetName = Normalized.Name;
        facility.Directional = Normalized.Directional;
        facility.Suffix = Normalized.Suffix;
        facility.Unit = Normalized.Unit;
        facility.CityKey = CityKey;
    }
}

/// <summary>
/// Checks a facility's street line, city and ZIP as a person enters them (adding a facility, asking to move one) and
/// resolves the county and regulator agency from the city: a city's own agency wins over its county's.
/// </summary>
public static class FacilityAddress
{
    /// <summary>The resolved address, or null with the reasons in <paramref name="errors"/> under the given field names.</summary>
    public static async Task<ResolvedAddress?> ResolveAsync(FacilityDbContext db, string? streetInput, string? cityInput, string? zipInput,
        RequestInput.Errors errors, CancellationToken cancellationToken)
    {
        var street = RequestInput.Text(streetInput, "street", FacilityDbContext.StreetMaxLength, required: true, errors);
        var city = RequestInput.Text(cityInput, "city", FacilityDbContext.CityMaxLength, required: true, errors);
        var zipText = RequestInput.Text(zipInput, "zip", 10, required: true, errors);

        var zip = zipText is null ? null : AddressNormalizer.NormalizeZip(zipText);
        if (zipText is not null && zip is null && !errors.Has("zip"))
        {
            errors.Add("zip", "zip must be a 5-digit ZIP code or ZIP+4.");
        }

        var normalized = street is null || errors.Has("street") ? null : AddressNormalizer.NormalizeStreetLine(street);
        if (normalized is not null && (normalized.Number is null || normalized.Name.Length == 0))
        {
            errors.Add("street", "street must start with a house number followed by the street name.");
        }

        string? county = null;
        int? agencyId = null;
        var cityKey = city is null || errors.Has("city") ? null : AddressNormalizer.NormalizeCity(city);
        if (cityKey is { Length: > 0 })
        {
            var counties = await CityCounties.CountiesOfAsync(db, cityKey, cancellationToken);
            if (counties.Length == 1)
            {
                county = counties[0];
                agencyId = (await JurisdictionMap.LoadAsync(db, cancellationToken)).Resolve(county, cityKey);
            }

            if (counties.Length == 0)
            {
                errors.Add("city", "The city is not one CERS knows in California.");
            }
            else if (counties.Length > 1)
            {
                errors.Add("city", $"A city of this name is in more than one county ({string.Join(", ", counties)}); ask your regulator to add the facility.");
            }
            else if (agencyId is null)
            {
                errors.Add("city", $"No regulator agency's jurisdiction covers {city}, {county} County.");
            }
        }
        else if (city is not null && !errors.Has("city"))
        {
            errors.Add("city", "The city is not one CERS knows in California.");
        }

        return street is null || city is null || zip is null || normalized?.Number is null || normalized.Name.Length == 0
            || county is null || agencyId is not { } agency || cityKey is null
            ? null
            : new ResolvedAddress(street, city, zip, normalized, cityKey, county, agency);
    }
}
