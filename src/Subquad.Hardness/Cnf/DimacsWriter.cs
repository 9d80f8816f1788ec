using System.Globalization;

namespace Subquad.Hardness.Cnf;

/// <summary>Writes DIMACS CNF: comment lines, the <c>p cnf N m</c> header, then one clause per line ending in 0.</summary>
/// <remarks>The output is what strict solvers (minisat, cadical, picosat) read: no SATLIB <c>%</c> trailer.</remarks>
public static class DimacsWriter
{
    /// <summary>Writes <paramref name="formula"/> to <paramref name="writer"/> with optional comment lines.</summary>
    public static void Write(TextWriter writer, CnfFormula formula, IEnumerable<string>? comments = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(formula);
        foreach (var comment in comments ?? [])
        {
            foreach (var line in comment.Split('\n')) writer.Write(line.Length == 0 ? "c\n" : "c " + line.TrimEnd('\r') + "\n");
        }

        writer.Write(string.Create(CultureInfo.InvariantCulture, $"p cnf {formula.VariableCount} {formula.ClauseCount}\n"));
        var text = new System.Text.StringBuilder();
        for (int c = 0; c < formula.ClauseCount; c++)
        {
            text.Clear();
            foreach (int literal in formula.Clause(c)) text.Append(literal.ToString(CultureInfo.InvariantCulture)).Append(' ');
            text.Append("0\n");
            writer.Write(text);
        }
    }

    /// <summary>The DIMACS text of <paramref name="formula"/>.</summary>
    public static string ToText(CnfFormula formula, IEnumerable<string>? comments = null)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        Write(writer, formula, comments);
        return writer.ToString();
    }

    /// <summary>Writes <paramref name="formula"/> to the file at <paramref name="path"/>.</summary>
    public static void WriteFile(string path, CnfFormula formula, IEnumerable<string>? comments = null)
    {
        using var writer = new StreamWriter(path);
        Write(writer, formula, comments);
    }
}
