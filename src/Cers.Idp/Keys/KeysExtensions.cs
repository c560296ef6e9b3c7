using Cers.Idp.Data;
using Microsoft.AspNetCore.DataProtection;

namespace Cers.Idp.Keys;

public static class KeysExtensions
{
    /// <summary>
    /// Loads the certificates while the host is being built, so a provider without them never starts
    /// (the error names the missing setting), and puts the Data Protection key ring in the database,
    /// encrypted with the encryption certificate: every instance behind the load balancer reads the
    /// same keys, and a copy of the database alone does not reveal them.
    /// </summary>
    public static IHostApplicationBuilder AddKeys(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(KeyOptions.SectionName).Get<KeyOptions>() ?? new KeyOptions();
        var certificates = new CertificateSet(options, builder.Environment, TimeProvider.System);
        builder.Services.AddSingleton(certificates);

        builder.Services.AddDataProtection()
            .SetApplicationName("cers-idp")
            .PersistKeysToDbContext<IdpDbContext>()
            .ProtectKeysWithCertificate(certificates.ActiveEncryption)
            .UnprotectKeysWithAnyCertificate([.. certificates.Encryption]);
        return builder;
    }
}
