using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using Cers.ServiceDefaults.SharedState;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;

namespace Cers.Idp.SignIn;

/// <summary>One limit: so many form posts per window from one client address.</summary>
public sealed class RateLimit
{
    [Range(1, 1_000_000)]
    public int PermitLimit { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan Window { get; set; }
}

/// <summary>
/// The <c>RateLimits</c> section: per-IP limits on the forms an attacker would automate, and per-account
/// limits on the same forms keyed by the username or address typed (<see cref="AccountRateLimiter"/>).
/// They sit on top of lockout (5 failed passwords) and the per-address email caps. Behind a load
/// balancer, name it in <c>ForwardedHeaders:KnownProxies</c> so the client's address, not the balancer's,
/// is the key.
/// </summary>
public sealed class RequestRateLimitOptions
{
    public const string SectionName = "RateLimits";

    [Required]
    public RateLimit SignIn { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(5) };

    [Required]
    public RateLimit Registration { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromHours(1) };

    /// <summary>Resend activation, forgot username, forgot password and reset password together.</summary>
    [Required]
    public RateLimit Recovery { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(15) };

    /// <summary>
    /// Passwords tried for one username, from any number of addresses: a botnet (or clients a proxy hides)
    /// gets no more tries at one account than one client does. Known and unknown usernames count alike.
    /// </summary>
    [Required]
    public RateLimit SignInPerUserName { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(15) };

    /// <summary>Recovery requests (resend, forgot username, forgot password, reset) for one username, address or account.</summary>
    /// <summary>My Account's forms (profile, password, email, phrase) from one address.</summary>
    [Required]
    public RateLimit MyAccount { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(15) };

    /// <summary>Password and email changes of one signed-in account, wherever they come from.</summary>
    [Required]
    public RateLimit AccountChangesPerAccount { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(15) };

    [Required]
    public RateLimit RecoveryPerAccount { get; set; } = new() { PermitLimit = 5, Window = TimeSpan.FromMinutes(15) };

    /// <summary>
    /// Second-factor codes for one account (after its password), from any number of addresses; lockout after 5
    /// wrong ones stops guessing first, this stops a flood that lands between lockouts.
    /// </summary>
    [Required]
    public RateLimit SecondFactorPerAccount { get; set; } = new() { PermitLimit = 10, Window = TimeSpan.FromMinutes(15) };

    /// <summary>My Account's sign-in protection forms (enrol, new recovery codes, turn off) from one address.</summary>
    [Required]
    public RateLimit AccountSecurity { get; set; } = new() { PermitLimit = 30, Window = TimeSpan.FromMinutes(15) };
}

public static class RequestRateLimits
{
    public const string RejectedKey = "RateLimited";

    public static IServiceCollection AddRequestRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RequestRateLimitOptions>()
            .BindConfiguration(RequestRateLimitOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        services.AddSingleton<AccountRateLimiter>();
        return services;
    }

    /// <summary>
    /// The per-address limits: each form post counts in a fixed window per form family and client, in the shared
    /// state (<see cref="ISharedState"/>), so every instance of the provider counts into the same number. A post
    /// over the limit gets 429 with Retry-After (the error page says to wait) and never reaches its page.
    /// </summary>
    public static IApplicationBuilder UseRequestRateLimits(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var (name, limit) = Classify(context, context.RequestServices.GetRequiredService<IOptions<RequestRateLimitOptions>>().Value);
            if (limit is not null)
            {
                var counted = await context.RequestServices.GetRequiredService<ISharedState>()
                    .CountAsync($"address-limit|{name}|{ClientKey(context.Connection.RemoteIpAddress)}", limit.Window, context.RequestAborted);
                if (counted.Count > limit.PermitLimit)
                {
                    context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                    context.Response.Headers.RetryAfter = RetryAfterSeconds(counted.RemainingInWindow);
                    context.Items[RejectedKey] = true;
                    return;
                }
            }

            await next(context);
        });

    /// <summary>
    /// The answer a page gives when <see cref="AccountRateLimiter"/> refuses: the same 429 with Retry-After and
    /// the same error page as the per-IP limit, whether or not the account exists.
    /// </summary>
    public static IActionResult TooManyAttempts(this PageModel page, TimeSpan retryAfter)
    {
        page.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter);
        page.HttpContext.Items[RejectedKey] = true;
        return new StatusCodeResult(StatusCodes.Status429TooManyRequests);
    }

    private static string RetryAfterSeconds(TimeSpan retryAfter) =>
        ((int)Math.Ceiling(Math.Max(1, retryAfter.TotalSeconds))).ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The client an address stands for: an IPv4 address, or an IPv6 address's /64 network (one
    /// customer's allocation: counting single IPv6 addresses would give each client billions of limits).
    /// </summary>
    public static string ClientKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    /// <summary>Only form posts count; reading a page is never limited.</summary>
    private static (string Name, RateLimit? Limit) Classify(HttpContext context, RequestRateLimitOptions limits)
    {
        if (!HttpMethods.IsPost(context.Request.Method))
        {
            return ("", null);
        }

        var path = context.Request.Path;
        // The second sign-in steps count with the first: together they are one sign-in.
        if (path.StartsWithSegments("/Account/Login", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/Account/LoginWith2fa", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/Account/LoginWithRecoveryCode", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments(Passkeys.PasskeyPages.SignIn, StringComparison.OrdinalIgnoreCase))
        {
            return ("sign-in", limits.SignIn);
        }

        if (path.StartsWithSegments("/Account/Manage/Authenticator", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/Account/Manage/RecoveryCodes", StringComparison.OrdinalIgnoreCase))
        {
            return ("account-security", limits.AccountSecurity);
        }

        if (path.StartsWithSegments("/Account/Register", StringComparison.OrdinalIgnoreCase))
        {
            return ("registration", limits.Registration);
        }

        if (path.StartsWithSegments("/Account/CheckEmail", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/Account/ForgotUsername", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/Account/ForgotPassword", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/Account/ResetPassword", StringComparison.OrdinalIgnoreCase))
        {
            return ("recovery", limits.Recovery);
        }

        if (path.StartsWithSegments("/Account/Manage", StringComparison.OrdinalIgnoreCase)
            || path.StartsWithSegments("/Account/ConfirmEmail", StringComparison.OrdinalIgnoreCase))
        {
            return ("my-account", limits.MyAccount);
        }

        return ("", null);
    }
}
