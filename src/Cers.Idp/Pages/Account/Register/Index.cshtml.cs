using Cers.Idp.Registration;
using Cers.Idp.SignIn;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.Idp.Pages.Account.Register;

/// <summary>Create New Account. Every outcome that is not a form error ends on "check your email".</summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed partial class IndexModel(AccountRegistration registration, ILogger<IndexModel> logger) : PageModel
{
    [BindProperty]
    public InputModel Input { get; set; } = new();

    /// <summary>The protection phrases offered: the one already chosen (when the form comes back with errors) and fresh ones.</summary>
    public IReadOnlyList<string> PhraseChoices { get; private set; } = [];

    public void OnGet() => PhraseChoices = ProtectionPhrases.NewChoices();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(Input.Website))
        {
            // A bot filled the honeypot: answer as for a person, do nothing.
            LogHoneypot(logger);
            return GoToCheckEmail();
        }

        if (ModelState.IsValid && Input.Password.Contains(Input.ProtectionPhrase, StringComparison.OrdinalIgnoreCase))
        {
            ModelState.AddModelError("Input.Password", "The password must not contain your protection phrase: the phrase is shown before the password is asked for.");
        }

        if (!ModelState.IsValid)
        {
            // A value that is not a boolean would make the checkbox fail to render; show it unticked, keep the message.
            if (ModelState.TryGetValue("Input.AcceptConditions", out var accept) && accept.Errors.Count > 0)
            {
                ModelState.SetModelValue("Input.AcceptConditions", false, "false");
            }

            OfferPhrases();
            return Page();
        }

        var result = await registration.RegisterAsync(new RegistrationRequest(
            Input.UserName.Trim(), Input.FirstName.Trim(), Input.LastName.Trim(), Input.Email.Trim(),
            Input.Phone?.Trim(), Input.Title?.Trim(), Input.Password, Input.ProtectionPhrase.Trim()), cancellationToken);

        switch (result.Outcome)
        {
            case RegistrationOutcome.Invalid:
                foreach (var error in result.PasswordErrors)
                {
                    ModelState.AddModelError("Input.Password", error);
                }

                OfferPhrases();
                return Page();
            case RegistrationOutcome.Busy:
                ModelState.AddModelError(string.Empty, Login.IndexModel.BusyMessage);
                Response.Headers.RetryAfter = "5";
                OfferPhrases();
                return new PageResult { StatusCode = StatusCodes.Status503ServiceUnavailable };
            default:
                return GoToCheckEmail();
        }
    }

    private void OfferPhrases() =>
        PhraseChoices = ProtectionPhrases.IsGenerated(Input.ProtectionPhrase)
            ? [Input.ProtectionPhrase, .. ProtectionPhrases.NewChoices().Where(p => p != Input.ProtectionPhrase).Take(ProtectionPhrases.ChoiceCount - 1)]
            : ProtectionPhrases.NewChoices();

    private RedirectToPageResult GoToCheckEmail()
    {
        TempData[CheckEmail.IndexModel.EmailKey] = Input.Email.Trim();
        return RedirectToPage("/Account/CheckEmail/Index");
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Registration with the honeypot field filled in ignored")]
    private static partial void LogHoneypot(ILogger logger);
}
