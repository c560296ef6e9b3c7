using System.Globalization;
using Cers.FacilityApi.Agencies;

namespace Cers.FacilityApi.SampleData;

/// <param name="City">Null for a county's agency (the whole county, less cities with their own).</param>
public sealed record SampleAgency(string Code, string Name, AgencyKind Kind, string County, string? City, string ContactEmail, string ContactPhone);

/// <summary>
/// One sample agency per county and a few city agencies inside counties. Names end in "(sample)",
/// email addresses are at example.org (RFC 2606) and telephone numbers are in 555-0100..0199, which
/// are reserved for fiction, so none of it can be mistaken for a real regulator's record.
/// </summary>
public static class SampleAgencies
{
    /// <summary>Sacramento County's code, which the provider's sample regulator client and user carry.</summary>
    public const string SacramentoCode = "SAC-EMD";

    public static readonly IReadOnlyList<SampleAgency> All = Build();

    private static List<SampleAgency> Build()
    {
        var agencies = new List<SampleAgency>();
        foreach (var county in CaliforniaPlaces.Counties)
        {
            var (code, name) = county.Name switch
            {
                "Sacramento" => (SacramentoCode, "Sacramento County Environmental Management Department (sample)"),
                "San Francisco" => ("SF-DPH", "San Francisco Department of Public Health, Environmental Health (sample)"),
                _ => ($"{county.Code}-EH", $"{county.Name} County Environmental Health (sample)"),
            };
            agencies.Add(Agency(agencies.Count, code, name, AgencyKind.Cupa, county.Name, city: null));
        }

        // Real cities that run their own program; each wins over its county for facilities inside it.
        agencies.Add(Agency(agencies.Count, "LAFD-CUPA", "City of Los Angeles Fire Department CUPA (sample)", AgencyKind.Cupa, "Los Angeles", "Los Angeles"));
        agencies.Add(Agency(agencies.Count, "PAS-FD", "Pasadena Fire Department CUPA (sample)", AgencyKind.Cupa, "Los Angeles", "Pasadena"));
        agencies.Add(Agency(agencies.Count, "VER-HEC", "City of Vernon Health and Environmental Control (sample)", AgencyKind.Cupa, "Los Angeles", "Vernon"));
        agencies.Add(Agency(agencies.Count, "ANA-FD", "Anaheim Fire & Rescue CUPA (sample)", AgencyKind.Cupa, "Orange", "Anaheim"));
        agencies.Add(Agency(agencies.Count, "BRK-TMD", "City of Berkeley Toxics Management Division (sample)", AgencyKind.Cupa, "Alameda", "Berkeley"));
        agencies.Add(Agency(agencies.Count, "FMT-FD", "Fremont Fire Department CUPA (sample)", AgencyKind.Cupa, "Alameda", "Fremont"));
        agencies.Add(Agency(agencies.Count, "SJC-FD", "San Jose Fire Department Hazardous Materials Program (sample)",
            AgencyKind.ParticipatingAgency, "Santa Clara", "San Jose"));
        return agencies;
    }

    private static SampleAgency Agency(int index, string code, string name, AgencyKind kind, string county, string? city) =>
        new(code, name, kind, county, city,
            $"hazmat.{code.ToLowerInvariant()}@example.org",
            string.Create(CultureInfo.InvariantCulture, $"(800) 555-{100 + index:D4}"));
}
