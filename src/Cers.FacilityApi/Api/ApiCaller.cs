using System.Security.Claims;

namespace Cers.FacilityApi.Api;

/// <summary>
/// Who calls, as the provider's access token says, bound once for every handler that takes it (minimal APIs
/// call <see cref="BindAsync"/>); the API's policies require the <c>sub</c> it is built from, so a handler never
/// sees a request without one: its <c>sub</c> (a user's id, or a regulator API
/// client's id for client_credentials tokens), display name and email (empty when the token has no
/// <c>email</c> claim, as a client's has not: never a username in its place), and, for regulator staff and
/// regulator API clients alike, the agency code of the <c>cupa</c> claim beside <c>role=regulator</c>.
/// </summary>
public sealed record ApiCaller(string Subject, string Name, string Email, string? AgencyCode)
{
    /// <summary>RFC 5321's limit on a path, and the width of the columns that keep addresses.</summary>
    public const int MaxEmailLength = 254;

    public static ValueTask<ApiCaller?> BindAsync(HttpContext context) =>
        ValueTask.FromResult<ApiCaller?>(From(context.User) ?? throw new InvalidOperationException(
            "The endpoint's policy lets a token without sub through; every API policy must require it."));

    public static ApiCaller? From(ClaimsPrincipal user)
    {
        if (user.FindFirstValue("sub") is not { Length: > 0 } subject)
        {
            return null;
        }

        var email = user.FindFirstValue("email") ?? "";
        var name = user.FindFirstValue("name") ?? user.FindFirstValue("preferred_username") ?? subject;

        // Display copies, cut to the columns that keep them (the provider allows a 201-character full name);
        // an address too long to store is no address to write to.
        name = name.Length > Data.FacilityDbContext.NameMaxLength ? name[..Data.FacilityDbContext.NameMaxLength] : name;
        email = email.Length > MaxEmailLength ? "" : email;
        var isRegulator = user.FindAll(CersClaims.Role).Any(c => c.Value == CersRoles.Regulator);
        var agency = isRegulator && user.FindFirstValue(CersClaims.AgencyCode) is { Length: > 0 } code ? code : null;
        return new ApiCaller(subject, name, email, agency);
    }
}
