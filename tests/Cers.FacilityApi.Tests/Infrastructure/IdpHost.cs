extern alias idp;

using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Cers.FacilityApi.Tests.Infrastructure;

/// <summary>
/// The real provider on real loopback HTTP (Kestrel), in Development, with its own SQLite file and its
/// own generated certificates in a fresh folder, started the same way as the provider's own tests.
/// </summary>
public sealed class IdpHost : WebApplicationFactory<idp::Program>
{
    public const string RegulatorClientId = "regulator-sacramento-emd";
    public const string RegulatorSecret = "development-only-regulator-secret-3d9b6c0a1e4f";
    public const string RegulatorAgencyCode = "SAC-EMD";

    /// <summary>The file the provider generates its Development signing certificate into (see Cers.Idp.Keys.CertificateSet).</summary>
    public const string DevelopmentSigningFile = "idp-signing.development.pfx";

    public IdpHost()
    {
        DataDirectory = Directory.CreateTempSubdirectory("cers-facility-api-tests-").FullName;
        UseKestrel(0);
        StartServer();
        BaseAddress = ClientOptions.BaseAddress;
    }

    public string DataDirectory { get; }

    /// <summary>The provider's address, e.g. http://127.0.0.1:41234/, which is also the token issuer.</summary>
    public Uri BaseAddress { get; }

    public string SigningCertificatePath => Path.Combine(DataDirectory, DevelopmentSigningFile);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("Database:DataDirectory", DataDirectory);
        builder.UseSetting("Keys:Directory", DataDirectory);
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }

    /// <summary>A plain back-channel client, as a regulator's system uses.</summary>
    public HttpClient CreateBackChannel() => new() { BaseAddress = BaseAddress };

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // SQLite may still hold the file for a moment; the folder is under the temp directory.
            }
        }
    }
}
