using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LstmSharp.Cli.Tests.Reports;

/// <summary>
/// Opens a report in headless Chromium and says what went wrong: console messages, load errors, required elements
/// that are missing, and pictures that are empty. The page is copied with a small check script injected first in its
/// head (the reports themselves have no scripts); the script records every error event (a failed image, a script error),
/// and after load writes its findings into the DOM, which <c>--dump-dom</c> prints. Chromium's own log (stderr) is
/// searched for console messages as well.
/// </summary>
internal static partial class Chromium
{
    public const string Package = "chromium";
    public static readonly string[] Names = ["chromium", "chromium-browser"];

    private const string CheckScript = """
        <script>
        window.__errors = [];
        window.addEventListener('error', e => window.__errors.push('error event: ' + (e.message || (e.target && (e.target.src || e.target.href || e.target.outerHTML)) || 'unknown')), true);
        window.addEventListener('load', () => {
          const result = { errors: window.__errors, missing: [], empty: [], svgs: 0, texts: 0, images: 0 };
          for (const selector of __REQUIRED__) {
            if (!document.querySelector(selector)) result.missing.push(selector);
          }
          document.querySelectorAll('svg').forEach((svg, index) => {
            if (svg.parentElement && svg.parentElement.closest('svg')) return;   // nested parts are checked with their outer picture
            result.svgs++;
            const box = svg.getBoundingClientRect();
            let drawn = 0;
            svg.querySelectorAll('rect, circle, path, line, polyline, polygon, text').forEach(mark => {
              const markBox = mark.getBoundingClientRect();
              if (markBox.width > 0 || markBox.height > 0) drawn++;
            });
            if (box.width < 20 || box.height < 20 || drawn < 3) {
              result.empty.push('svg ' + index + ' (' + (svg.getAttribute('aria-label') || '') + '): ' + Math.round(box.width) + 'x' + Math.round(box.height) + ', ' + drawn + ' marks drawn');
            }
          });
          document.querySelectorAll('div.text').forEach((text, index) => {
            result.texts++;
            const box = text.getBoundingClientRect();
            const spans = text.querySelectorAll('span');
            let coloured = 0;
            spans.forEach(span => {
              const colour = getComputedStyle(span).backgroundColor;
              if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') coloured++;
            });
            if (box.width < 20 || box.height < 20 || spans.length === 0 || coloured === 0) {
              result.empty.push('coloured text ' + index + ': ' + Math.round(box.width) + 'x' + Math.round(box.height) + ', ' + spans.length + ' characters, ' + coloured + ' coloured');
            }
          });
          document.querySelectorAll('img').forEach((image, index) => {
            result.images++;
            if (!image.complete || image.naturalWidth === 0) result.empty.push('image ' + index + ' (' + image.getAttribute('src') + ') did not render');
          });
          const out = document.createElement('pre');
          out.id = '__check';
          out.textContent = JSON.stringify(result);
          document.body.appendChild(out);
        });
        </script>
        """;

    /// <summary>What the check found.</summary>
    public sealed record Result(IReadOnlyList<string> Problems, int Svgs, int Texts, int Images, string Log)
    {
        public override string ToString() =>
            string.Join("\n", Problems) + "\n--- chromium log (without its D-Bus noise) ---\n" +
            string.Join("\n", Log.Split('\n').Where(line => !line.Contains("dbus", StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Checks an HTML page; <paramref name="required"/> are CSS selectors that must match.</summary>
    public static Result CheckPage(string chromium, string page, params string[] required)
    {
        string directory = Directory.CreateTempSubdirectory("lstmsharp-chromium-").FullName;
        try
        {
            string html = File.ReadAllText(page);
            string script = CheckScript.Replace("__REQUIRED__", JsonSerializer.Serialize(required), StringComparison.Ordinal);
            int head = html.IndexOf("<head>", StringComparison.Ordinal);
            if (head < 0)
            {
                return new Result(["the page has no <head>"], 0, 0, 0, "");
            }

            // The copy sits beside the original, so relative references resolve the same way.
            string checkedPage = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(page))!, $".check-{Guid.NewGuid():N}.html");
            File.WriteAllText(checkedPage, html.Insert(head + "<head>".Length, "\n" + script + "\n"));
            try
            {
                (string dom, string log) = Run(chromium, Path.Combine(directory, "profile"), checkedPage);
                var problems = new List<string>();
                problems.AddRange(log.Split('\n').Where(line => line.Contains(":CONSOLE", StringComparison.Ordinal)).Select(line => "console: " + line.Trim()));
                Match check = CheckOutput().Match(dom);
                if (!check.Success)
                {
                    problems.Add("the check script wrote no result (the page did not load, or a script error stopped it)");
                    return new Result(problems, 0, 0, 0, log);
                }

                using JsonDocument json = JsonDocument.Parse(WebUtility.HtmlDecode(check.Groups[1].Value));
                JsonElement root = json.RootElement;
                problems.AddRange(root.GetProperty("errors").EnumerateArray().Select(error => error.GetString()!));
                problems.AddRange(root.GetProperty("missing").EnumerateArray().Select(selector => "missing element: " + selector.GetString()));
                problems.AddRange(root.GetProperty("empty").EnumerateArray().Select(picture => "empty picture: " + picture.GetString()));
                return new Result(problems, root.GetProperty("svgs").GetInt32(), root.GetProperty("texts").GetInt32(), root.GetProperty("images").GetInt32(), log);
            }
            finally
            {
                File.Delete(checkedPage);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Checks a standalone SVG file by showing it as an image in a page: it must load, render at a size, and draw.</summary>
    public static Result CheckSvgFile(string chromium, string svg)
    {
        string page = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(svg))!, $".svg-{Guid.NewGuid():N}.html");
        File.WriteAllText(page, $"<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>svg</title></head>\n<body><img id=\"picture\" src=\"{WebUtility.HtmlEncode(Path.GetFileName(svg))}\" alt=\"picture\"></body>\n</html>\n");
        try
        {
            return CheckPage(chromium, page, "#picture");
        }
        finally
        {
            File.Delete(page);
        }
    }

    private static (string Dom, string Log) Run(string chromium, string profile, string page)
    {
        var start = new ProcessStartInfo(chromium)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in (string[])["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                     "--disable-sync", "--no-first-run", $"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
                     "--virtual-time-budget=10000", "--window-size=1280,1000", "--dump-dom", new Uri(page).AbsoluteUri])
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"chromium did not finish with {page} within 90 s");
        }

        process.WaitForExit();
        return (output.Result, error.Result);
    }

    [GeneratedRegex("<pre id=\"__check\">(.*?)</pre>", RegexOptions.Singleline)]
    private static partial Regex CheckOutput();
}
