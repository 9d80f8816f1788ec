using System.Globalization;
using Subquad.Core;

namespace Subquad.Hardness.Cnf;

/// <summary>
/// Reads DIMACS CNF as real files are written, not as the format note idealises them.
/// </summary>
/// <remarks>
/// <para>Parsing is by token, not by line: a clause ends at the literal 0, so clauses may span lines and several may
/// share a line (pigeon-hole/hole9.cnf puts a clause's 0 alone on the next line). Accepted everywhere:</para>
/// <list type="bullet">
/// <item><c>c</c> comment lines anywhere (before or after the header), blank lines, runs of spaces and tabs, CRLF;</item>
/// <item>the SATLIB trailer: a line holding only <c>%</c> ends the formula. The <c>0</c> after it is NOT read as an
/// empty clause (that mistake makes every uf/uuf instance UNSAT; ../shared/data/satlib/README.md quirk 1);</item>
/// <item>empty clauses (a bare 0: the formula is unsatisfiable), duplicate literals and tautologies, each noted in
/// <see cref="DimacsDocument.Warnings"/>.</item>
/// </list>
/// <para>Errors are <see cref="InputException"/>s naming the file and line: a token that is not an integer, a literal
/// beyond the declared variable count (always), a second or malformed header, and, unless
/// <see cref="DimacsReadOptions.Lenient"/>, a missing header, a clause count that disagrees with the header, or a
/// last clause without its 0.</para>
/// </remarks>
public static class DimacsReader
{
    /// <summary>Reads the file at <paramref name="path"/>; a name ending in <c>.gz</c> is gunzipped while read (SAT competitions ship <c>.cnf.gz</c>).</summary>
    /// <exception cref="InputException">The file is not valid DIMACS CNF (message names file and line), or not valid gzip.</exception>
    public static DimacsDocument ReadFile(string path, DimacsReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var stream = Subquad.Core.IO.FileInput.Open(path);
        if (!path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase))
        {
            using var reader = new StreamReader(stream);
            return Read(reader, path, options);
        }

        try
        {
            using var gunzip = new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionMode.Decompress);
            using var reader = new StreamReader(gunzip);
            return Read(reader, path, options);
        }
        catch (InvalidDataException ex)
        {
            throw new InputException(path, null, "is not valid gzip data: " + ex.Message);
        }
    }

    /// <summary>Parses DIMACS text (for tests and in-memory use).</summary>
    public static DimacsDocument Parse(string text, string source = "<text>", DimacsReadOptions? options = null)
    {
        using var reader = new StringReader(text);
        return Read(reader, source, options);
    }

    /// <summary>Reads DIMACS from <paramref name="reader"/>; <paramref name="source"/> names it in messages.</summary>
    /// <exception cref="InputException">The text is not valid DIMACS CNF.</exception>
    public static DimacsDocument Read(TextReader reader, string source, DimacsReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reader);
        options ??= DimacsReadOptions.Strict;
        var warnings = new List<string>();
        var comments = new List<string>();
        var clauses = new List<int[]>();
        var pending = new List<int>();
        int pendingStartLine = 0;
        int declaredVariables = -1, declaredClauses = -1, headerLine = 0;
        int maxVariable = 0;
        bool warnedNoHeader = false;
        int lineNumber = 0;
        string? line;
        while ((line = reader.ReadLine()) is not null)
        {
            lineNumber++;
            var span = line.AsSpan().Trim();
            if (span.IsEmpty) continue;
            if (span[0] == 'c')
            {
                comments.Add(span.Length > 1 ? span[1..].Trim().ToString() : "");
                continue;
            }

            if (span.SequenceEqual("%"))
            {
                // SATLIB's mcnf trailer: "%" then "0" then a blank line. Everything after "%" is not formula.
                break;
            }

            if (span[0] == 'p')
            {
                if (headerLine != 0)
                {
                    throw new InputException(source, Where(lineNumber), $"second 'p' header (the first is on line {headerLine})");
                }

                if (clauses.Count > 0 || pending.Count > 0)
                {
                    throw new InputException(source, Where(lineNumber), "the 'p cnf' header comes after clauses; it must come first");
                }

                ParseHeader(span, source, lineNumber, out declaredVariables, out declaredClauses);
                headerLine = lineNumber;
                continue;
            }

            foreach (var range in span.SplitAny(" \t\f\v"))
            {
                var token = span[range];
                if (token.IsEmpty) continue;
                if (!int.TryParse(token, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int literal) || literal == int.MinValue)
                {
                    throw new InputException(source, Where(lineNumber), $"expected a literal (an integer), got \"{token}\"");
                }

                if (headerLine == 0 && !warnedNoHeader)
                {
                    if (!options.Lenient)
                    {
                        throw new InputException(source, Where(lineNumber), "clause before any 'p cnf <variables> <clauses>' header (use --lenient to infer the counts)");
                    }

                    warnings.Add($"line {lineNumber}: no 'p cnf' header; counts inferred from the clauses");
                    warnedNoHeader = true;
                }

                if (literal == 0)
                {
                    clauses.Add(Finish(pending, pendingStartLine == 0 ? lineNumber : pendingStartLine, warnings));
                    pending.Clear();
                    pendingStartLine = 0;
                    continue;
                }

                int variable = Math.Abs(literal);
                if (headerLine != 0 && variable > declaredVariables)
                {
                    throw new InputException(source, Where(lineNumber), $"literal {literal} is out of range: the header declares {declaredVariables} variable{(declaredVariables == 1 ? "" : "s")}");
                }

                maxVariable = Math.Max(maxVariable, variable);
                if (pending.Count == 0) pendingStartLine = lineNumber;
                pending.Add(literal);
            }
        }

        if (pending.Count > 0)
        {
            if (!options.Lenient)
            {
                throw new InputException(source, Where(pendingStartLine), "the last clause has no terminating 0 (use --lenient to accept it)");
            }

            warnings.Add($"line {pendingStartLine}: the last clause has no terminating 0; accepted");
            clauses.Add(Finish(pending, pendingStartLine, warnings));
        }

        if (headerLine == 0)
        {
            if (!options.Lenient)
            {
                throw new InputException(source, null, "no 'p cnf <variables> <clauses>' header (use --lenient to infer the counts)");
            }

            if (!warnedNoHeader) warnings.Add("no 'p cnf' header; counts inferred from the clauses");
            declaredVariables = maxVariable;
        }
        else if (clauses.Count != declaredClauses)
        {
            string message = $"the header declares {declaredClauses} clause{(declaredClauses == 1 ? "" : "s")} but the file has {clauses.Count}";
            if (!options.Lenient) throw new InputException(source, Where(headerLine), message + " (use --lenient to accept the body as it is)");
            warnings.Add($"line {headerLine}: {message}; using the {clauses.Count} clauses present");
        }

        return new DimacsDocument(new CnfFormula(declaredVariables, clauses), warnings, comments);
    }

    private static void ParseHeader(ReadOnlySpan<char> span, string source, int lineNumber, out int variables, out int clauses)
    {
        var parts = span.ToString().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 4 || parts[0] != "p" || parts[1] != "cnf")
        {
            throw new InputException(source, Where(lineNumber), $"malformed header \"{span}\"; expected 'p cnf <variables> <clauses>'");
        }

        if (!int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out variables))
        {
            throw new InputException(source, Where(lineNumber), $"variable count \"{parts[2]}\" is not a non-negative integer");
        }

        if (!int.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out clauses))
        {
            throw new InputException(source, Where(lineNumber), $"clause count \"{parts[3]}\" is not a non-negative integer");
        }
    }

    private static int[] Finish(List<int> literals, int line, List<string> warnings)
    {
        if (literals.Count == 0)
        {
            warnings.Add($"line {line}: empty clause; the formula is unsatisfiable");
            return [];
        }

        var clause = literals.ToArray();
        var seen = new HashSet<int>();
        bool duplicate = false, tautology = false;
        foreach (int literal in clause)
        {
            if (!seen.Add(literal)) duplicate = true;
            if (seen.Contains(-literal)) tautology = true;
        }

        if (duplicate) warnings.Add($"line {line}: clause repeats a literal ({string.Join(' ', clause)} 0); kept (it means the same clause)");
        if (tautology) warnings.Add($"line {line}: tautological clause ({string.Join(' ', clause)} 0); always satisfied");
        return clause;
    }

    private static string Where(int line) => "line " + line.ToString(CultureInfo.InvariantCulture);
}
