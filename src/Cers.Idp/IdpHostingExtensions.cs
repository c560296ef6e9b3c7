using Cers.Idp.Accounts;
using Cers.Idp.Activation;
using Cers.Idp.Admin;
using Cers.Idp.Announcements;
using Cers.Idp.Data;
using Cers.Idp.Jobs;
using Cers.Idp.Keys;
using Cers.Idp.MyAccount;
using Cers.Idp.Mfa;
using Cers.Idp.Oidc;
using Cers.Idp.Passkeys;
using Cers.Idp.Registration;
using Cers.Idp.Sessions;
using Cers.Idp.SignIn;
using Cers.Jobs;
using Cers.ServiceDefaults.SharedState;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Cers.Idp;

/// <summary>Registers and wires every feature of the provider; Program.cs stays two lines.</summary>
public static class IdpHostingExtensions
{
    public static IHostApplicationBuilder AddIdp(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.AddIdleMemoryTrim();

        builder.AddSharedState("idp");
        builder.AddIdpDatabase(out var jobStore);
        builder.AddIdpJobs(jobStore);
        builder.AddKeys();
        builder.AddAccounts();
        builder.AddSessions();
        builder.AddActivation();
        builder.AddRegistration();
        builder.AddOidc();
        builder.AddSignIn();
        builder.AddMyAccount();
        builder.AddMfa();
        builder.AddPasskeys();
        builder.AddAnnouncements();
        builder.AddAdmin();

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

    /// <summary>Prepares the database and the seeded data (awaited, before the first request), then builds the pipeline.</summary>
    public static async Task<WebApplication> UseIdpAsync(this WebApplication app)
    {
        await InitializeAsync(app);

        app.UseKnownForwardedHeaders();
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/Error");
            app.UseHsts();

            // Pages are redirected to HTTPS; protocol requests are not: a client that sent its secret or
            // code over plain HTTP must fail (OpenIddict refuses it), not succeed quietly on a retry.
            app.UseWhen(context => !context.Request.Path.StartsWithSegments("/connect", StringComparison.OrdinalIgnoreCase)
                    && !context.Request.Path.StartsWithSegments("/.well-known", StringComparison.OrdinalIgnoreCase),
                https => https.UseHttpsRedirection());
        }

        app.UseSecurityHeaders();
        app.UseStatusCodePagesWithReExecute("/Error");
        app.UseSharedStateOutageAnswer(static context => context.Request.Path.StartsWithSegments("/connect", StringComparison.OrdinalIgnoreCase)
            ? context.Response.WriteAsJsonAsync(new Dictionary<string, string>
            {
                ["error"] = OpenIddict.Abstractions.OpenIddictConstants.Errors.TemporarilyUnavailable,
                ["error_description"] = "The service cannot check this request right now; try again shortly.",
            })
            : Task.CompletedTask);

        // A body in a charset the provider cannot read: an OAuth error for the protocol endpoints, the error page for forms.
        app.UseSupportedRequestBodies(static (context, reason) =>
            context.Request.Path.StartsWithSegments("/connect", StringComparison.OrdinalIgnoreCase)
                ? context.Response.WriteAsJsonAsync(new Dictionary<string, string>
                {
                    ["error"] = OpenIddict.Abstractions.OpenIddictConstants.Errors.InvalidRequest,
                    ["error_description"] = reason,
                })
                : Task.CompletedTask);
        app.UseClientCredentialsFastPath();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRequestRateLimits();
        app.UseSecondFactorBeforeDashboard(JobsExtensions.DashboardPath);
        app.MapJobsDashboard(JobsExtensions.DashboardPath, CersAdminRequirement.PolicyName);

        app.MapRazorPages();
        app.MapConnectEndpoints();
        app.MapDefaultEndpoints();
        return app;
    }

    /// <summary>
    /// What the provider seeds under the database lock with its migrations: clients and scopes from configuration. Only
    /// the migration step does it (at start in Development, else the <c>migrate</c> command), so an instance still
    /// running a rolling deploy's old configuration never deletes a client the new one added.
    /// </summary>
    public static Task SeedClientsAsync(IServiceProvider scope, CancellationToken cancellationToken) =>
        scope.GetRequiredService<ClientSeeder>().SeedAsync(cancellationToken);

    /// <summary>Schema and clients first (see <see cref="SeedClientsAsync"/>), then Development's sample accounts and notices.</summary>
    private static async Task InitializeAsync(WebApplication app)
    {
        var stopping = app.Lifetime.ApplicationStopping;
        await app.Services.PrepareDatabaseAtStartAsync<Cers.Idp.Data.IdpDbContext>(SeedClientsAsync, stopping);
        await app.Services.LoadSigningKeysAsync(stopping);

        await using var scope = app.Services.CreateAsyncScope();
        if (app.Environment.IsDevelopment())
        {
            await scope.ServiceProvider.GetRequiredService<DevelopmentUserSeeder>().SeedAsync();
            await scope.ServiceProvider.GetRequiredService<DevelopmentAnnouncementSeeder>().SeedAsync(stopping);
        }
    }
}
