using Cers.BusinessPortal.FacilityApi;
using Cers.BusinessPortal.Security;
using Cers.BusinessPortal.SignIn;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cers.BusinessPortal;

/// <summary>Registers and wires every feature of the Business Portal; Program.cs stays a few lines.</summary>
public static class PortalHostingExtensions
{
    public static IHostApplicationBuilder AddBusinessPortal(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);

        // The session cookie (tokens included) is encrypted with Data Protection; instances behind a load
        // balancer must share the keys, so a deployment names a shared folder for them.
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("Cers.BusinessPortal");
        if (builder.Configuration["DataProtection:KeysDirectory"] is { Length: > 0 } keys)
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(keys));
        }

        builder.AddPortalSignIn();
        builder.AddFacilityApiClient();

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
        app.MapDefaultEndpoints();
        return app;
    }
}
