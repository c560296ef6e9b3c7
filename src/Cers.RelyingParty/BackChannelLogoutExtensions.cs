using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Cers.RelyingParty;

public static class BackChannelLogoutExtensions
{
    /// <summary>
    /// When the cookie's session signed in, to the millisecond, kept through every renewal. The cookie's own issue time is
    /// stored to the second, so a sign-in in the same second as an account-wide logout would look older than it and be
    /// ended again at once, round and round, until the second passed.
    /// </summary>
    public const string SignedInAtItem = "cers.signed_in_at_ms";
    public static IServiceCollection AddBackChannelLogout(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<BackChannelLogoutOptions>()
            .BindConfiguration(BackChannelLogoutOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<LogoutTokenValidator>();
        services.TryAddSingleton<BackChannelLogout>();
        return services;
    }

    /// <summary>
    /// The <c>backchannel_logout_uri</c> of the client of <paramref name="oidcScheme"/> (Back-Channel Logout 1.0 section
    /// 2.5): a form post of <c>logout_token</c> from the provider, answered 200, or 400 with <c>error</c> and
    /// <c>error_description</c>, never cached. No cookie, no anti-forgery token: the signed token is the proof.
    /// <paramref name="remember"/> is the longest a cookie of this relying party lives.
    /// </summary>
    public static RouteHandlerBuilder MapBackChannelLogout(this IEndpointRouteBuilder app, string pattern, string oidcScheme, TimeSpan remember) =>
        app.MapPost(pattern, async (HttpContext http, BackChannelLogout logout, IOptionsMonitor<OpenIdConnectOptions> schemes) =>
            {
                http.Response.Headers.CacheControl = "no-store";
                http.Response.Headers.Pragma = "no-cache";
                string? error;
                if (!http.Request.HasFormContentType)
                {
                    error = "The logout token must be posted as application/x-www-form-urlencoded.";
                }
                else
                {
                    IFormCollection form;
                    try
                    {
                        form = await http.Request.ReadFormAsync(http.RequestAborted);
                    }
                    catch (InvalidDataException)
                    {
                        return Refused("The form could not be read.");
                    }

                    var tokens = form["logout_token"];
                    error = tokens.Count == 1
                        ? await logout.ReceiveAsync(oidcScheme, schemes.Get(oidcScheme).ClientId!, tokens[0], remember, http.RequestAborted)
                        : "Exactly one logout_token is expected.";
                }

                return error is null ? Results.Ok() : Refused(error);
            })
            .AllowAnonymous()
            .DisableAntiforgery()
            .ExcludeFromDescription();

    /// <summary>Records when the cookie's session signs in (see <see cref="SignedInAtItem"/>); call from the cookie's SigningIn event.</summary>
    public static void RecordSignInTime(this CookieSigningInContext context)
    {
        var time = context.HttpContext.RequestServices.GetRequiredService<TimeProvider>();
        context.Properties.Items[SignedInAtItem] = time.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
    }

    /// <summary>Ends the cookie's session, on this request, when the provider ended it by back-channel logout.</summary>
    public static async Task<bool> EndIfLoggedOutAsync(this CookieValidatePrincipalContext context, string clientId)
    {
        var logout = context.HttpContext.RequestServices.GetRequiredService<BackChannelLogout>();
        if (context.Principal is null || !await logout.HasEndedAsync(clientId, context.Principal, SignedInAt(context.Properties), context.HttpContext.RequestAborted))
        {
            return false;
        }

        context.RejectPrincipal();
        await context.HttpContext.SignOutAsync(context.Scheme.Name);
        return true;
    }

    /// <summary>The recorded sign-in time; for a cookie from before it was recorded, the cookie's issue time (to the second).</summary>
    private static DateTimeOffset? SignedInAt(AuthenticationProperties properties) =>
        properties.Items.TryGetValue(SignedInAtItem, out var value)
            && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds)
            ? DateTimeOffset.FromUnixTimeMilliseconds(milliseconds)
            : properties.IssuedUtc;

    private static IResult Refused(string description) =>
        Results.Json(new Dictionary<string, string> { ["error"] = "invalid_request", ["error_description"] = description },
            statusCode: StatusCodes.Status400BadRequest);
}
