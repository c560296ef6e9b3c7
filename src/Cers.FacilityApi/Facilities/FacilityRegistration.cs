using Cers.FacilityApi.Agencies;
using Cers.FacilityApi.Businesses;
using Cers.FacilityApi.Data;

namespace Cers.FacilityApi.Facilities;

/// <summary>A facility as a person enters it; everything else (CERS ID, normalized address, agency) is derived.</summary>
public sealed record NewFacility(string Name, string Street, string City, string Zip, string County);

/// <summary>
/// Stores businesses and facilities one at a time: identifiers from the counters, the address
/// normalized by <see cref="AddressNormalizer"/>, the regulator resolved from the jurisdictions.
/// (The sample-data seeder derives the same columns in bulk.)
/// </summary>
public sealed class FacilityRegistration(FacilityDbContext db)
{
    public Task<Business> RegisterBusinessAsync(string name, CancellationToken cancellationToken) =>
        db.InTransactionAsync(async ct =>
        {
            var code = await db.ReserveAsync(KeyCounter.OrganizationCode, 1, ct);
            var business = new Business { OrganizationCode = FormatOrganizationCode(code), Name = name.Trim() };
            db.Businesses.Add(business);
            await db.SaveChangesAsync(ct);
            return business;
        }, cancellationToken);

    /// <exception cref="ArgumentException">The address is not one a facility can have.</exception>
    public async Task<Facility> RegisterFacilityAsync(int businessId, NewFacility input, CancellationToken cancellationToken)
    {
        var county = CaliforniaCounties.Canonical(input.County)
            ?? throw new ArgumentException($"'{input.County}' is not a California county.", nameof(input));
        var zip = AddressNormalizer.NormalizeZip(input.Zip)
            ?? throw new ArgumentException($"'{input.Zip}' is not a 5-digit ZIP code.", nameof(input));
        var street = AddressNormalizer.NormalizeStreetLine(input.Street);
        if (street.Number is null || street.Name.Length == 0)
        {
            throw new ArgumentException($"'{input.Street}' does not start with a house number and a street.", nameof(input));
        }

        var cityKey = AddressNormalizer.NormalizeCity(input.City);
        var jurisdictions = await JurisdictionMap.LoadAsync(db, cancellationToken);
        var agencyId = jurisdictions.Resolve(county, cityKey)
            ?? throw new ArgumentException($"No regulator agency's jurisdiction covers {input.City}, {county} County.", nameof(input));

        return await db.InTransactionAsync(async ct =>
        {
            var cersId = await db.ReserveAsync(KeyCounter.CersId, 1, ct);
            var facility = new Facility
            {
                CersId = checked((int)cersId),
                Name = input.Name.Trim(),
                Street = input.Street.Trim(),
                City = input.City.Trim(),
                Zip = zip,
                County = county,
                BusinessId = businessId,
                AgencyId = agencyId,
                StreetNumber = street.Number,
                StreetName = street.Name,
                Directional = street.Directional,
                Suffix = street.Suffix,
                Unit = street.Unit,
                CityKey = cityKey,
            };
            db.Facilities.Add(facility);
            await db.SaveChangesAsync(ct);
            return facility;
        }, cancellationToken);
    }

    public static string FormatOrganizationCode(long code) => code.ToString("D8", System.Globalization.CultureInfo.InvariantCulture);
}
