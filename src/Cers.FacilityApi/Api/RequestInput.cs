using System.Globalization;
using System.Text.Json;
using Cers.Contracts;
using Cers.FacilityApi.Memberships;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Cers.FacilityApi.Api;

/// <summary>
/// Reads and checks request bodies by hand, so that malformed JSON or a value of the wrong type is a
/// 400 with a field error like any other bad input, never an exception from binding. (.NET 10's built-in
/// minimal-API validation runs after the framework's own binding, which answers a malformed body without
/// saying which field; so the API keeps one reader, here, for every body.)
/// </summary>
public static partial class RequestInput
{
    public const int MaxTitleLength = 100;
    public const int MaxReasonLength = 1000;
    public const int MaxPageSize = 100;
    public const int DefaultPageSize = 20;

    public static async Task<(T? Body, Dictionary<string, string[]>? Errors)> ReadAsync<T>(HttpRequest request, CancellationToken cancellationToken)
        where T : class
    {
        if (!request.HasJsonContentType())
        {
            return (null, Error("body", "The body must be JSON (Content-Type: application/json)."));
        }

        try
        {
            var options = request.HttpContext.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            var body = await request.ReadFromJsonAsync<T>(options, cancellationToken);
            return body is null ? (null, Error("body", "The body must be a JSON object.")) : (body, null);
        }
        catch (JsonException exception)
        {
            // The path names the field ("$.version"); the message is the serializer's, which may quote input.
            var field = exception.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : "body";
            return (null, Error(field, "The value is not valid JSON of the expected type."));
        }
    }

    public static MembershipRole? ParseRole(string? value, string field, Errors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add(field, "A role is required: LeadUser, Approver, Editor or Viewer.");
            return null;
        }

        // Names only: Enum.TryParse alone would also take "1" or "LeadUser,Viewer".
        var name = Enum.GetNames<MembershipRole>().FirstOrDefault(n => string.Equals(n, value.Trim(), StringComparison.OrdinalIgnoreCase));
        if (name is null)
        {
            errors.Add(field, "The role must be LeadUser, Approver, Editor or Viewer.");
            return null;
        }

        return Enum.Parse<MembershipRole>(name);
    }

    /// <summary>
    /// A free-text field: trimmed, within <paramref name="maxLength"/>, and plain text by the provider's rule
    /// (<see cref="PlainText"/>): a line break or an invisible formatting character would end up in the emails
    /// the value is quoted in. A text box's line breaks (<paramref name="foldLineBreaks"/>) become spaces.
    /// </summary>
    public static string? Text(string? value, string field, int maxLength, bool required, Errors errors, bool foldLineBreaks = false)
    {
        var trimmed = string.IsNullOrWhiteSpace(value) ? null : value.Trim();
        if (trimmed is not null && foldLineBreaks)
        {
            trimmed = LineBreaks().Replace(trimmed, " ");
        }

        if (trimmed is null && required)
        {
            errors.Add(field, $"{field} is required.");
        }
        else if (trimmed is { Length: var length } && length > maxLength)
        {
            errors.Add(field, $"{field} is at most {maxLength} characters.");
        }
        else if (trimmed is not null && !PlainText.IsPlain(trimmed))
        {
            errors.Add(field, $"{field} {PlainText.Rule}");
        }

        return trimmed;
    }

    /// <summary>A phone number by the rule of every CERS form (<see cref="PhoneNumbers"/>).</summary>
    public static string? Phone(string? value, string field, bool required, Errors errors)
    {
        var phone = Text(value, field, PhoneNumbers.MaxLength, required, errors);
        if (phone is not null && !errors.Has(field) && !PhoneNumbers.IsValid(phone))
        {
            errors.Add(field, PhoneNumbers.Example);
        }

        return phone;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\s*(\r\n|\r|\n)+\s*")]
    private static partial System.Text.RegularExpressions.Regex LineBreaks();

    /// <summary>The version a change of <paramref name="what"/> must name (optimistic concurrency).</summary>
    public static void RequireVersion(int? version, string what, Errors errors)
    {
        if (version is null)
        {
            errors.Add("version", $"version is required: the {what}'s version as last read.");
        }
    }

    /// <summary>The <c>page</c> and <c>pageSize</c> query parameters of a list endpoint, checked.</summary>
    public static bool TryPaging(string? page, string? pageSize, out (int Page, int PageSize) paging, out Dictionary<string, string[]> errors)
    {
        var found = new Errors();
        paging = (Paging(page, "page", 1000, 1, found), Paging(pageSize, "pageSize", MaxPageSize, DefaultPageSize, found));
        errors = found.ToDictionary();
        return !found.Any;
    }

    public static int Paging(string? text, string field, int max, int fallback, Errors errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (!int.TryParse(text.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < 1 || value > max)
        {
            errors.Add(field, $"{field} must be a whole number from 1 to {max}.");
            return fallback;
        }

        return value;
    }

    private static Dictionary<string, string[]> Error(string field, string message) => new(StringComparer.Ordinal) { [field] = [message] };

    /// <summary>Field errors collected while checking one input.</summary>
    public sealed class Errors
    {
        private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

        public bool Any => _errors.Count > 0;

        public bool Has(string field) => _errors.ContainsKey(field);

        public void Add(string field, string message)
        {
            if (!_errors.TryGetValue(field, out var list))
            {
                _errors[field] = list = [];
            }

            list.Add(message);
        }

        public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
    }
}
