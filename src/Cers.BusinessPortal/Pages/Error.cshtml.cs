using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages;

[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public string Message { get; private set; } = "Something went wrong on our side. Nothing you did caused it; please try again.";

    // From the query only: a re-executed POST's form may be unreadable (its refusal is why this page shows).
    public void OnGet([FromQuery] string? reason, [FromQuery] int? status) => Describe(reason, status);

    public void OnPost([FromQuery] string? reason, [FromQuery] int? status) => Describe(reason, status);

    private void Describe(string? reason, int? status)
    {
        if (reason == "sign-in")
        {
            Message = "Signing in did not complete. Please sign in again.";
        }
        else if (status == StatusCodes.Status404NotFound)
        {
            Message = "There is no such page.";
        }
        else if (status is StatusCodes.Status415UnsupportedMediaType)
        {
            Message = "The form was sent in a form CERS does not read. Please go back, reload the page and send it again.";
        }
        else if (status is StatusCodes.Status400BadRequest)
        {
            Message = "The form had expired or could not be read. Please go back, reload the page and try again.";
        }
    }
}
