using Cers.Idp.Data;
using Cers.Idp.Tests.Infrastructure;
using Duende.IdentityModel.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using OpenIddict.Abstractions;

namespace Cers.Idp.Tests.Oidc;

[Collection(IdpCollection.Name)]
public sealed class ClientConfigurationTests(IdpFactory idp)
{
    [Fact]
    public async Task Client_credentials_token_carries_the_agency_code_regulator_role_and_API_audience()
    {
        using var http = idp.CreateBackChannel();
        var token = await RequestRegulatorTokenAsync(http, IdpFactory.RegulatorSecret, "facility.read facility.regulator");

        token.IsError.ShouldBeFalse(token.Error);
        var jwt = new JsonWebToken(token.AccessToken);
        jwt.Typ.ShouldBe("at+jwt");
        jwt.Issuer.ShouldBe(idp.BaseAddress.ToString());
        jwt.Audiences.ShouldBe(["cers-facility-api"]);
        jwt.Subject.ShouldBe(IdpFactory.RegulatorClientId);
        jwt.GetClaim("role").Value.ShouldBe("regulator");
        jwt.GetClaim("cupa").Value.ShouldBe(IdpFactory.RegulatorAgencyCode);
        jwt.GetClaim("scope").Value.ShouldBe("facility.read facility.regulator");
        (jwt.ValidTo - jwt.IssuedAt).ShouldBe(TimeSpan.FromMinutes(15), tolerance: TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_machine_client_can_introspect_its_own_client_credentials_token()
    {
        using var http = idp.CreateBackChannel();
        var token = await RequestRegulatorTokenAsync(http, IdpFactory.RegulatorSecret);
        // RFC 6749 section 5.1: a bearer token with its lifetime, never cached.
        token.TokenType.ShouldBe("Bearer");
        token.ExpiresIn.ShouldBe(900);
        token.HttpResponse!.Headers.CacheControl!.NoStore.ShouldBeTrue();

        var introspection = await http.IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = "connect/introspect",
            ClientId = IdpFactory.RegulatorClientId,
            ClientSecret = IdpFactory.RegulatorSecret,
            Token = token.AccessToken!,
        });

        introspection.IsError.ShouldBeFalse(introspection.Error);
        introspection.IsActive.ShouldBeTrue();
        introspection.Claims.Single(c => c.Type == "sub").Value.ShouldBe(IdpFactory.RegulatorClientId);
        introspection.Claims.Single(c => c.Type == "client_id").Value.ShouldBe(IdpFactory.RegulatorClientId);
        // OpenIddict tells a presenter that is not an audience only the token's basic facts (RFC 7662 section 2.2).
        long.Parse(introspection.Claims.Single(c => c.Type == "exp").Value, System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBe(new JsonWebToken(token.AccessToken).ValidTo.Subtract(DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerSecond);
    }

    [Fact]
    public async Task Client_credentials_tokens_leave_no_row_in_the_token_table()
    {
        await using var scope = idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<IdpDbContext>();
        using var http = idp.CreateBackChannel();

        var token = await RequestRegulatorTokenAsync(http, IdpFactory.RegulatorSecret);

        token.IsError.ShouldBeFalse(token.Error);
        var jwt = new JsonWebToken(token.AccessToken);
        jwt.TryGetClaim("oi_tkn_id", out _).ShouldBeFalse();
        var applicationId = await db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication>()
            .Where(a => a.ClientId == IdpFactory.RegulatorClientId).Select(a => a.Id).SingleAsync();
        (await db.Set<OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreToken>()
            .CountAsync(t => t.Application!.Id == applicationId)).ShouldBe(0);
    }

    [Fact]
    public void A_client_with_an_unknown_scope_stops_the_provider_with_the_key_named()
    {
        using var data = new TempDirectory();
        using var host = new IdpHost(data.Path, new Dictionary<string, string?>
        {
            ["Oidc:Clients:1:Scopes:0"] = "facility.everything",
        });

        var failure = Should.Throw<Exception>(() => host.Start());

        failure.ToString().ShouldContain("Oidc:Clients:1:Scopes: unknown scope 'facility.everything'");
    }

    [Fact]
    public void A_short_client_secret_stops_the_provider()
    {
        using var data = new TempDirectory();
        using var host = new IdpHost(data.Path, new Dictionary<string, string?>
        {
            ["Oidc:Clients:0:ClientSecret"] = "too-short",
        });

        var failure = Should.Throw<Exception>(() => host.Start());

        failure.ToString().ShouldContain("Oidc:Clients:0:ClientSecret");
    }

    [Fact]
    public void A_long_but_hand_made_client_secret_stops_the_provider()
    {
        using var data = new TempDirectory();
        using var host = new IdpHost(data.Path, new Dictionary<string, string?>
        {
            ["Oidc:Clients:1:ClientSecret"] = "passwordpasswordpasswordpassword",
        });

        var failure = Should.Throw<Exception>(() => host.Start());

        failure.ToString().ShouldContain("Oidc:Clients:1:ClientSecret looks hand-made");
    }

    [Theory]
    [InlineData("Oidc:Clients:0:BackChannelLogoutUri", "/signout-backchannel", "Oidc:Clients:0:BackChannelLogoutUri '/signout-backchannel' must be an absolute http(s) URI")]
    [InlineData("Oidc:Clients:0:BackChannelLogoutUri", "http://localhost:5003/signout-backchannel#here", "must be an absolute http(s) URI with no fragment")]
    [InlineData("Oidc:Clients:0:BackChannelLogoutUri", "ftp://localhost/logout", "must be an absolute http(s) URI")]
    [InlineData("Oidc:Clients:0:BackChannelLogoutUri", "http://portal.example.gov/signout-backchannel", "must use https (plain http only on loopback in Development)")]
    [InlineData("Oidc:Clients:1:BackChannelLogoutUri", "https://regulator.example.gov/logout", "Oidc:Clients:1:BackChannelLogoutUri: a machine client signs no user in")]
    [InlineData("LogoutDelivery:FirstRetryDelay", "02:00:00", "LogoutDelivery:FirstRetryDelay must not exceed LogoutDelivery:MaxRetryDelay")]
    [InlineData("LogoutDelivery:Timeout", "00:10:00", "The field Timeout must be between")]
    public void A_bad_back_channel_logout_setting_stops_the_provider_with_the_key_named(string key, string value, string expected)
    {
        using var data = new TempDirectory();
        using var host = new IdpHost(data.Path, new Dictionary<string, string?> { [key] = value });

        var failure = Should.Throw<Exception>(() => host.Start());

        failure.ToString().ShouldContain(expected);
    }

    [Fact]
    public async Task Clients_from_the_process_cache_are_detached_copies_that_reseeding_can_update()
    {
        await using (var first = idp.Services.CreateAsyncScope())
        {
            (await first.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>()
                .FindByClientIdAsync(IdpFactory.RegulatorClientId)).ShouldNotBeNull();
        }

        await using var second = idp.Services.CreateAsyncScope();
        var cached = (OpenIddict.EntityFrameworkCore.Models.OpenIddictEntityFrameworkCoreApplication?)await second.ServiceProvider
            .GetRequiredService<IOpenIddictApplicationManager>().FindByClientIdAsync(IdpFactory.RegulatorClientId);
        cached.ShouldNotBeNull();
        second.ServiceProvider.GetRequiredService<IdpDbContext>().Entry(cached).State.ShouldBe(EntityState.Detached);
        cached.Tokens.ShouldBeEmpty();

        // The seeder updates every client it finds, here through the cached copy; the client keeps working.
        await second.ServiceProvider.GetRequiredService<Cers.Idp.Oidc.ClientSeeder>().SeedAsync(CancellationToken.None);
        using var http = idp.CreateBackChannel();
        (await RequestRegulatorTokenAsync(http, IdpFactory.RegulatorSecret)).IsError.ShouldBeFalse();
    }

    [Fact]
    public async Task Restarting_with_changed_configuration_updates_clients_and_removes_unconfigured_ones()
    {
        using var data = new TempDirectory();
        using (new IdpHost(data.Path).Start())
        {
        }

        const string newSecret = "a-rotated-regulator-secret-0123456789abcdef";
        using var restarted = new IdpHost(data.Path, new Dictionary<string, string?>
        {
            ["Oidc:Clients:0:RedirectUris:0"] = "http://localhost:5999/signin-oidc",
            ["Oidc:Clients:1:ClientSecret"] = newSecret,
            ["Oidc:Clients:3:ClientId"] = "regulator-placer-ehs",
            ["Oidc:Clients:3:DisplayName"] = "Placer County EHS",
            ["Oidc:Clients:3:Kind"] = "Machine",
            ["Oidc:Clients:3:AgencyCode"] = "PLA-EHS",
            ["Oidc:Clients:3:ClientSecret"] = "placer-county-secret-0123456789abcdef",
            ["Oidc:Clients:3:Scopes:0"] = "facility.read",
        }, kestrel: true).Start();

        await using (var scope = restarted.Services.CreateAsyncScope())
        {
            var applications = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
            var portal = await applications.FindByClientIdAsync(IdpFactory.PortalClientId);
            (await applications.GetRedirectUrisAsync(portal!)).ShouldBe(["http://localhost:5999/signin-oidc"]);
            (await applications.FindByClientIdAsync("regulator-placer-ehs")).ShouldNotBeNull();
        }

        using var http = new HttpClient { BaseAddress = restarted.ClientOptions.BaseAddress };
        var oldSecret = await RequestRegulatorTokenAsync(http, IdpFactory.RegulatorSecret);
        // RFC 6749 section 5.2: a client that authenticated with the Authorization header gets 401 invalid_client.
        oldSecret.HttpStatusCode.ShouldBe(System.Net.HttpStatusCode.Unauthorized);
        oldSecret.Raw.ShouldNotBeNull().ShouldContain("\"invalid_client\"");
        var rotated = await RequestRegulatorTokenAsync(http, newSecret);
        rotated.IsError.ShouldBeFalse(rotated.Error);

        // A third start without the extra client removes it.
        restarted.Dispose();
        using var third = new IdpHost(data.Path).Start();
        await using var thirdScope = third.Services.CreateAsyncScope();
        var manager = thirdScope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        (await manager.FindByClientIdAsync("regulator-placer-ehs")).ShouldBeNull();
        (await manager.FindByClientIdAsync(IdpFactory.PortalClientId)).ShouldNotBeNull();
    }

    private static Task<TokenResponse> RequestRegulatorTokenAsync(HttpClient http, string secret, string scope = "facility.read") =>
        http.RequestClientCredentialsTokenAsync(new ClientCredentialsTokenRequest
        {
            Address = "connect/token",
            ClientId = IdpFactory.RegulatorClientId,
            ClientSecret = secret,
            Scope = scope,
        });
}
