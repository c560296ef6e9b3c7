using System.ComponentModel.DataAnnotations;

namespace Cers.Idp.Mfa;

/// <summary>
/// The <c>Mfa</c> section: which roles must sign in with a second factor. An account holding one of
/// <see cref="RequiredRoles"/> (a <c>role</c> user claim) is sent to enrol an authenticator at its next
/// sign-in, and no authorization code is issued to it from a session without one. Business users may
/// enrol of their own accord.
/// </summary>
public sealed class MfaOptions : IValidatableObject
{
    public const string SectionName = "Mfa";

    public static readonly IReadOnlyList<string> DefaultRequiredRoles = [CersRoles.Regulator, CersRoles.CersAdmin];

    /// <summary>
    /// The roles configured (<c>Mfa:RequiredRoles:0</c>, ...). Left unset it means <see cref="DefaultRequiredRoles"/>:
    /// regulator staff and CERS admins, who approve access to businesses' hazardous-materials reporting and
    /// administer accounts. It has no default value of its own because the configuration binder appends to an
    /// array it finds filled, so a configured list could never replace the default.
    /// </summary>
    public string[]? RequiredRoles { get; set; }

    /// <summary>The roles in force.</summary>
    public IReadOnlyList<string> EffectiveRequiredRoles => RequiredRoles ?? DefaultRequiredRoles;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (RequiredRoles is { } roles && roles.Any(string.IsNullOrWhiteSpace))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(RequiredRoles)} names an empty role.", [nameof(RequiredRoles)]);
        }
    }
}
