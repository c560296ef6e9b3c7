using Cers.Idp.MyAccount;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.ConfirmEmail;

/// <summary>
/// The page an email-change link opens. Opening the link changes nothing (mail scanners open links);
/// the button does. No sign-in is needed: the link, sent to the new address, is the proof.
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(EmailChange change) : PageModel
{
    public const string InvalidMessage = "This link does not work: it was used already, a newer one was sent, or it expired. Sign in and ask for the change again from My Account.";

    public const string TakenMessage = "This address now belongs to another CERS account, so your account keeps its current address.";

    [BindProperty(SupportsGet = true, Name = "id")]
    public string? UserId { get; set; }

    [BindProperty(SupportsGet = true, Name = "token")]
    public string? Token { get; set; }

    public string? UserName { get; private set; }

    public string? NewAddress { get; private set; }

    public string? Problem { get; private set; }

    public bool Changed { get; private set; }

    public async Task OnGetAsync()
    {
        var user = await change.FindForLinkAsync(UserId, Token);
        if (user is null)
        {
            Problem = InvalidMessage;
            return;
        }

        UserName = user.UserName;
        NewAddress = user.PendingEmail;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var user = await change.FindForLinkAsync(UserId, Token);
        NewAddress = user?.PendingEmail;
        UserName = user?.UserName;
        switch (await change.ConfirmAsync(UserId, Token, cancellationToken))
        {
            case EmailChangeConfirmOutcome.Changed:
                Changed = true;
                break;
            case EmailChangeConfirmOutcome.AddressTaken:
                Problem = TakenMessage;
                break;
            default:
                Problem = InvalidMessage;
                break;
        }

        return Page();
    }
}
