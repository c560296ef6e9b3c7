using Cers.BusinessPortal.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages.Account.SignOut;

/// <summary>
/// Ends the portal session, then the provider's: the browser goes to the provider's end-session
/// endpoint with the ID token as hint and comes back to /Account/SignedOut. Open to anonymous callers
/// and without an anti-forgery check, so that signing out after the portal session has lapsed still
/// reaches the provider (a challenge would sign the user straight back in, and the form's token names
/// a user the request no longer has). That lets nobody sign a user out unasked: a post from another
/// site carries no SameSite=Lax session cookie, and without a valid ID token hint the provider asks
/// before it ends its session.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
public sealed class IndexModel : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Index");

    public IActionResult OnPost() =>
        SignOut(new AuthenticationProperties { RedirectUri = "/Account/SignedOut" },
            CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme);
}
