using Cers.EndToEnd.Tests.Infrastructure;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Cers.EndToEnd.Tests.Walkthrough;

/// <summary>The accessibility check the walkthrough relies on can fail: a clean walkthrough means something.</summary>
[Collection(WalkthroughCollection.Name)]
public sealed class AxeCheckTests(WalkthroughFixture fixture, ITestOutputHelper output)
{
    [BrowserFact]
    public async Task A_page_with_an_unlabelled_field_and_an_image_without_text_fails_the_step_check()
    {
        var page = await fixture.NewPersonAsync();
        await page.SetContentAsync("""
            <!DOCTYPE html><html lang="en"><head><title>Broken</title></head>
            <body><main><h1>Broken</h1><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><input type="text"></main></body></html>
            """);

        var failure = await Should.ThrowAsync<XunitException>(() => new WalkthroughSteps("0-axe-check", output).RecordAsync(page, "broken-page"));

        failure.Message.ShouldContain("critical image-alt");
        failure.Message.ShouldContain("critical label");
        await page.Context.CloseAsync();
    }
}
