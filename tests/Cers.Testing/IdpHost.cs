using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Cers.Testing;

/// <summary>
/// The real provider (its own Program, configuration and pipeline) with settings of the caller's
/// choosing, its SQLite file (or the folder's PostgreSQL database, see <see cref="TestDatabase"/>) and
/// generated certificates in <see cref="DataDirectory"/>. In memory, or on real loopback HTTP (Kestrel)
/// when <c>kestrel</c> is set.
/// </summary>
public class IdpHost : WebApplicationFactory<Program>
{
    private readonly string _environment;
    private readonly IReadOnlyDictionary<string, string?> _settings;

    private readonly Action<IServiceCollection>? _services;

    public IdpHost(string dataDirectory, IReadOnlyDictionary<string, string?>? settings = null, string environment = "Development",
        bool kestrel = false, Action<IServiceCollection>? services = null)
    {
        _services = services;
        DataDirectory = dataDirectory;
        _environment = environment;
        _settings = settings ?? new Dictionary<string, string?>();
        if (kestrel)
        {
            UseKestrel(0);
        }
    }

    public string DataDirectory { get; }

    /// <summary>
    /// Every test posts from 127.0.0.1, and a benchmark signs in thousands of times a second: the per-IP and per-account
    /// limits are lifted (they are tested on hosts of their own).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> RateLimitsLifted { get; } = new[]
    {
        "SignIn", "Registration", "Recovery", "SignInPerUserName", "RecoveryPerAccount", "MyAccount", "SecondFactorPerAccount", "AccountSecurity",
    }.ToDictionary(limit => $"RateLimits:{limit}:PermitLimit", _ => (string?)"1000000");

    /// <summary>The provider's address once started, e.g. http://127.0.0.1:41234/, which is also the token issuer.</summary>
    public Uri BaseAddress => ClientOptions.BaseAddress;

    /// <summary>The file the provider generates its Development RSA signing certificate into (see Cers.Idp.Keys.CertificateSet).</summary>
    public string DevelopmentSigningCertificatePath => Path.Combine(DataDirectory, "idp-signing.development.pfx");

    /// <summary>The provider's Development signing certificate with its private key: what a test signs "provider" tokens with.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2 LoadSigningCertificate()
    {
        // The provider generates the file when it first loads its keys.
        Services.GetRequiredService<Cers.Idp.Keys.CertificateSet>();
        return System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadPkcs12FromFile(DevelopmentSigningCertificatePath, password: null,
            System.Security.Cryptography.X509Certificates.X509KeyStorageFlags.EphemeralKeySet);
    }

    /// <summary>Builds and starts the host; throws what the provider throws at start.</summary>
    public IdpHost Start()
    {
        StartServer();
        return this;
    }

    /// <summary>A plain back-channel client, as a relying party's server or a regulator's system uses.</summary>
    public HttpClient CreateBackChannel() => new() { BaseAddress = BaseAddress };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(_environment);
        builder.UseSetting("Database:DataDirectory", DataDirectory);
        builder.UseSetting("Keys:Directory", DataDirectory);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");

        foreach (var (key, value) in RateLimitsLifted)
        {
            builder.UseSetting(key, value);
        }

        builder.UseSetting("Jobs:ShutdownTimeout", "00:00:02");
        builder.UseSetting("Jobs:WorkerCount", "2");
        if (!_settings.ContainsKey("Database:Provider"))
        {
            foreach (var (key, value) in TestDatabase.SettingsFor(DataDirectory, Cers.Idp.Data.DatabaseExtensions.Names.ConnectionStringName))
            {
                builder.UseSetting(key, value);
            }
        }

        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        if (_services is not null)
        {
            builder.ConfigureTestServices(_services);
        }
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    }
}
