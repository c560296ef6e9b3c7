using System.ComponentModel.DataAnnotations;

namespace Cers.FacilityApi.SampleData;

/// <summary>The <c>SampleData</c> section: what Development puts into an empty database at start.</summary>
public sealed class SampleDataOptions
{
    public const string SectionName = "SampleData";

    /// <summary>Seed at start (in Development only): the agencies always, the facilities when there are none.</summary>
    public bool SeedAtStart { get; set; } = true;

    /// <summary>How many sample facilities an empty Development database gets; 0 for agencies only.</summary>
    [Range(0, 5_000_000)]
    public int Facilities { get; set; } = 20_000;

    /// <summary>The generator's seed: the same seed gives the same businesses and addresses.</summary>
    public int Seed { get; set; } = SampleDataExtensions.DefaultSeed;
}
