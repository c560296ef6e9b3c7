using System.Globalization;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace Cers.Idp.Oidc;

/// <summary>
/// Rules for authorization request parameters that OpenIddict leaves unchecked, so a malformed one is answered with
/// <c>invalid_request</c> rather than read as absent and a code issued anyway:
/// <list type="bullet">
/// <item><c>code_challenge</c> is 43 to 128 characters of <c>[A-Za-z0-9-._~]</c> (RFC 7636 section 4.2). Such a code could
/// never be redeemed, but the client should hear that its request was wrong, not meet it at the token endpoint.</item>
/// <item><c>max_age</c> is a number of seconds, 0 or more (OpenID Connect Core section 3.1.2.1): "abc" or -5 are not
/// "no limit".</item>
/// </list>
/// Runs after OpenIddict's own validation, so the client and its redirect URI are known good and the error goes back to it.
/// For direct and pushed (PAR) authorization requests alike.
/// </summary>
public static class AuthorizationParameterRules
{
    private const int MinChallengeLength = 43;
    private const int MaxChallengeLength = 128;

    public static OpenIddictServerHandlerDescriptor For<TContext>() where TContext : BaseValidatingContext =>
        OpenIddictServerHandlerDescriptor.CreateBuilder<TContext>()
            .UseSingletonHandler<Handler<TContext>>()
            .SetOrder(int.MaxValue - 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    /// <summary>Why the request's parameters break a rule, or null when they keep them all.</summary>
    public static string? Violation(string? codeChallenge, string? maxAge)
    {
        if (codeChallenge is not null
            && (codeChallenge.Length is < MinChallengeLength or > MaxChallengeLength || !codeChallenge.All(IsUnreserved)))
        {
            return "The code_challenge must be 43 to 128 characters of letters, digits, '-', '.', '_' and '~'.";
        }

        if (maxAge is not null && !long.TryParse(maxAge, NumberStyles.None, CultureInfo.InvariantCulture, out _))
        {
            return "The max_age must be a whole number of seconds, 0 or more.";
        }

        return null;
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';

    private sealed class Handler<TContext> : IOpenIddictServerHandler<TContext> where TContext : BaseValidatingContext
    {
        public ValueTask HandleAsync(TContext context)
        {
            if (context.Transaction.Request is { } request
                && Violation((string?)request[Parameters.CodeChallenge], (string?)request[Parameters.MaxAge]) is { } violation)
            {
                context.Reject(Errors.InvalidRequest, violation);
            }

            return default;
        }
    }
}
