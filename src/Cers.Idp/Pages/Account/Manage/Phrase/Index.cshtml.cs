using System.ComponentModel.DataAnnotations;
using Cers.Idp.Accounts;
using Cers.Idp.MyAccount;
using Cers.Idp.SignIn;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.Manage.Phrase;

/// <summary>Change protection phrase: chosen from freshly generated phrases, as at registration (people choose, they do not type).</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class IndexModel(UserManager<CersUser> users, ProfileChanges profile) : PageModel
{
    public const string ChangedMessage = "Your protection phrase was changed. The sign-in page shows it from now on; we emailed you a notice.";

    [BindProperty]
    [Required(ErrorMessage = "Choose a password protection phrase.")]
    [GeneratedPhrase]
    [Display(Name = "New protection phrase")]
    public string ProtectionPhrase { get; set; } = "";

    public string CurrentPhrase { get; private set; } = "";

    public IReadOnlyList<string> PhraseChoices { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync()
    {
        if (await users.ActiveAccountAsync(User) is not { } account)
        {
            return Forbid();
        }

        CurrentPhrase = account.ProtectionPhrase;
        PhraseChoices = ProtectionPhrases.NewChoices();
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await users.ActiveAccountAsync(User) is not { } account)
        {
            return Forbid();
        }

        CurrentPhrase = account.ProtectionPhrase;
        if (ModelState.IsValid && ProtectionPhrase == account.ProtectionPhrase)
        {
            ModelState.AddModelError(nameof(ProtectionPhrase), "This is already your phrase; choose another one.");
        }

        if (!ModelState.IsValid || !await profile.ChangePhraseAsync(account, ProtectionPhrase, cancellationToken))
        {
            if (ModelState.IsValid)
            {
                ModelState.AddModelError(string.Empty, Manage.IndexModel.ConflictMessage);
            }

            PhraseChoices = ProtectionPhrases.NewChoices();
            return Page();
        }

        TempData["Status"] = ChangedMessage;
        return RedirectToPage("/Account/Manage/Index");
    }
}
