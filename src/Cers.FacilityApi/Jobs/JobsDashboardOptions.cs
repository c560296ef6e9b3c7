namespace Cers.FacilityApi.Jobs;

/// <summary>
/// The <c>JobsDashboard</c> section: the provider client the Hangfire dashboard signs CERS admins in
/// with. The dashboard is served only when <see cref="ClientSecret"/> is configured.
/// </summary>
public sealed class JobsDashboardOptions
{
    public const string SectionName = "JobsDashboard";

    public string ClientId { get; set; } = "cers-facility-jobs";

    /// <summary>From configuration only (user secrets, environment); never committed outside Development.</summary>
    public string? ClientSecret { get; set; }
}
