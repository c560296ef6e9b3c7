namespace Cers.FacilityApi.Facilities;

/// <summary>One page of businesses whose facilities match, with the totals over every page.</summary>
/// <param name="TotalBusinesses">Businesses with at least one matching facility, over all pages.</param>
/// <param name="TotalFacilities">Matching facilities, over all pages.</param>
/// <param name="SearchedFor">The search as it was understood (normalized), to show next to the results.</param>
public sealed record FacilitySearchResult(
    int Page,
    int PageSize,
    int TotalBusinesses,
    int TotalFacilities,
    SearchedFor SearchedFor,
    IReadOnlyList<BusinessMatch> Businesses);

/// <param name="Street">The normalized street, e.g. "N MAIN ST", or null for a number-only search.</param>
public sealed record SearchedFor(int? CersId, string? Number, string? Street, string? City, string? Zip);

/// <param name="FacilityCount">How many of the business's facilities match (all of them are in <paramref name="Facilities"/>).</param>
public sealed record BusinessMatch(string OrganizationCode, string Name, int FacilityCount, IReadOnlyList<FacilityMatch> Facilities);

public sealed record FacilityMatch(
    int CersId,
    string Name,
    string Street,
    string City,
    string Zip,
    string County,
    string AgencyCode,
    string AgencyName);
