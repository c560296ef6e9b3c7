namespace Cers.BusinessPortal.FacilityApi;

/// <summary>The four roles in a business, by the API's names, with the words the pages use for them.</summary>
public static class MembershipRoles
{
    public const string LeadUser = "LeadUser";

    public static readonly IReadOnlyList<(string Name, string Label, string Description)> All =
    [
        (LeadUser, "Lead User", "manages who has access, and submits"),
        ("Approver", "Approver", "submits reports"),
        ("Editor", "Editor", "edits reports, cannot submit"),
        ("Viewer", "Viewer", "read-only"),
    ];

    public static string Label(string? role) => All.FirstOrDefault(r => r.Name == role).Label ?? role ?? "";

    public static bool IsKnown(string? role) => All.Any(r => r.Name == role);
}
