// Split and list (Williams 2005): CNF-SAT with N variables and m clauses reduces to bichromatic OV with
// 2^{ceil(N/2)} and 2^{floor(N/2)} vectors in dimension m.
//
// Statement. Split the variables into x_1..x_h (h = ceil(N/2)) and x_{h+1}..x_N. Map a partial assignment alpha of a
//   half to u(alpha) in {0,1}^m with u(alpha)[c] = 1 iff alpha satisfies no literal of clause c. Then
//   <u(alpha), u(beta)> = 0 iff every clause is satisfied by alpha or by beta, i.e. iff alpha u beta satisfies the
//   formula. So the formula is satisfiable iff (A, B) has an orthogonal pair.
// Construction. Row x of A is the assignment with x_{v} = bit (v - 1) of x; row y of B has x_{h+v} = bit (v - 1) of y.
//   A clause is unsatisfied by a half iff it is unsatisfied by both quarters of the half, so each half is built as
//   the AND of two tables over its quarter assignments (2^{N/4} rows each, computed clause by clause from the
//   quarter's positive and negative literal masks P, Q: unsatisfied iff (x & P) == 0 and (~x & Q) == 0).
//   Empty clauses are 1 on both sides (the formula is unsatisfiable, and no pair is orthogonal); tautologies and
//   duplicate literals need no special case. With m = 0 one all-zero column is added (dimension must be >= 1). The decoder joins the pair's halves and ALWAYS checks the assignment
//   against the formula before reporting it (a wrong witness throws: it means the solver below is wrong).
// Size. 2^h + 2^{N-h} rows, dimension max(m, 1); O(2^{N/2} m / 64 + 2^{N/4} m) time. Refused, with the size in the
//   message, when the padded rows exceed SplitAndListOptions.MemoryBudgetBytes or a side exceeds 2^30 rows.
// References. R. Williams, TCS 2005 (SETH => OVC); paper.md 2.3 and 3.2 (cited, not proved, by Alman & Yu).
using System.Globalization;
using Subquad.Core;
using Subquad.Core.Problems;
using Subquad.Core.Vectors;
using Subquad.Hardness.Cnf;

namespace Subquad.Hardness.Reductions;

/// <summary>Williams' split and list: CNF-SAT as bichromatic OV, with a verifying decoder.</summary>
public static class CnfSatToOrthogonalVectors
{
    /// <summary>Variables in the first half: h = ceil(N/2).</summary>
    public static int LeftVariables(int variableCount) => (variableCount + 1) / 2;

    /// <summary>Bytes the two halves take for N variables and m clauses (512-bit padded rows).</summary>
    public static long BytesNeeded(int variableCount, int clauseCount)
    {
        int h = LeftVariables(variableCount);
        if (h >= 62) return long.MaxValue;
        long rows = (1L << h) + (1L << (variableCount - h));
        long rowBytes = BinaryVectors.WordsFor(Math.Max(clauseCount, 1)) * 8L;
        return rows > long.MaxValue / rowBytes ? long.MaxValue : rows * rowBytes;
    }

    /// <summary>Throws a one-line <see cref="InputException"/> naming the size when the halves would not fit.</summary>
    public static void CheckSize(CnfFormula formula, SplitAndListOptions? options = null, string? source = null)
    {
        ArgumentNullException.ThrowIfNull(formula);
        options ??= SplitAndListOptions.Default;
        int n = formula.VariableCount, h = LeftVariables(n), m = Math.Max(formula.ClauseCount, 1);
        long bytes = BytesNeeded(n, formula.ClauseCount);
        if (h > 30 || bytes > options.MemoryBudgetBytes)
        {
            int rowBits = BinaryVectors.WordsFor(m) * 64;
            string need = h >= 62 ? "more than 2^62 bytes" : FormatBytes(bytes);
            throw new InputException(source, null, string.Create(CultureInfo.InvariantCulture,
                $"split and list needs 2^{h} + 2^{n - h} rows x {m} bits ({rowBits}-bit padded rows) = {need} for N = {n} variables, over the {FormatBytes(options.MemoryBudgetBytes)} memory budget{(h > 30 ? " and the 2^30-row limit per side" : "")}; split and list is for N up to about 46"));
        }
    }

    /// <summary>"1.50 GiB" style.</summary>
    public static string FormatBytes(long bytes) => bytes >= 1L << 30
        ? string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):F2} GiB")
        : string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):F2} MiB");

    /// <summary>Builds the two halves (A for x_1..x_h, B for x_{h+1}..x_N).</summary>
    /// <exception cref="InputException">The halves would exceed the memory budget (message names the size).</exception>
    public static (BinaryVectors A, BinaryVectors B) Halves(CnfFormula formula, SplitAndListOptions? options = null, string? source = null)
    {
        CheckSize(formula, options, source);
        options ??= SplitAndListOptions.Default;
        int n = formula.VariableCount, h = LeftVariables(n);
        return (Half(formula, 0, h, options, source, "A"), Half(formula, h, n - h, options, source, "B"));
    }

    private static BinaryVectors Half(CnfFormula formula, int firstVariable, int variables, SplitAndListOptions options, string? source, string side)
    {
        int m = formula.ClauseCount, dimensions = Math.Max(m, 1);
        int rows = 1 << variables;
        int words = (m + 63) / 64;

        // A clause is unsatisfied by the half iff it is unsatisfied by both quarters of the half's variables, so row
        // x = low[x mod 2^lo] AND high[x >> lo], where low/high are the bit rows of the quarter assignments: the
        // per-clause test runs 2^lo + 2^hi times instead of 2^variables times, and each row costs m/64 word ANDs.
        int lo = variables / 2, hi = variables - lo;
        var low = QuarterRows(formula, firstVariable, lo, words);
        var high = QuarterRows(formula, firstVariable + lo, hi, words);
        var builder = new BinaryVectors.Builder(rows, dimensions);
        int chunk = 1 << 12;
        int chunks = (rows + chunk - 1) / chunk;
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Threads ?? -1 };
        Parallel.For(0, chunks, parallel, t =>
        {
            int end = Math.Min(rows, (t + 1) * chunk);
            int loMask = (1 << lo) - 1;
            for (int x = t * chunk; x < end; x++)
            {
                var row = builder.RowSpan(x);
                var l = low.AsSpan((x & loMask) * words, words);
                var h = high.AsSpan((x >> lo) * words, words);
                for (int w = 0; w < words; w++) row[w] = l[w] & h[w];
            }
        });

        string name = string.Create(CultureInfo.InvariantCulture, $"{source ?? "cnf"} half {side} (x{firstVariable + 1}..x{firstVariable + variables})");
        return builder.Build(null, name);
    }

    /// <summary>
    /// For each assignment x of the <paramref name="count"/> variables from <paramref name="firstVariable"/> (0-based):
    /// bit c is 1 iff x sets no literal of clause c true. Row x occupies words [x*words, (x+1)*words).
    /// </summary>
    private static ulong[] QuarterRows(CnfFormula formula, int firstVariable, int count, int words)
    {
        int m = formula.ClauseCount;
        var positive = new ulong[m];
        var negative = new ulong[m];
        for (int c = 0; c < m; c++)
        {
            foreach (int literal in formula.Clause(c))
            {
                int v = Math.Abs(literal) - 1 - firstVariable;
                if (v < 0 || v >= count) continue;
                if (literal > 0) positive[c] |= 1UL << v;
                else negative[c] |= 1UL << v;
            }
        }

        var table = new ulong[(1 << count) * words];
        for (int x = 0; x < 1 << count; x++)
        {
            ulong assignment = (ulong)x;
            for (int c = 0; c < m; c++)
            {
                // Unsatisfied: no positive literal set and no negative literal cleared.
                if ((assignment & positive[c]) == 0 && (~assignment & negative[c]) == 0) table[x * words + (c >> 6)] |= 1UL << (c & 63);
            }
        }

        return table;
    }

    /// <summary>
    /// The assignment of pair (row <paramref name="i"/> of A, row <paramref name="j"/> of B), checked against the
    /// formula. Throws <see cref="InvalidOperationException"/> when it does not satisfy the formula.
    /// </summary>
    public static bool[] Decode(CnfFormula formula, int i, int j)
    {
        ArgumentNullException.ThrowIfNull(formula);
        int n = formula.VariableCount, h = LeftVariables(n);
        var assignment = new bool[n];
        for (int v = 0; v < h; v++) assignment[v] = ((i >> v) & 1) != 0;
        for (int v = 0; v < n - h; v++) assignment[h + v] = ((j >> v) & 1) != 0;
        int falsified = formula.FirstFalsifiedClause(assignment);
        if (falsified >= 0)
        {
            throw new InvalidOperationException($"the orthogonal pair ({i}, {j}) decodes to an assignment that falsifies clause {falsified + 1}: the OV solver's witness is wrong");
        }

        return assignment;
    }

    /// <summary>The reduction: one bichromatic OV query and the verifying decoder.</summary>
    public static Reduction<SatOutcome> Reduce(CnfFormula formula, SplitAndListOptions? options = null, string? source = null)
    {
        var (a, b) = Halves(formula, options, source);
        var instance = SimilarityInstance.Bichromatic(a, b);
        return new Reduction<SatOutcome>(
            1,
            _ => new SimilarityQuery(instance, Problem.OrthogonalVectors),
            ask =>
            {
                var answer = ask(0);
                return answer.Found ? new SatOutcome(true, Decode(formula, answer.I, answer.J)) : SatOutcome.Unsatisfiable;
            });
    }
}
