using System.Collections.Frozen;

namespace Cers.FacilityApi.Agencies;

/// <summary>California's 58 counties: the only values a county column may hold.</summary>
public static class CaliforniaCounties
{
    public static readonly IReadOnlyList<string> All =
    [
        "Alameda", "Alpine", "Amador", "Butte", "Calaveras", "Colusa", "Contra Costa", "Del Norte", "El Dorado",
        "Fresno", "Glenn", "Humboldt", "Imperial", "Inyo", "Kern", "Kings", "Lake", "Lassen", "Los Angeles",
        "Madera", "Marin", "Mariposa", "Mendocino", "Merced", "Modoc", "Mono", "Monterey", "Napa", "Nevada",
        "Orange", "Placer", "Plumas", "Riverside", "Sacramento", "San Benito", "San Bernardino", "San Diego",
        "San Francisco", "San Joaquin", "San Luis Obispo", "San Mateo", "Santa Barbara", "Santa Clara",
        "Santa Cruz", "Shasta", "Sierra", "Siskiyou", "Solano", "Sonoma", "Stanislaus", "Sutter", "Tehama",
        "Trinity", "Tulare", "Tuolumne", "Ventura", "Yolo", "Yuba",
    ];

    private static readonly FrozenDictionary<string, string> ByName =
        All.ToFrozenDictionary(name => name, name => name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The county's name as stored ("los angeles county" -> "Los Angeles"), or null when it is not a California county.</summary>
    public static string? Canonical(string county)
    {
        var name = county.Trim();
        if (name.EndsWith(" County", StringComparison.OrdinalIgnoreCase))
        {
            name = name[..^" County".Length].TrimEnd();
        }

        return ByName.GetValueOrDefault(name);
    }
}
