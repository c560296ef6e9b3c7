using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Cers.Contracts;
using Cers.FacilityApi.Memberships;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Cers.FacilityApi.AccessRequests;

public sealed record CreateAccessRequestInput(
    [property: Description("The CERS ID of the facility the requester found the business through.")] int? CersId,
    [property: Description("The requester's phone number, like (916) 555-0100, optionally with an extension (x123); at most 30 characters.")] string? Phone,
    [property: Description("The requester's title (at most 100 characters).")] string? Title,
    [property: Description("LeadUser, Approver, Editor or Viewer.")] string? RequestedRole);

public sealed record ApproveAccessRequestInput(
    [property: Description("LeadUser, Approver, Editor or Viewer.")] string? GrantedRole,
    [property: Description("The request's version as last read; a stale one is refused with 409 decision_conflict.")] int? Version);

public sealed record DenyAccessRequestInput(
    [property: Description("Why, shown to the requester (required, at most 1000 characters; line breaks become spaces).")] string? Reason,
    [property: Description("The request's version as last read; a stale one is refused with 409 decision_conflict.")] int? Version);

/// <summary>
/// Reads and checks request bodies by hand, so that malformed JSON or a value of the wrong type is a
/// 400 with a field error like any other bad input, never an exception from binding.
/// </summary>
public static partial class AccessRequestInput
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
