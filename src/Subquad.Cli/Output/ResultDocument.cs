using System.Collections;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Subquad.Cli.Commands;
using Subquad.Core.IO;

namespace Subquad.Cli.Output;

/// <summary>
/// The one output schema every verb prints (docs/formats.md): a JSON object that starts with
/// <c>"schema": "subquad.&lt;verb&gt;/1"</c>, snake_case keys, typed values (numbers carry their unit in the key,
/// <c>time_ms</c>; booleans; null for missing), and a CSV whose columns are the JSON row keys.
/// </summary>
/// <remarks>
/// CSV: the rows are the records of the list named by <see cref="RowsKey"/> (a verb's result table), or the
/// document itself (without <c>schema</c>) when a verb has no table. Nested objects are flattened into
/// <c>parent.child</c> columns; a list inside a row is written as its compact JSON. Booleans are <c>true</c>/<c>false</c>,
/// null is an empty field, floating point is the shortest round-trip form ("R"), fields are quoted as RFC 4180 says.
/// </remarks>
internal sealed class ResultDocument
{
    /// <summary>Starts the document of <paramref name="verb"/> (schema version 1).</summary>
    public ResultDocument(string verb, string? rowsKey = null)
    {
        Verb = verb;
        RowsKey = rowsKey;
        Root = new Record { { "schema", SchemaOf(verb) } };
    }

    public string Verb { get; }

    /// <summary>The list whose records are the CSV rows; null when the document itself is the one row.</summary>
    public string? RowsKey { get; }

    /// <summary>The top-level object.</summary>
    public Record Root { get; }

    /// <summary>The schema tag of a verb: <c>subquad.solve/1</c>.</summary>
    public static string SchemaOf(string verb) => "subquad." + verb + "/1";

    /// <summary>Adds a top-level field.</summary>
    public ResultDocument Add(string key, object? value)
    {
        Root.Add(key, value);
        return this;
    }

    /// <summary>Prints the document in <paramref name="format"/> (JSON or CSV; a table is the verb's own business).</summary>
    public void Write(TextWriter output, OutputFormat format)
    {
        output.Write(format == OutputFormat.Csv ? ToCsv() : ToJson(indented: true) + "\n");
        output.Flush();
    }

    public string ToJson(bool indented)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonText.Options(indented)))
        {
            WriteValue(json, Root);
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The rows as CSV: a header line of the flattened row keys, then one line per row ("\n" line ends).</summary>
    public string ToCsv()
    {
        var rows = new List<List<KeyValuePair<string, string>>>();
        if (RowsKey is null)
        {
            rows.Add(Flatten(Root.Where(f => f.Key != "schema")));
        }
        else if (Root[RowsKey] is IEnumerable<Record> records)
        {
            foreach (var record in records) rows.Add(Flatten(record));
        }

        var columns = new List<string>();
        foreach (var row in rows)
        {
            foreach (var (key, _) in row)
            {
                if (!columns.Contains(key)) columns.Add(key);
            }
        }

        if (columns.Count == 0 && RowsKey is not null) columns.AddRange(RowKeysWhenEmpty);
        var text = new StringBuilder();
        text.Append(string.Join(',', columns.Select(CsvField.Quote))).Append('\n');
        foreach (var row in rows)
        {
            var cells = columns.Select(c => row.Find(f => f.Key == c) is { Key: not null } cell ? cell.Value : "");
            text.Append(string.Join(',', cells.Select(CsvField.Quote))).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>The CSV header to print when the row list is empty (so an empty answer still names its columns).</summary>
    public IReadOnlyList<string> RowKeysWhenEmpty { get; init; } = [];

    private static List<KeyValuePair<string, string>> Flatten(IEnumerable<KeyValuePair<string, object?>> fields, string prefix = "")
    {
        var cells = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in fields)
        {
            if (value is Record nested) cells.AddRange(Flatten(nested, prefix + key + "."));
            else cells.Add(new(prefix + key, CsvCell(value)));
        }

        return cells;
    }

    /// <summary>One value as a CSV field (unquoted; the caller quotes).</summary>
    public static string CsvCell(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        string s => s,
        double d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "",
        float f => float.IsFinite(f) ? f.ToString("R", CultureInfo.InvariantCulture) : "",
        int or long or short or byte or uint or ulong => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        _ => CompactJson(value),
    };

    /// <summary>One value as compact JSON (a JSON Lines record, or a list inside a CSV cell).</summary>
    public static string CompactJson(object? value)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, JsonText.Options(indented: false))) WriteValue(json, value);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteValue(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case string s:
                json.WriteStringValue(s);
                break;
            case double d:
                // JSON has no NaN or infinity: a value that is not a number is missing.
                if (double.IsFinite(d)) json.WriteNumberValue(d);
                else json.WriteNullValue();
                break;
            case float f:
                if (float.IsFinite(f)) json.WriteNumberValue(f);
                else json.WriteNullValue();
                break;
            case int i:
                json.WriteNumberValue(i);
                break;
            case long l:
                json.WriteNumberValue(l);
                break;
            case Record record:
                json.WriteStartObject();
                foreach (var (key, field) in record)
                {
                    json.WritePropertyName(key);
                    WriteValue(json, field);
                }

                json.WriteEndObject();
                break;
            case IEnumerable list:
                json.WriteStartArray();
                foreach (var item in list) WriteValue(json, item);
                json.WriteEndArray();
                break;
            default:
                throw new ArgumentException($"a result value of type {value.GetType().Name} has no place in the schema", nameof(value));
        }
    }
}
