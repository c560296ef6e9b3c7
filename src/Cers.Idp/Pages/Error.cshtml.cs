using System.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore;

namespace Cers.Idp.Pages;

/// <summary>
/// Shown for unexpected failures and for protocol errors that cannot be sent back to the client
/// (for instance an unknown redirect URI, RFC 6749 section 4.1.2.1).
/// </summary>
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public string? Error { get; private set; }

    public string? RequestId { get; private set; }

    public void OnGet() => Describe();

    public void OnPost() => Describe();

    private void Describe()
    {
        RequestId = Activity.Current?.Id ?? HttpContext.TraceIdentifier;
        Error = Response.StatusCode switch
        {
            StatusCodes.Status400BadRequest =>
                "CERS could not read what was sent. Go back, reload the page, and check that what you entered contains no unusual or invisible characters, then try again.",
            StatusCodes.Status415UnsupportedMediaType =>
                "CERS could not read what was sent: it reads forms sent as UTF-8 only. Go back, reload the page, and send it again.",
            StatusCodes.Status403Forbidden => "Your account does not have access to this page.",
            StatusCodes.Status404NotFound => "There is no page at this address.",
            StatusCodes.Status429TooManyRequests => "Too many attempts in a short time. Wait a few minutes, then try again.",
            _ => null,
        };

        var response = HttpContext.GetOpenIddictServerResponse();
        if (response is not null)
        {
            Error = string.IsNullOrEmpty(response.ErrorDescription) ? response.Error : $"{response.Error}: {response.ErrorDescription}";
        }
    }
}
