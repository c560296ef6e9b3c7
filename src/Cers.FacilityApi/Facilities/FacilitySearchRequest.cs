using System.ComponentModel;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;

namespace Cers.FacilityApi.Facilities;

/// <summary>
/// The search's query string, taken as text so that every malformed value ("page=abc", a 6-digit
/// ZIP) is answered with a field error of its own instead of a binding failure.
/// </summary>
public sealed partial record FacilitySearchRequest
{
    public const int MaxNumberLength = 10;
    public const int MaxStreetLength = 100;
    public const int MaxCityLength = 50;
    public const int MaxAddressLength = 200;
    public const int MaxPage = 1000;
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;

    [Description("The facility's CERS ID (8 or 9 digits). Not combined with an address.")]
    [FromQuery(Name = "cersId")]
    public string? CersId { get; init; }

    [Description("The street number, e.g. 1234. Required for an address search and enough on its own.")]
    [FromQuery(Name = "number")]
    public string? Number { get; init; }

    [Description("The street, with or without directional, suffix and unit: \"N Main St\", \"north main street ste 5\", or the start of a name: \"Mai\".")]
    [FromQuery(Name = "street")]
    public string? Street { get; init; }

    [Description("The city, e.g. Sacramento.")]
    [FromQuery(Name = "city")]
    public string? City { get; init; }

    [Description("The 5-digit ZIP code (ZIP+4 is accepted).")]
    [FromQuery(Name = "zip")]
    public string? Zip { get; init; }

    [Description("The whole address in one line instead of number and street: \"1234 N Main St, Sacramento, CA 95814\".")]
    [FromQuery(Name = "address")]
    public string? Address { get; init; }

    [Description("The page of businesses, from 1 (default 1, at most 1000).")]
    [FromQuery(Name = "page")]
    public string? Page { get; init; }

    [Description("Businesses per page, 1 to 100 (default 20).")]
    [FromQuery(Name = "pageSize")]
    public string? PageSize { get; init; }

    /// <summary>Checks every field and builds the criteria; on failure <paramref name="errors"/> names each bad field.</summary>
    public bool TryGetCriteria(out FacilitySearchCriteria criteria, out Dictionary<string, string[]> errors)
    {
        var problems = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Fail(string field, string message)
        {
            if (!problems.TryGetValue(field, out var list))
            {
                problems[field] = list = [];
            }

            list.Add(message);
        }

        var page = ParsePaging(Page, "page", 1, MaxPage, 1, Fail);
        var pageSize = ParsePaging(PageSize, "pageSize", 1, MaxPageSize, DefaultPageSize, Fail);

        var cersIdText = Blank(CersId);
        var numberText = Blank(Number);
        var streetText = Blank(Street);
        var cityText = Blank(City);
        var zipText = Blank(Zip);
        var addressText = Blank(Address);

        CheckLength(numberText, "number", MaxNumberLength, Fail);
        CheckLength(streetText, "street", MaxStreetLength, Fail);
        CheckLength(cityText, "city", MaxCityLength, Fail);
        CheckLength(addressText, "address", MaxAddressLength, Fail);

        int? cersId = null;
        if (cersIdText is not null)
        {
            if (!CersIdPattern().IsMatch(cersIdText))
            {
                Fail("cersId", "A CERS ID is 8 or 9 digits, e.g. 10000001.");
            }
            else
            {
                cersId = int.Parse(cersIdText, CultureInfo.InvariantCulture);
            }

            if (numberText is not null || streetText is not null || cityText is not null || zipText is not null || addressText is not null)
            {
                Fail("cersId", "Search by CERS ID or by address, not both.");
            }
        }

        string? zip = null;
        if (zipText is not null)
        {
            zip = AddressNormalizer.NormalizeZip(zipText);
            if (zip is null)
            {
                Fail("zip", "A ZIP code is 5 digits, e.g. 95814 (or ZIP+4, 95814-1234).");
            }
        }

        string? city = null;
        if (cityText is { Length: <= MaxCityLength })
        {
            city = AddressNormalizer.NormalizeCity(cityText);
            if (city.Length == 0)
            {
                Fail("city", "The city has no letters.");
            }
        }

        NormalizedStreet? street = null;
        if (addressText is { Length: <= MaxAddressLength })
        {
            if (numberText is not null || streetText is not null)
            {
                Fail("address", "Give the address in one line, or as number and street, not both.");
            }

            var parsed = AddressNormalizer.ParseFreeText(addressText);
            if (parsed.Street.Number is not { Length: <= 9 })
            {
                Fail("address", "The address must start with the street number (at most 9 digits), e.g. \"1234 Main St\".");
            }

            street = parsed.Street;
            city ??= parsed.City;
            zip ??= parsed.Zip;
        }
        else if (numberText is { Length: <= MaxNumberLength } || streetText is { Length: <= MaxStreetLength })
        {
            // An overlong part has its error already; the other is still checked.
            street = StreetFromParts(
                numberText is { Length: <= MaxNumberLength } ? numberText : null,
                streetText is { Length: <= MaxStreetLength } ? streetText : null,
                Fail);
        }

        if (cersIdText is null && addressText is null && street?.Number is null && !problems.ContainsKey("number") && !problems.ContainsKey("street"))
        {
            if (streetText is not null || cityText is not null || zipText is not null)
            {
                Fail("number", "An address search needs the street number; street, city and ZIP only narrow it.");
            }
            else
            {
                Fail("search", "Give a CERS ID, or a street number (with street, city and ZIP if known), or an address.");
            }
        }

        errors = problems.ToDictionary(p => p.Key, p => p.Value.ToArray(), StringComparer.Ordinal);
        criteria = new FacilitySearchCriteria(cersId, street, city, zip, page, pageSize);
        return errors.Count == 0;
    }

    private static NormalizedStreet? StreetFromParts(string? numberText, string? streetText, Action<string, string> fail)
    {
        string? number = null;
        if (numberText is not null)
        {
            number = AddressNormalizer.NormalizeNumber(numberText);
            if (number is null || number.Length > 9)
            {
                fail("number", "The street number must start with its digits (at most 9), e.g. 1234.");
                return null;
            }
        }

        if (streetText is null)
        {
            return number is null ? null : new NormalizedStreet(number, "", null, null, null);
        }

        // "1234 Main St" typed into the street field: take its number when the number field is empty or agrees.
        var line = AddressNormalizer.NormalizeStreetLine(streetText);
        NormalizedStreet street;
        if (line.Number is not null)
        {
            if (number is not null && number != line.Number)
            {
                fail("street", $"The street starts with the number {line.Number}, but the number given is {number}.");
                return null;
            }

            street = line;
        }
        else
        {
            street = AddressNormalizer.NormalizeStreetName(streetText) with { Number = number };
        }

        if (street.Name.Length == 0)
        {
            fail("street", "The street has no name in it, e.g. \"Main St\".");
            return null;
        }

        return street;
    }

    private static int ParsePaging(string? text, string field, int min, int max, int fallback, Action<string, string> fail)
    {
        if (Blank(text) is not { } value)
        {
            return fallback;
        }

        if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var parsed) || parsed < min || parsed > max)
        {
            fail(field, $"{field} must be a whole number from {min} to {max}.");
            return fallback;
        }

        return parsed;
    }

    private static void CheckLength(string? value, string field, int max, Action<string, string> fail)
    {
        if (value is { Length: var length } && length > max)
        {
            fail(field, $"{field} is at most {max} characters.");
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex("^[1-9][0-9]{7,8}$", RegexOptions.CultureInvariant)]
    private static partial Regex CersIdPattern();
}

/// <summary>What a valid search asks for: a CERS ID, or a street with a number and optional city and ZIP keys.</summary>
public sealed record FacilitySearchCriteria(int? CersId, NormalizedStreet? Street, string? CityKey, string? Zip, int Page, int PageSize);
