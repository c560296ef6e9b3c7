using Cers.BusinessPortal.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages.Account.SignOut;

/// <summary>
/// Ends the portal session, then the provider's: the browser goes to the provider's end-session
/// endpoint with the ID token as hint and comes back to /Account/SignedOut. A POST, so another site
/// cannot sign a user out with a link.
/// </summary>
public sealed class IndexModel : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Index");

    public IActionResult OnPost() =>
        SignOut(new AuthenticationProperties { RedirectUri = "/Account/SignedOut" },
            CookieAuthenticationDefaults.AuthenticationScheme, OpenIdConnectDefaults.AuthenticationScheme);
}
