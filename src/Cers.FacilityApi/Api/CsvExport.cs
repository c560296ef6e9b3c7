using CsvHelper;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cers.FacilityApi.Api;

/// <summary>
/// The API's CSV downloads, written one way: RFC 4180 (a header row, CRLF, a field quoted when it holds a comma, quote or
/// line break), UTF-8. People open these files in a spreadsheet, which runs a cell that starts with <c>=</c>, <c>+</c>,
/// <c>-</c>, <c>@</c>, tab or carriage return as a formula; every such field, whoever typed it (a name comes from the
/// person's own account), is written with a leading <c>'</c> so the spreadsheet shows it as text (OWASP, CSV Injection).
/// </summary>
public static class CsvExport
{
    public const string ContentType = "text/csv; charset=utf-8";

    private static readonly CsvWriterOptions Options = CsvWriterOptions.Default with
    {
        Injection = CsvInjection.Escape,
        InjectionCharacters = "=+-@\t\r",
        InjectionEscape = '\'',

        // Excel reads a CSV file without a byte order mark in the machine's legacy code page, which garbles "José".
        WriteByteOrderMark = true,
    };

    /// <summary>The file: <paramref name="header"/>, then one record per row, each with as many fields as the header.</summary>
    public static byte[] Write<T>(IReadOnlyList<string> header, IEnumerable<T> rows, Func<T, string?[]> fields)
    {
        using var buffer = new MemoryStream();
        using (var writer = CsvWriter.Create(buffer, Options, leaveOpen: true))
        {
            writer.WriteHeader([.. header]);
            foreach (var row in rows)
            {
                writer.WriteRecord(fields(row));
            }
        }

        return buffer.ToArray();
    }

    /// <summary>The file as a download named <paramref name="fileName"/> (<c>Content-Disposition: attachment</c>).</summary>
    public static FileContentHttpResult Download<T>(string fileName, IReadOnlyList<string> header, IEnumerable<T> rows,
        Func<T, string?[]> fields) =>
        TypedResults.File(Write(header, rows, fields), ContentType, fileName);
}
