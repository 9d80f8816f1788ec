namespace Subquad.Cli.Output;

/// <summary>RFC 4180 quoting for fields that may hold commas, quotes or line breaks (file names do).</summary>
internal static class Csv
{
    public static string Quote(string field) =>
        field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
