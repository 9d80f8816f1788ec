namespace Subquad.Core.IO;

/// <summary>
/// The one CSV field formatter (RFC 4180): a field holding a comma, a double quote, a carriage return or a line feed
/// is wrapped in double quotes with its quotes doubled; any other field is written as it is. Every CSV the project
/// writes (the CLI's schema writer, the duel's rows) quotes through here, so no writer forgets CR.
/// </summary>
public static class CsvField
{
    /// <summary>The field as it goes between commas.</summary>
    public static string Quote(string field)
    {
        ArgumentNullException.ThrowIfNull(field);
        return field.AsSpan().IndexOfAny(",\"\r\n") < 0 ? field : "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }
}
