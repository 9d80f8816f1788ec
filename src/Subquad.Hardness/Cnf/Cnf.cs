namespace Subquad.Hardness.Cnf;

/// <summary>
/// A formula in conjunctive normal form over variables 1..N: a list of clauses, each a list of DIMACS literals
/// (v for x_v, -v for not x_v). Immutable.
/// </summary>
/// <remarks>
/// Clauses are kept exactly as read (duplicate literals, tautologies and empty clauses included): they are all
/// meaningful CNF and every consumer handles them (an empty clause makes the formula unsatisfiable; a tautology is
/// always satisfied). Assignments are <c>bool[N]</c> with entry v-1 the value of x_v.
/// </remarks>
public sealed class CnfFormula
{
    private readonly int[][] _clauses;

    /// <summary>Creates a formula; every literal must be non-zero with |literal| &lt;= <paramref name="variableCount"/>.</summary>
    /// <exception cref="ArgumentException">A literal is 0 or out of range.</exception>
    public CnfFormula(int variableCount, IEnumerable<IReadOnlyList<int>> clauses)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(variableCount);
        ArgumentNullException.ThrowIfNull(clauses);
        VariableCount = variableCount;
        _clauses = clauses.Select(c => c.ToArray()).ToArray();
        for (int c = 0; c < _clauses.Length; c++)
        {
            foreach (int literal in _clauses[c])
            {
                if (literal == 0 || literal == int.MinValue || Math.Abs(literal) > variableCount)
                {
                    throw new ArgumentException($"clause {c}: literal {literal} is not in +-1..{variableCount}", nameof(clauses));
                }
            }
        }
    }

    /// <summary>N, the number of variables (x_1..x_N).</summary>
    public int VariableCount { get; }

    /// <summary>m, the number of clauses.</summary>
    public int ClauseCount => _clauses.Length;

    /// <summary>Clause <paramref name="c"/>'s literals.</summary>
    public ReadOnlySpan<int> Clause(int c) => _clauses[c];

    /// <summary>All clauses.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Clauses => _clauses;

    /// <summary>True when clause <paramref name="c"/> holds some literal and its negation (always satisfied).</summary>
    public bool IsTautology(int c)
    {
        var clause = _clauses[c];
        for (int i = 0; i < clause.Length; i++)
        {
            for (int j = i + 1; j < clause.Length; j++)
            {
                if (clause[i] == -clause[j]) return true;
            }
        }

        return false;
    }

    /// <summary>True when every clause has a true literal under <paramref name="assignment"/> (length N).</summary>
    /// <exception cref="ArgumentException">The assignment does not have N entries.</exception>
    public bool IsSatisfiedBy(ReadOnlySpan<bool> assignment) => FirstFalsifiedClause(assignment) < 0;

    /// <summary>The index of the first clause with no true literal under <paramref name="assignment"/>, or -1.</summary>
    public int FirstFalsifiedClause(ReadOnlySpan<bool> assignment)
    {
        if (assignment.Length != VariableCount)
        {
            throw new ArgumentException($"{assignment.Length} values for {VariableCount} variables", nameof(assignment));
        }

        for (int c = 0; c < _clauses.Length; c++)
        {
            bool satisfied = false;
            foreach (int literal in _clauses[c])
            {
                if (assignment[Math.Abs(literal) - 1] == literal > 0)
                {
                    satisfied = true;
                    break;
                }
            }

            if (!satisfied) return c;
        }

        return -1;
    }

    /// <summary>Decides satisfiability by trying all 2^N assignments (N &lt;= 24): the test oracle for small formulas.</summary>
    /// <returns>A satisfying assignment, or null.</returns>
    public bool[]? SolveByEnumeration()
    {
        if (VariableCount > 24) throw new InvalidOperationException($"N = {VariableCount}: enumeration is only for N <= 24");
        var assignment = new bool[VariableCount];
        for (long x = 0; x < 1L << VariableCount; x++)
        {
            for (int v = 0; v < VariableCount; v++) assignment[v] = ((x >> v) & 1) != 0;
            if (IsSatisfiedBy(assignment)) return assignment;
        }

        return null;
    }
}
