using System.Text.Json;
using System.Text.RegularExpressions;

namespace Subquad.Lab.Tests.Reports;

/// <summary>
/// The one-schema rule (docs/formats.md) for the documents Lab writes itself (the duel's and the zoo's results.json,
/// which the CLI's per-verb schema test cannot produce cheaply): every key, at every depth, is snake_case.
/// </summary>
internal static partial class SnakeCaseKeys
{
    [GeneratedRegex("^[a-z][a-z0-9]*(_[a-z0-9]+)*$")]
    private static partial Regex SnakeCase();

    /// <summary>Fails naming the first key (with its path) that is not snake_case.</summary>
    public static void Assert(JsonElement element, string path = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    Xunit.Assert.True(SnakeCase().IsMatch(property.Name), $"{path}.{property.Name} is not snake_case");
                    Assert(property.Value, $"{path}.{property.Name}");
                }

                break;
            case JsonValueKind.Array:
                int index = 0;
                foreach (var item in element.EnumerateArray()) Assert(item, $"{path}[{index++}]");
                break;
        }
    }
}
