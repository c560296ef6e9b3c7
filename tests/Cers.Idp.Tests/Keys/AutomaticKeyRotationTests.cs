using System.Text.Json;
using Cers.Idp.Keys;
using Cers.Idp.Tests.Infrastructure;
using Duende.IdentityModel.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Cers.Idp.Tests.Keys;

/// <summary>
/// <c>Keys:Mode=Automatic</c> over the provider's real HTTP pipeline on a clock the test moves: its tokens checked the way
/// a relying party checks them (IdentityModel's JWT handler, which OpenIddict's validation and JwtBearer both use, against
/// the JWKS the provider served), and its own tokens (refresh tokens, access tokens at userinfo) checked by itself.
/// </summary>
public sealed class AutomaticKeyRotationTests
{
    private const string Password = "a long enough test password";

    public static readonly (string Key, string? Value)[] AutomaticSettings =
    [
        ("Keys:Mode", "Automatic"),

        // The longest a sign-in may be refreshed: the year's test signs in again every four weeks. Its clock moves twelve
        // hours a step, each step refreshing (activity in the provider's session), so the session's idle timeout is a day.
        ("Sessions:AbsoluteLifetime", "30.00:00:00"),
        ("Sessions:IdleTimeout", "1.00:00:00"),
    ];

    [Fact]
    public async Task A_year_of_rotations_never_leaves_a_token_that_a_relying_party_with_a_day_old_JWKS_or_the_provider_itself_cannot_validate()
    {
        await using var idp = IsolatedIdp.Start(fakeClock: true, AutomaticSettings);
        var keys = idp.Services.GetRequiredService<AutomaticSigningKeys>();
        using var http = idp.Host.CreateBackChannel();
        await idp.Host.CreateActiveAccountAsync("rotating1", "Rota", "Tion", Password);
        var refreshToken = await SignInAsync(idp, http);

        // A relying party that keeps the JWKS for its max-age (one day) and fetches it again after.
        var served = new List<(DateTimeOffset At, JsonWebKeySet Keys)>();
        var earlier = new List<string>();
        var accessKeys = new HashSet<string>();
        var identityKeys = new HashSet<string>();
        var step = TimeSpan.FromHours(12);
        for (var day = 0.0; day <= 365; day += step.TotalDays)
        {
            if (day > 0)
            {
                idp.Clock.Advance(step);
                await keys.RefreshAsync(CancellationToken.None);
                if (day % 28 == 0)
                {
                    // The refresh token was itself signed (and encrypted) up to four weeks and a rotation ago.
                    refreshToken = await SignInAsync(idp, http);
                }
            }

            var now = idp.Clock.GetUtcNow();
            served.Add((now, await JwksAsync(http)));
            var current = served[^1].Keys;
            var cached = served.Last(s => s.At <= now - TimeSpan.FromDays(1) || s == served[0]).Keys;

            var machine = await DevelopmentClients.RegulatorAccessTokenAsync(http);
            var refreshed = await BrowserSignIn.RefreshAsync(http, refreshToken);
            refreshed.IsError.ShouldBeFalse($"day {day}: the provider refused its own refresh token: {refreshed.Error} {refreshed.ErrorDescription}");
            refreshToken = refreshed.RefreshToken!;
            var userInfo = await http.GetUserInfoAsync(new UserInfoRequest { Address = "connect/userinfo", Token = refreshed.AccessToken });
            userInfo.IsError.ShouldBeFalse($"day {day}: userinfo refused the provider's own access token: {userInfo.Error}");

            string[] issued = [machine, refreshed.AccessToken!, refreshed.IdentityToken!];
            foreach (var token in issued)
            {
                (await IsValidAsync(token, cached, idp.Host)).ShouldBeTrue($"day {day}: a relying party with the JWKS of a day ago refuses a new token (kid {new JsonWebToken(token).Kid})");
                (await IsValidAsync(token, current, idp.Host)).ShouldBeTrue($"day {day}: the current JWKS does not validate a new token");
            }

            foreach (var token in earlier)
            {
                (await IsValidAsync(token, current, idp.Host)).ShouldBeTrue($"day {day}: a token issued half a day ago no longer validates (kid {new JsonWebToken(token).Kid})");
            }

            earlier = [.. issued];
            accessKeys.Add(new JsonWebToken(machine).Kid);
            accessKeys.Add(new JsonWebToken(refreshed.AccessToken).Kid);
            identityKeys.Add(new JsonWebToken(refreshed.IdentityToken).Kid);
            new JsonWebToken(machine).Alg.ShouldBe("ES256");
            new JsonWebToken(refreshed.IdentityToken).Alg.ShouldBe("RS256");
        }

        // 365 days of 90-day keys: the first key and four successors of each kind, each having signed.
        accessKeys.Count.ShouldBe(5);
        identityKeys.Count.ShouldBe(5);

        // Keys long stopped are no longer published: the JWKS holds the signing keys, the next ones and the recently retired.
        served[^1].Keys.Keys.Count.ShouldBeLessThanOrEqualTo(6);
    }

    [Fact]
    public async Task The_JWKS_carries_a_max_age_shorter_than_the_propagation_time_and_no_private_key_parameters()
    {
        await using var idp = IsolatedIdp.Start(fakeClock: true, AutomaticSettings);
        using var http = idp.Host.CreateBackChannel();

        // A rotation under way: the signing keys and the next ones, published together.
        idp.Clock.Advance(TimeSpan.FromDays(89));
        await idp.Services.GetRequiredService<AutomaticSigningKeys>().RefreshAsync(CancellationToken.None);

        var response = await http.GetAsync(".well-known/jwks");
        response.EnsureSuccessStatusCode();
        var maxAge = response.Headers.CacheControl.ShouldNotBeNull().MaxAge.ShouldNotBeNull();
        maxAge.ShouldBeGreaterThan(TimeSpan.Zero);
        maxAge.ShouldBeLessThan(TimeSpan.FromDays(2));

        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var published = document.RootElement.GetProperty("keys").EnumerateArray().ToList();
        published.Count.ShouldBe(4);
        PrivateParameters(published).ShouldBeEmpty();
    }

    [Fact]
    public async Task In_certificate_mode_the_JWKS_has_no_private_key_parameters_either()
    {
        await using var idp = IsolatedIdp.Start();
        using var http = idp.Host.CreateBackChannel();
        using var document = JsonDocument.Parse(await http.GetStringAsync(".well-known/jwks"));
        var published = document.RootElement.GetProperty("keys").EnumerateArray().ToList();
        published.ShouldNotBeEmpty();
        PrivateParameters(published).ShouldBeEmpty();
    }

    private static async Task<string> SignInAsync(IsolatedIdp idp, HttpClient http)
    {
        using var browser = idp.CreateBrowser();
        var code = await BrowserSignIn.SignInAsync(idp.Host, browser, "rotating1", Password);
        return (await BrowserSignIn.RedeemAsync(http, code)).RefreshToken!;
    }

    /// <summary>Every member of each key that would reveal its private part (RFC 7518 sections 6.2.2 and 6.3.2).</summary>
    public static List<string> PrivateParameters(IEnumerable<JsonElement> keys) =>
        keys.SelectMany(key => new[] { "d", "p", "q", "dp", "dq", "qi", "oth", "k" }
                .Where(name => key.TryGetProperty(name, out _))
                .Select(name => $"{key.GetProperty("kid").GetString()}: {name}"))
            .ToList();

    public static async Task<JsonWebKeySet> JwksAsync(HttpClient http)
    {
        var json = await http.GetStringAsync(".well-known/jwks");
        using var document = JsonDocument.Parse(json);
        PrivateParameters(document.RootElement.GetProperty("keys").EnumerateArray()).ShouldBeEmpty();
        return new JsonWebKeySet(json);
    }

    /// <summary>
    /// The signature and issuer as a relying party checks them with <paramref name="jwks"/>. Lifetimes are left out:
    /// the tokens carry the test's clock, IdentityModel reads the machine's.
    /// </summary>
    public static async Task<bool> IsValidAsync(string token, JsonWebKeySet jwks, IdpHost idp)
    {
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidIssuer = idp.BaseAddress.AbsoluteUri,
            ValidateAudience = false,
            ValidateLifetime = false,
        });
        return result.IsValid;
    }
}
