using System.Collections.Immutable;
using System.Security.Claims;
using Cers.Idp.Accounts;
using Cers.Idp.Sessions;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.Identity;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Cers.Idp.Oidc;

/// <summary>
/// The parts of the OpenID Connect endpoints that need CERS knowledge (who the user is, what the
/// client's agency is). OpenIddict has already validated each request against its RFC before these
/// run; they decide only what goes into the tokens.
/// </summary>
public static class ConnectEndpoints
{
    private const string ServerScheme = OpenIddictServerAspNetCoreDefaults.AuthenticationScheme;

    public static IEndpointRouteBuilder MapConnectEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapMethods("connect/authorize", [HttpMethods.Get, HttpMethods.Post], Authorize)
            .ExcludeFromDescription();
        app.MapPost("connect/token", Exchange).ExcludeFromDescription().DisableAntiforgery();
        app.MapMethods("connect/userinfo", [HttpMethods.Get, HttpMethods.Post], UserInfo)
            .ExcludeFromDescription().DisableAntiforgery();
        app.MapGet("connect/endsession", EndSessionPrompt).ExcludeFromDescription();
        app.MapPost("connect/endsession", EndSession).ExcludeFromDescription();
        return app;
    }

    private static async Task<IResult> Authorize(
        HttpContext http,
        UserManager<CersUser> users,
        SignInManager<CersUser> signIn,
        SignInAskedAt askedAtMarker,
        Mfa.SecondFactors factors,
        IOpenIddictApplicationManager applications,
        IOpenIddictAuthorizationManager authorizations,
        ProviderSessions sessions,
        TimeProvider time)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");

        var session = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var user = session.Succeeded ? await users.GetUserAsync(session.Principal) : null;

        // max_age counts from the moment the user last entered their password (auth_time), not from the
        // cookie's last sliding renewal; max_age=0 means "sign in again now" (OpenID Connect Core 3.1.2.1).
        var authenticatedAt = long.TryParse(session.Principal?.FindFirst(SessionPrincipalFactory.AuthenticationTimeClaim)?.Value,
            System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var seconds)
            ? DateTimeOffset.FromUnixTimeSeconds(seconds)
            : (DateTimeOffset?)null;
        // prompt=login and max_age=0 ask for a sign-in made after the request (OpenID Connect Core 3.1.2.1). The
        // session is kept meanwhile: ending it here would let any page sign a person out with a link, past the
        // end-session confirmation. The trip to the sign-in page carries when it was asked for (the request itself
        // may be a pushed one, whose prompt cannot be removed), and a sign-in since then satisfies it.
        var now = time.GetUtcNow();
        var parameters = (http.Request.HasFormContentType ? http.Request.Form.ToList() : http.Request.Query.ToList())
            .Where(p => p.Key != Parameters.Prompt && p.Key != SignInAskedAt.Parameter)
            .ToList();
        var askedAt = askedAtMarker.Read(http.Request, parameters);
        var wantsFreshSignIn = request.HasPromptValue(PromptValues.Login) || request.MaxAge == 0;
        var mustSignIn = user is null
            || (wantsFreshSignIn && !(askedAt is { } asked && authenticatedAt >= asked))
            || (request.MaxAge is > 0 and var maxAge && (authenticatedAt is null || now - authenticatedAt > TimeSpan.FromSeconds(maxAge)));

        if (mustSignIn)
        {
            // prompt=none asks us not to show any page (OpenID Connect Core section 3.1.2.1).
            if (request.HasPromptValue(PromptValues.None))
            {
                return Forbid(Errors.LoginRequired, "The user is not signed in.");
            }

            // Send the user to the sign-in page and back here afterwards, without prompt=login, so the
            // return trip does not ask them to sign in again.
            var returnParameters = new List<KeyValuePair<string, Microsoft.Extensions.Primitives.StringValues>>(parameters);
            if (wantsFreshSignIn)
            {
                returnParameters.Add(new(SignInAskedAt.Parameter, askedAtMarker.Write(now, parameters)));
            }

            if (request.HasPromptValue(PromptValues.Login))
            {
                var others = string.Join(' ', request.GetPromptValues().Remove(PromptValues.Login));
                if (others.Length > 0)
                {
                    returnParameters.Add(new(Parameters.Prompt, others));
                }
            }

            return Results.Challenge(
                new AuthenticationProperties { RedirectUri = http.Request.PathBase + http.Request.Path + QueryString.Create(returnParameters) },
                [IdentityConstants.ApplicationScheme]);
        }

        if (user!.Status != AccountStatus.Active || !await signIn.CanSignInAsync(user))
        {
            return Forbid(Errors.AccessDenied, "The account cannot sign in.");
        }

        // A second factor is owed when the relying party asks for it (acr_values, OpenID Connect Core 3.1.2.1) or the
        // account's role requires it (Mfa:RequiredRoles); a session without one is sent to prove it, or, with no factor
        // to prove, to enrol one. No code is issued meanwhile. The return trip carries the same parameters.
        if (!Mfa.SecondFactors.IsMultiFactor(session.Principal)
            && (request.GetAcrValues().Contains(CersAuthenticationLevels.MultiFactor) || await factors.IsRequiredForAsync(user)))
        {
            if (request.HasPromptValue(PromptValues.None))
            {
                return Forbid(Errors.InteractionRequired, "A second factor is required.");
            }

            var back = http.Request.PathBase + http.Request.Path + QueryString.Create(parameters);
            var step = await factors.SecondStepPageAsync(user);
            return Results.Redirect(step + QueryString.Create("returnUrl", back));
        }

        var identity = await CreateUserIdentityAsync(user!, users, request.GetScopes());
        if (authenticatedAt is { } at)
        {
            identity.SetClaim(Claims.AuthenticationTime, at.ToUnixTimeSeconds());
            identity.FindFirst(Claims.AuthenticationTime)!.SetDestinations(Destinations.IdentityToken);
        }

        SetAuthenticationMethods(identity, Mfa.SecondFactors.MethodsOf(session.Principal));

        // The session the tokens are issued in: its id goes into the ID token (sid, OpenID Connect Back-Channel Logout
        // 1.0 section 2.1) and into the code and refresh tokens, and the authorization they hang from is created here and
        // linked to it, so ending the session revokes every token issued in it.
        var sessionId = session.Principal!.FindFirst(SessionClaims.SessionId)!.Value;
        SetSessionId(identity, sessionId);
        var application = await applications.FindByClientIdAsync(request.ClientId!, http.RequestAborted)
            ?? throw new InvalidOperationException("The authenticated client no longer exists.");
        var authorization = await authorizations.CreateAsync(new ClaimsPrincipal(identity), user.Id,
            (await applications.GetIdAsync(application, http.RequestAborted))!, AuthorizationTypes.AdHoc, identity.GetScopes(), http.RequestAborted);
        var authorizationId = (await authorizations.GetIdAsync(authorization, http.RequestAborted))!;
        identity.SetAuthorizationId(authorizationId);
        if (!await sessions.LinkAsync(sessionId, authorizationId, request.ClientId!, http.RequestAborted))
        {
            // The session ended between the cookie check and here: nothing may be issued in it.
            await authorizations.TryRevokeAsync(authorization, http.RequestAborted);
            return request.HasPromptValue(PromptValues.None)
                ? Forbid(Errors.LoginRequired, "The user is not signed in.")
                : Results.Challenge(new AuthenticationProperties { RedirectUri = http.Request.PathBase + http.Request.Path + QueryString.Create(parameters) },
                    [IdentityConstants.ApplicationScheme]);
        }

        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: ServerScheme);
    }

    private static void SetSessionId(ClaimsIdentity identity, string sessionId)
    {
        identity.SetClaim(SessionClaims.SessionId, sessionId);
        identity.FindFirst(SessionClaims.SessionId)!.SetDestinations(Destinations.IdentityToken);
    }

    private static async Task<IResult> Exchange(
        HttpContext http,
        UserManager<CersUser> users,
        SignInManager<CersUser> signIn,
        IOpenIddictApplicationManager applications,
        Microsoft.Extensions.Options.IOptions<SessionLifetimeOptions> sessions,
        ProviderSessions providerSessions,
        TimeProvider time)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenID Connect request cannot be retrieved.");

        if (request.IsClientCredentialsGrantType())
        {
            // "openid" asks for a user's identity (OpenID Connect Core section 3.1.2.1) and a machine client
            // has no user. OpenIddict grants it without a scope permission, so it is refused here instead
            // (RFC 6749 section 5.2, invalid_scope).
            if (request.HasScope(Scopes.OpenId))
            {
                return Forbid(Errors.InvalidScope, "The openid scope needs a signed-in user.");
            }

            return Results.SignIn(await CreateClientIdentityAsync(request, applications, http.RequestAborted),
                authenticationScheme: ServerScheme);
        }

        if (request.IsAuthorizationCodeGrantType() || request.IsRefreshTokenGrantType())
        {
            // The code or refresh token has been validated by OpenIddict; the user it names must still
            // exist and be allowed in, and the claims are re-read so a changed name or role shows up.
            var principal = (await http.AuthenticateAsync(ServerScheme)).Principal;
            var user = principal is null ? null : await users.FindByIdAsync(principal.GetClaim(Claims.Subject) ?? "");
            if (principal is null || user is null || user.Status != AccountStatus.Active
                || !await signIn.CanSignInAsync(user) || await users.IsLockedOutAsync(user))
            {
                return Forbid(Errors.InvalidGrant, "The token is no longer valid.");
            }

            // A refresh token lives 14 days and rotates, but no session outlives its absolute lifetime counted from the
            // sign-in (OWASP ASVS 3.3.2): past it the relying party must send the user to sign in again.
            if (request.IsRefreshTokenGrantType()
                && SessionPrincipalFactory.HasOutlived(principal, sessions.Value.AbsoluteLifetime, time.GetUtcNow()))
            {
                return Forbid(Errors.InvalidGrant, "The sign-in this token comes from has reached its absolute lifetime; sign in again.");
            }

            // The session the code or refresh token was issued in must still be going: ended from My Account, by an admin,
            // by a password reset, or past its idle timeout, its tokens are refused (RFC 6749 section 5.2, invalid_grant).
            // A refresh counts as activity in it: a person working in a relying party all day keeps the session alive.
            var sessionId = principal.GetClaim(SessionClaims.SessionId);
            if (!await providerSessions.IsActiveAsync(sessionId, user.Id, ipAddress: null, fromBrowser: false, http.RequestAborted))
            {
                return Forbid(Errors.InvalidGrant, "The session this token was issued in has ended; sign in again.");
            }

            var identity = await CreateUserIdentityAsync(user, users, principal.GetScopes());
            SetSessionId(identity, sessionId!);

            // The ID token issued here still states when the user signed in, not when the code was redeemed.
            if (long.TryParse(principal.GetClaim(Claims.AuthenticationTime), System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture, out var authenticatedAt))
            {
                identity.SetClaim(Claims.AuthenticationTime, authenticatedAt);
                identity.FindFirst(Claims.AuthenticationTime)!.SetDestinations(Destinations.IdentityToken);
            }

            // So do the methods it used: a refreshed ID token does not claim a second factor the sign-in lacked, or lose one.
            SetAuthenticationMethods(identity, principal.GetClaims(Claims.AuthenticationMethodReference));

            return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: ServerScheme);
        }

        return Forbid(Errors.UnsupportedGrantType, "The grant type is not supported.");
    }

    private static async Task<IResult> UserInfo(HttpContext http, UserManager<CersUser> users)
    {
        var principal = (await http.AuthenticateAsync(ServerScheme)).Principal;
        var user = principal is null ? null : await users.FindByIdAsync(principal.GetClaim(Claims.Subject) ?? "");
        if (principal is null || user is null)
        {
            return Results.Challenge(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidToken,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The token names no current user.",
                }),
                [ServerScheme]);
        }

        var claims = new Dictionary<string, object>(StringComparer.Ordinal)
        {
            [Claims.Subject] = user.Id,
        };

        if (principal.HasScope(Scopes.Profile))
        {
            claims[Claims.PreferredUsername] = user.UserName!;
            claims[Claims.Name] = user.DisplayName;
            claims[Claims.GivenName] = user.FirstName;
            claims[Claims.FamilyName] = user.LastName;
            if (!string.IsNullOrEmpty(user.Title))
            {
                claims[CersClaims.Title] = user.Title;
            }
        }

        if (principal.HasScope(Scopes.Email))
        {
            claims[Claims.Email] = user.Email!;
            claims[Claims.EmailVerified] = user.EmailConfirmed;
        }

        if (principal.HasScope(CersScopes.Phone) && !string.IsNullOrEmpty(user.PhoneNumber))
        {
            claims[Claims.PhoneNumber] = user.PhoneNumber;
            claims[Claims.PhoneNumberVerified] = user.PhoneNumberConfirmed;
        }

        return Results.Ok(claims);
    }

    /// <summary>
    /// GET end-session: an RP that proves who it signed in (a valid <c>id_token_hint</c> for the current
    /// user) signs out at once; anything else gets a confirmation page, so a cross-site link cannot sign
    /// a user out unasked (OpenID Connect RP-Initiated Logout section 2).
    /// </summary>
    private static async Task<IResult> EndSessionPrompt(HttpContext http, UserManager<CersUser> users)
    {
        var hint = (await http.AuthenticateAsync(ServerScheme)).Principal;
        var session = await http.AuthenticateAsync(IdentityConstants.ApplicationScheme);
        var currentUserId = session.Succeeded ? users.GetUserId(session.Principal) : null;

        if (hint is not null && currentUserId is not null && hint.GetClaim(Claims.Subject) == currentUserId)
        {
            return await SignOutAsync(http);
        }

        if (currentUserId is null)
        {
            // Nobody is signed in here: there is nothing to confirm, just finish the protocol.
            return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [ServerScheme]);
        }

        return Results.Redirect("/Account/Logout" + http.Request.QueryString);
    }

    private static async Task<IResult> EndSession(HttpContext http, IAntiforgery antiforgery)
    {
        if (!await antiforgery.IsRequestValidAsync(http))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The sign-out form has expired; please try again.");
        }

        return await SignOutAsync(http);
    }

    private static async Task<IResult> SignOutAsync(HttpContext http)
    {
        await http.SignOutAsync(IdentityConstants.ApplicationScheme);

        // OpenIddict redirects to the client's registered post_logout_redirect_uri when one was sent
        // and valid, otherwise to the CERS home.
        return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [ServerScheme]);
    }

    private static async Task<ClaimsIdentity> CreateUserIdentityAsync(CersUser user, UserManager<CersUser> users, ImmutableArray<string> scopes)
    {
        var identity = new ClaimsIdentity(
            authenticationType: TokenValidationParametersDefaults.AuthenticationType,
            nameType: Claims.Name,
            roleType: Claims.Role);

        identity.SetClaim(Claims.Subject, user.Id)
            .SetClaim(Claims.PreferredUsername, user.UserName)
            .SetClaim(Claims.Name, user.DisplayName)
            .SetClaim(Claims.Email, user.Email);

        // As the person typed them on their profile (CERS's phone rule, not E.164, which OpenID Connect only recommends);
        // CERS never verifies a phone number, and says so.
        if (!string.IsNullOrEmpty(user.PhoneNumber))
        {
            identity.SetClaim(Claims.PhoneNumber, user.PhoneNumber)
                .SetClaim(Claims.PhoneNumberVerified, user.PhoneNumberConfirmed);
        }

        if (!string.IsNullOrEmpty(user.Title))
        {
            identity.SetClaim(CersClaims.Title, user.Title);
        }

        foreach (var claim in await users.GetClaimsAsync(user))
        {
            if (claim.Type is Claims.Role or CersClaims.AgencyCode)
            {
                identity.AddClaim(claim.Type, claim.Value);
            }
        }

        identity.SetScopes(scopes);
        if (scopes.Any(CersScopes.FacilityScopes.Contains))
        {
            identity.SetResources(CersScopes.FacilityApiAudience);
        }

        identity.SetDestinations(claim => UserClaimDestinations(claim, identity));
        return identity;
    }

    /// <summary>
    /// Each claim goes only where its scope allows: profile, email and phone claims into the ID token only when
    /// those scopes were granted (OpenID Connect Core section 5.4), the title and phone to the ID token alone (the API
    /// takes a request's phone and title from the request itself); roles and the agency code into the
    /// access token the facility API reads, and into the ID token too for a client granted <c>roles</c>
    /// (a web app that shows regulator or admin pages by role).
    /// </summary>
    private static IEnumerable<string> UserClaimDestinations(Claim claim, ClaimsIdentity identity) => claim.Type switch
    {
        Claims.Subject => [Destinations.AccessToken, Destinations.IdentityToken],
        Claims.Name or Claims.PreferredUsername when identity.HasScope(Scopes.Profile)
            => [Destinations.AccessToken, Destinations.IdentityToken],
        Claims.Email when identity.HasScope(Scopes.Email) => [Destinations.AccessToken, Destinations.IdentityToken],
        CersClaims.Title when identity.HasScope(Scopes.Profile) => [Destinations.IdentityToken],
        Claims.PhoneNumber or Claims.PhoneNumberVerified when identity.HasScope(CersScopes.Phone) => [Destinations.IdentityToken],
        Claims.Role or CersClaims.AgencyCode when identity.HasScope(Scopes.Roles) => [Destinations.AccessToken, Destinations.IdentityToken],
        Claims.Role or CersClaims.AgencyCode => [Destinations.AccessToken],
        _ => [],
    };

    /// <summary>
    /// <c>amr</c> (one value per method, RFC 8176) and the <c>acr</c> they earn, for the ID token: a relying party that
    /// asked for <see cref="CersAuthenticationLevels.MultiFactor"/> checks the <c>acr</c> it got (OpenID Connect Core
    /// section 2). The authorization code and refresh token carry them too, so the token endpoint can copy them.
    /// </summary>
    private static void SetAuthenticationMethods(ClaimsIdentity identity, IEnumerable<string> methods)
    {
        var values = methods.Distinct(StringComparer.Ordinal).ToImmutableArray();
        if (values.IsEmpty)
        {
            return;
        }

        identity.SetClaims(Claims.AuthenticationMethodReference, values);
        identity.SetClaim(Claims.AuthenticationContextReference, values.Contains(CersAuthenticationMethods.MultiFactor)
            ? CersAuthenticationLevels.MultiFactor
            : CersAuthenticationLevels.Password);
        foreach (var claim in identity.FindAll(c => c.Type is Claims.AuthenticationMethodReference or Claims.AuthenticationContextReference))
        {
            claim.SetDestinations(Destinations.IdentityToken);
        }
    }

    private static async Task<ClaimsPrincipal> CreateClientIdentityAsync(OpenIddictRequest request,
        IOpenIddictApplicationManager applications, CancellationToken cancellationToken)
    {
        // The client has already been authenticated by OpenIddict; this lookup is served from its cache.
        var application = await applications.FindByClientIdAsync(request.ClientId!, cancellationToken)
            ?? throw new InvalidOperationException("The authenticated client no longer exists.");
        var client = await MachineClientClaims.ReadAsync(applications, application, request.ClientId!, request.GetScopes(), cancellationToken);
        return new ClaimsPrincipal(client.ToIdentity());
    }

    private static IResult Forbid(string error, string description) =>
        Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [ServerScheme]);
}

/// <summary>The authentication type OpenIddict expects on identities it turns into tokens.</summary>
internal static class TokenValidationParametersDefaults
{
    public static readonly string AuthenticationType = Microsoft.IdentityModel.Tokens.TokenValidationParameters.DefaultAuthenticationType;
}
