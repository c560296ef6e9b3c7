using System.Text.RegularExpressions;
using Microsoft.Extensions.Compliance.Classification;
using Microsoft.Extensions.Compliance.Redaction;

namespace Cers.Email.Logging;

/// <summary>The data classes CERS's logs mark (Microsoft.Extensions.Compliance) so the redactor registered for each is applied.</summary>
public static class CersDataClasses
{
    public const string TaxonomyName = "CERS";

    /// <summary>Free text that may hold email addresses: an SMTP server's own reply ("550 5.1.1 &lt;pat@example.com&gt;: ..."), an exception's message.</summary>
    public static DataClassification TextWithEmailAddresses { get; } = new(TaxonomyName, nameof(TextWithEmailAddresses));
}

/// <summary>Marks a logged value as <see cref="CersDataClasses.TextWithEmailAddresses"/>: its email addresses are redacted.</summary>
[AttributeUsage(AttributeTargets.Parameter | AttributeTargets.Property | AttributeTargets.Field)]
public sealed class TextWithEmailAddressesAttribute() : DataClassificationAttribute(CersDataClasses.TextWithEmailAddresses);

/// <summary>
/// Replaces the local part of every email address in a text with <c>***</c>, keeping the domain (which mail system
/// refused, for whoever reads the log) and everything else in the text.
/// </summary>
public sealed partial class EmailAddressRedactor : Redactor
{
    public const string Mask = "***";

    public override int GetRedactedLength(ReadOnlySpan<char> input) => RedactText(input.ToString()).Length;

    public override int Redact(ReadOnlySpan<char> source, Span<char> destination)
    {
        var redacted = RedactText(source.ToString());
        redacted.AsSpan().CopyTo(destination);
        return redacted.Length;
    }

    public static string RedactText(string text) => Address().Replace(text, match => Mask + "@" + match.Groups["domain"].Value);

    /// <summary>Loose on purpose: anything shaped like local@domain, as an SMTP server may quote it, with or without brackets.</summary>
    [GeneratedRegex(@"[^\s<>()\[\]""',;:@]+@(?<domain>[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?)", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Address();
}
