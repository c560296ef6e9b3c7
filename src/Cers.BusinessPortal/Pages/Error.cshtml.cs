using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Cers.BusinessPortal.Pages;

[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public string Message { get; private set; } = "Something went wrong on our side. Nothing you did caused it; please try again.";

    public void OnGet(string? reason, int? status) => Describe(reason, status);

    public void OnPost(string? reason, int? status) => Describe(reason, status);

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
        else if (status is StatusCodes.Status400BadRequest)
        {
            Message = "The form had expired or could not be read. Please go back, reload the page and try again.";
        }
    }
}
