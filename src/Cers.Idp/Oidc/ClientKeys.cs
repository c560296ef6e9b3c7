using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Cers.Idp.Oidc;

/// <summary>Checks a client's configured JSON Web Key Set for <c>private_key_jwt</c>.</summary>
public static class ClientKeys
{
    private static readonly string[] PrivateParameters = ["d", "p", "q", "dp", "dq", "qi", "k"];

    public static IEnumerable<string> Check(string json, ClientKind kind)
    {
        if (kind != ClientKind.Machine)
        {
            yield return "only machine clients authenticate with private_key_jwt here.";
            yield break;
        }

        JsonWebKeySet? set = null;
        string? parseError = null;
        try
        {
            set = JsonWebKeySet.Create(json);
        }
        catch (Exception exception) when (exception is ArgumentException or JsonException)
        {
            parseError = $"not a JSON Web Key Set ({exception.Message}).";
        }

        if (parseError is not null)
        {
            yield return parseError;
            yield break;
        }

        if (set!.Keys.Count == 0)
        {
            yield return "it holds no key.";
        }

        // The provider needs only the public half; a private key in configuration would be a leak.
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.TryGetProperty("keys", out var keys) && keys.ValueKind == JsonValueKind.Array
            && keys.EnumerateArray().Any(k => PrivateParameters.Any(name => k.TryGetProperty(name, out _))))
        {
            yield return "it contains private or symmetric key material; configure the public key only.";
        }
    }
}
