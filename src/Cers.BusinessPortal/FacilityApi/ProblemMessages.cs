using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace Cers.BusinessPortal.FacilityApi;

public static class ProblemMessages
{
    /// <summary>What a page says for the API's 409 <c>membership_conflict</c>: the member changed since the page was shown.</summary>
    public const string MemberChangedMeanwhile =
        "Someone else changed this member while you were looking. Nothing was changed by you; the members as they are now are shown below.";

    /// <summary>
    /// Puts a problem's field messages next to the page's fields (<paramref name="fields"/> maps the
    /// API's field names to the page's input names); messages about anything else, and the title when no
    /// field message came with it, go to the top of the form.
    /// </summary>
    public static void AddProblem(this ModelStateDictionary modelState, ApiProblem problem, IReadOnlyDictionary<string, string>? fields = null)
    {
        var placed = false;
        foreach (var (field, messages) in problem.Errors)
        {
            var key = fields?.FirstOrDefault(f => string.Equals(f.Key, field, StringComparison.OrdinalIgnoreCase)).Value ?? "";
            foreach (var message in messages.Length > 0 ? messages : [problem.Title])
            {
                modelState.AddModelError(key, message);
            }

            placed = true;
        }

        if (!placed)
        {
            modelState.AddModelError("", problem.Title);
        }
    }
}
