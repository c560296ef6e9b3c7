using Cers.Idp.Data;
using Cers.Idp.Oidc;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenIddict.Server;

namespace Cers.Idp.Keys;

public static class KeysExtensions
{
    /// <summary>
    /// Checks the key settings and loads the certificates while the host is being built, so a provider without them
    /// never starts (the error names the setting), and puts the Data Protection key ring in the database, encrypted with
    /// the encryption certificate: every instance behind the load balancer reads the same keys, and a copy of the
    /// database alone does not reveal them. The signing keys are the certificates' (<c>Keys:Mode=Certificates</c>) or
    /// the database's own rotating keys (<c>Keys:Mode=Automatic</c>, see <see cref="AutomaticSigningKeys"/>).
    /// </summary>
    public static IHostApplicationBuilder AddKeys(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(KeyOptions.SectionName).Get<KeyOptions>() ?? new KeyOptions();
        var oidc = builder.Configuration.GetSection(OidcOptions.SectionName).Get<OidcOptions>() ?? new OidcOptions();
        if (KeyOptionsValidator.Check(options, oidc) is { Count: > 0 } failures)
        {
            throw new OptionsValidationException(KeyOptions.SectionName, typeof(KeyOptions), failures);
        }

        builder.Services.AddOptions<KeyOptions>()
            .BindConfiguration(KeyOptions.SectionName)
            .ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<KeyOptions>, KeyOptionsValidator>());

        var certificates = new CertificateSet(options, builder.Environment, TimeProvider.System);
        builder.Services.AddSingleton(certificates);

        // The key table is readable in both modes (the admin page and the command list it); only Automatic mode uses it.
        builder.Services.AddSingleton<SigningKeyProtection>();
        builder.Services.AddScoped<SigningKeyStore>();
        if (options.Mode == KeyMode.Automatic)
        {
            builder.Services.AddSingleton<AutomaticSigningKeys>();
            builder.Services.AddSingleton<ISigningKeys>(services => services.GetRequiredService<AutomaticSigningKeys>());
            builder.Services.AddSingleton<IOptionsChangeTokenSource<OpenIddictServerOptions>>(services => services.GetRequiredService<AutomaticSigningKeys>());
            builder.Services.AddHostedService<SigningKeyRotation>();
        }
        else
        {
            builder.Services.AddSingleton<ISigningKeys>(certificates);
        }

        builder.Services.AddDataProtection()
            .SetApplicationName("cers-idp")
            .PersistKeysToDbContext<IdpDbContext>()
            .ProtectKeysWithCertificate(certificates.ActiveEncryption)
            .UnprotectKeysWithAnyCertificate([.. certificates.Encryption]);
        return builder;
    }

    /// <summary>
    /// In <see cref="KeyMode.Automatic"/> mode, makes the first keys (on a new database) and reads them, once the schema
    /// is known to be current and before the first request.
    /// </summary>
    public static async Task LoadSigningKeysAsync(this IServiceProvider services, CancellationToken cancellationToken)
    {
        if (services.GetService<AutomaticSigningKeys>() is { } keys)
        {
            await keys.RefreshAsync(cancellationToken);
        }
    }
}
