using Cers.BusinessPortal.FacilityApi;
using Cers.BusinessPortal.Invitations;
using Cers.BusinessPortal.Security;
using Cers.BusinessPortal.SignIn;
using Cers.ServiceDefaults.SharedState;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using StackExchange.Redis;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cers.BusinessPortal;

/// <summary>Registers and wires every feature of the Business Portal; Program.cs stays a few lines.</summary>
public static class PortalHostingExtensions
{
    /// <summary>
    /// The session cookie (tokens included) is encrypted with Data Protection, so every instance behind a load balancer
    /// needs the same keys: in Redis when <c>Redis:Configuration</c> is set, else in the folder
    /// <c>DataProtection:KeysDirectory</c> names; outside Development one of them is required, and the keys are encrypted
    /// with the certificate <c>DataProtection:Certificate:Path</c>.
    /// </summary>
    private static void AddPortalDataProtection(this IHostApplicationBuilder builder)
    {
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("Cers.BusinessPortal");
        var keysDirectory = builder.Configuration["DataProtection:KeysDirectory"];
        var redis = !string.IsNullOrWhiteSpace(builder.Configuration[SharedStateExtensions.RedisConfigurationKey]);
        if (redis)
        {
            builder.PersistKeysToRedis();
        }
        else if (!string.IsNullOrWhiteSpace(keysDirectory))
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keysDirectory));
        }

        var development = builder.Environment.IsDevelopment();
        // Its own options type: KeyManagementOptions is read early by Data Protection, and a failure there would hide the other settings' messages.
        builder.Services.AddOptions<SharedKeyStoreCheck>()
            .Validate(_ => redis || !string.IsNullOrWhiteSpace(keysDirectory) || development,
                "Outside Development the portal's Data Protection keys must be shared by its instances: set Redis:Configuration " +
                "(or DataProtection:KeysDirectory, a folder every instance reads).")
            .ValidateOnStart();
        dataProtection.ProtectKeysWithConfiguredCertificate(builder);
    }

    /// <summary>In a method of its own, so the JIT loads StackExchange.Redis only where Redis is configured.</summary>
    private static void PersistKeysToRedis(this IHostApplicationBuilder builder)
    {
        var key = builder.RedisKeyPrefix("portal") + "data-protection-keys";
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((keys, connection) =>
            keys.XmlRepository = new RedisXmlRepository(() => connection.GetDatabase(), key));
    }

    public static IHostApplicationBuilder AddBusinessPortal(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddIdleMemoryTrim();

        builder.AddSharedState("portal");
        builder.AddPortalDataProtection();

        builder.AddPortalSignIn();
        builder.AddFacilityApiClient();
        builder.Services.AddOpenedInvitations();

        builder.Services.AddRazorPages(pages =>
        {
            // Every page is for signed-in users, except the error page a failed sign-in lands on.
            pages.Conventions.AuthorizeFolder("/");
            pages.Conventions.AllowAnonymousToPage("/Error");
        });
        // Cookie names of the portal's own: in Development the provider is on the same host, and cookies ignore ports.
        builder.Services.Configure<Microsoft.AspNetCore.Mvc.CookieTempDataProviderOptions>(tempData =>
        {
            tempData.Cookie.Name = "cers.portal.tempdata";
            tempData.Cookie.SecurePolicy = builder.Environment.IsDevelopment()
                ? CookieSecurePolicy.SameAsRequest
                : CookieSecurePolicy.Always;
        });
        builder.Services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "cers.portal.antiforgery";
            antiforgery.Cookie.SecurePolicy = builder.Environment.IsDevelopment()
                ? CookieSecurePolicy.SameAsRequest
                : CookieSecurePolicy.Always;
        });

        if (!builder.Environment.IsDevelopment())
        {
            builder.Services.AddHsts(hsts =>
            {
                hsts.MaxAge = TimeSpan.FromDays(365);
                hsts.IncludeSubDomains = true;
            });
        }

        return builder;
    }

    public static WebApplication UseBusinessPortal(this WebApplication app)
    {
        app.UseKnownForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error");
            app.UseHsts();
            app.UseHttpsRedirection();
        }

        // Read without validating: a missing or wrong Oidc:Authority is reported, with every other missing
        // setting, by the options validation at start.
        app.UseSecurityHeaders(Uri.TryCreate(app.Configuration["Oidc:Authority"], UriKind.Absolute, out var provider) ? provider : null);
        app.UseStatusCodePagesWithReExecute("/Error", "?status={0}");
        app.UseSupportedRequestBodies();
        // Before authentication: a stylesheet needs no session and must not trigger a token refresh.
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapRazorPages();
        app.MapPortalBackChannelLogout();
        app.MapDefaultEndpoints();
        return app;
    }
}

/// <summary>Carries the start-time check that the portal's Data Protection keys are in a store every instance shares.</summary>
internal sealed class SharedKeyStoreCheck;
