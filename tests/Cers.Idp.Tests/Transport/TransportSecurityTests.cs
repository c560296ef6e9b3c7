using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Cers.Idp.Accounts;
using Cers.Idp.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Idp.Tests.Transport;

/// <summary>Outside Development the provider takes protocol requests only over HTTPS (RFC 6749 section 1.6).</summary>
public sealed class TransportSecurityTests
{
    [ServerFact]
    public async Task Outside_development_a_token_request_over_plain_http_is_refused()
    {
        using var data = new TempDirectory();
        using var host = ProductionHost(data.Path).Start();
        using var http = new HttpClient { BaseAddress = host.ClientOptions.BaseAddress };

        var response = await http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = IdpFactory.RegulatorClientId,
            ["client_secret"] = "production-regulator-secret-0123456789abcdef",
        }));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var body = await response.Content.ReadAsStringAsync();
        body.ShouldContain("\"invalid_request\"");
        body.ShouldNotContain("access_token");
    }

    [ServerFact]
    public async Task Outside_development_a_token_request_over_plain_http_is_not_redirected_to_succeed_on_retry()
    {
        using var data = new TempDirectory();
        using var host = ProductionHost(data.Path, ("https_port", "8443")).Start();
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = host.ClientOptions.BaseAddress };

        var response = await http.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["client_id"] = IdpFactory.RegulatorClientId,
            ["client_secret"] = "production-regulator-secret-0123456789abcdef",
        }));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).ShouldContain("\"invalid_request\"");
    }

    [ServerFact]
    public async Task Outside_development_no_sample_accounts_are_seeded()
    {
        using var data = new TempDirectory();
        using var host = ProductionHost(data.Path).Start();

        await using var scope = host.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<CersUser>>();
        users.Users.Count().ShouldBe(0);
        (await users.FindByNameAsync("bizuser1")).ShouldBeNull();
    }

    [ServerFact]
    public void Outside_development_the_issuer_must_be_configured()
    {
        using var data = new TempDirectory();
        using var host = ProductionHost(data.Path, ("Oidc:Issuer", ""));

        var failure = Should.Throw<Exception>(() => host.Start());

        failure.ToString().ShouldContain("Oidc:Issuer must be set");
    }

    [ServerFact]
    public async Task Outside_development_a_page_requested_over_plain_http_is_redirected_to_https()
    {
        using var data = new TempDirectory();
        using var host = ProductionHost(data.Path, ("https_port", "8443")).Start();
        using var http = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = host.ClientOptions.BaseAddress };

        var response = await http.GetAsync("/Account/Login");

        response.StatusCode.ShouldBe(HttpStatusCode.TemporaryRedirect);
        response.Headers.Location!.Scheme.ShouldBe("https");
        response.Headers.Location.Port.ShouldBe(8443);
        response.Headers.Contains("Set-Cookie").ShouldBeFalse();
    }

    [ServerFact]
    public void Outside_development_the_provider_refuses_to_start_without_the_decoy_phrase_key_and_names_it()
    {
        using var data = new TempDirectory();
        using var host = ProductionHost(data.Path, ("SignIn:DecoyPhraseKey", ""));

        var failure = Should.Throw<Exception>(() => host.Start());

        failure.ToString().ShouldContain("SignIn:DecoyPhraseKey is required");
    }

    [Fact]
    public void Outside_development_the_provider_refuses_SQLite_and_state_kept_in_one_process_naming_both_settings()
    {
        using var data = new TempDirectory();
        using var host = ProductionHost(data.Path, servers: false);

        var failure = Should.Throw<Exception>(() => host.Start()).ToString();

        failure.ShouldContain("Database:Provider is Sqlite, which only Development uses");
        failure.ShouldContain("Redis:Configuration is required outside Development");
    }

    private static IdpHost ProductionHost(string directory, params (string Key, string Value)[] extra) => ProductionHost(directory, servers: true, extra);

    /// <summary>A provider configured as in production; on PostgreSQL and Redis unless <paramref name="servers"/> is false (SQLite, no Redis).</summary>
    private static IdpHost ProductionHost(string directory, bool servers, params (string Key, string Value)[] extra)
    {
        var settings = WithOverrides(extra, new Dictionary<string, string?>
        {
            ["Keys:SigningCertificates:0:Path"] = WritePfx(directory, "signing.pfx", X509KeyUsageFlags.DigitalSignature),
            ["Keys:EncryptionCertificates:0:Path"] = WritePfx(directory, "encryption.pfx", X509KeyUsageFlags.KeyEncipherment),
            ["Oidc:Issuer"] = "https://idp.example.gov/",
            ["Oidc:Clients:0:ClientSecret"] = "production-portal-secret-0123456789abcdef",
            ["Oidc:Clients:0:RedirectUris:0"] = "https://portal.example.gov/signin-oidc",
            ["Oidc:Clients:1:ClientSecret"] = "production-regulator-secret-0123456789abcdef",
            ["SignIn:DecoyPhraseKey"] = "production-decoy-phrase-key-0123456789abcdef",
            ["Database:Provider"] = "Sqlite",
        });
        if (servers)
        {
            foreach (var (key, value) in TestDatabase.ServerSettingsFor(directory, Cers.Idp.Data.DatabaseExtensions.Names.ConnectionStringName))
            {
                settings[key] = value;
            }

            // In place of the deploy's `migrate` step (see MigrateCommandTests).
            settings.TryAdd("Database:MigrateAtStart", "true");
        }

        return new IdpHost(directory, settings, environment: "Production", kestrel: true);
    }

    private static Dictionary<string, string?> WithOverrides((string Key, string Value)[] extra, Dictionary<string, string?> settings)
    {
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static string WritePfx(string directory, string name, X509KeyUsageFlags usage)
    {
        using var rsa = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddYears(1));
        var path = Path.Combine(directory, name);
        File.WriteAllBytes(path, certificate.Export(X509ContentType.Pfx));
        return path;
    }
}
