using System.Text.Json;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.IdentityModel.JsonWebTokens;

namespace Cers.Idp.Tests.Oidc;

/// <summary>
/// Two code paths issue client_credentials tokens: the fast path in front of OpenIddict, and OpenIddict itself
/// for every request the fast path declines. A regulator's system must not be able to tell which answered.
/// </summary>
[Collection(IdpCollection.Name)]
public sealed class ClientCredentialsTokenTests(IdpFactory idp)
{
    [Fact]
    public async Task The_fast_path_and_OpenIddict_issue_the_same_token_for_the_same_client()
    {
        using var http = idp.CreateBackChannel();

        var (fastAnswer, fast) = await RequestAsync(http, []);
        // A parameter the fast path does not take sends the request on to OpenIddict, which ignores it.
        var (slowAnswer, slow) = await RequestAsync(http, [new("x-cers-probe", "1")]);

        // OpenIddict writes its answer indented, the fast path compact: the two really came from the two issuers.
        fastAnswer.ShouldNotContain("\n");
        slowAnswer.ShouldContain("\n");
        Fields(fastAnswer).ShouldBe(Fields(slowAnswer));

        fast.Alg.ShouldBe(slow.Alg);
        fast.Typ.ShouldBe(slow.Typ);
        fast.Kid.ShouldBe(slow.Kid);
        Claims(fast).ShouldBe(Claims(slow));
        (fast.ValidTo - fast.IssuedAt).ShouldBe(slow.ValidTo - slow.IssuedAt);
    }

    private static async Task<(string Answer, JsonWebToken Token)> RequestAsync(HttpClient http, KeyValuePair<string, string>[] extra)
    {
        using var response = await http.PostAsync("connect/token", new FormUrlEncodedContent(
        [
            new("grant_type", "client_credentials"),
            new("client_id", IdpFactory.RegulatorClientId),
            new("client_secret", IdpFactory.RegulatorSecret),
            new("scope", "facility.read facility.regulator"),
            .. extra,
        ]));
        var answer = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(System.Net.HttpStatusCode.OK, answer);
        using var json = JsonDocument.Parse(answer);
        return (answer, new JsonWebToken(json.RootElement.GetProperty("access_token").GetString()!));
    }

    /// <summary>
    /// The answer's members, with the token type's value (the token itself differs, and OpenIddict counts
    /// expires_in from the moment it writes the answer, a second less at times).
    /// </summary>
    private static List<string> Fields(string answer)
    {
        using var json = JsonDocument.Parse(answer);
        return json.RootElement.EnumerateObject().Select(p => p.Name == "token_type" ? $"{p.Name}={p.Value}" : p.Name)
            .Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Every claim but those unique to one token (its id and times), as sorted name=value lines.</summary>
    private static List<string> Claims(JsonWebToken token) =>
        token.Claims.Where(c => c.Type is not ("jti" or "iat" or "exp" or "nbf"))
            .Select(c => $"{c.Type}={c.Value}").Order(StringComparer.Ordinal).ToList();
}
