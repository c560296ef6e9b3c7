using System.Globalization;
using System.Text;
using QRCoder;

namespace Cers.Idp.Mfa;

/// <summary>
/// A QR code as inline SVG markup, drawn on the server so enrolment needs no script. One path of unit squares,
/// with presentation attributes only: the page's Content-Security-Policy (no inline styles, no data: images)
/// lets it through as it is.
/// </summary>
public static class QrCodeSvg
{
    public static string Render(string text, string title)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix;
        var size = matrix.Count;
        var path = new StringBuilder();
        for (var y = 0; y < size; y++)
        {
            for (var x = 0; x < size; x++)
            {
                if (matrix[y][x])
                {
                    path.Append(CultureInfo.InvariantCulture, $"M{x} {y}h1v1h-1z");
                }
            }
        }

        var encodedTitle = System.Net.WebUtility.HtmlEncode(title);
        return $"<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"240\" height=\"240\" role=\"img\" aria-label=\"{encodedTitle}\" shape-rendering=\"crispEdges\">"
            + $"<rect width=\"{size}\" height=\"{size}\" fill=\"#ffffff\"/><path d=\"{path}\" fill=\"#000000\"/></svg>";
    }
}
