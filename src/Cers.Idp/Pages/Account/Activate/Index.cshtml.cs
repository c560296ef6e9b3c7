using Cers.Idp.Activation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.Activate;

/// <summary>The activation email's link. Every outcome is a page that says what to do next; none is an error status.</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(AccountActivation activation) : PageModel
{
    public ActivationOutcome Outcome { get; private set; }

    public async Task OnGetAsync(string? id, string? token, CancellationToken cancellationToken) =>
        Outcome = await activation.ActivateAsync(id, token, cancellationToken);
}
