using Subquad.Hardness.Cnf;

namespace Subquad.Hardness.Generators;

/// <summary>
/// Uniform random k-SAT, the SATLIB uf/uuf model: each clause picks k distinct variables uniformly and negates each
/// with probability 1/2 (no repeated variable, so no duplicates and no tautologies). Seeded and reproducible.
/// </summary>
/// <remarks>Near the 3-SAT threshold (m/N about 4.26) about half the formulas are satisfiable.</remarks>
public static class RandomKSat
{
    /// <summary>A random k-CNF with <paramref name="variables"/> variables and <paramref name="clauses"/> clauses.</summary>
    /// <exception cref="ArgumentOutOfRangeException">k is not in 1..N, or a count is negative.</exception>
    public static CnfFormula Generate(int variables, int clauses, int k, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(variables);
        ArgumentOutOfRangeException.ThrowIfNegative(clauses);
        if (k < 1 || (k > variables && clauses > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(k), k, $"k must be in 1..N = {variables}");
        }

        var random = new Random(seed);
        var list = new List<int[]>(clauses);
        var chosen = new HashSet<int>();
        for (int c = 0; c < clauses; c++)
        {
            chosen.Clear();
            var clause = new int[k];
            for (int i = 0; i < k; i++)
            {
                int v;
                do v = random.Next(1, variables + 1);
                while (!chosen.Add(v));
                clause[i] = random.Next(2) == 0 ? v : -v;
            }

            list.Add(clause);
        }

        return new CnfFormula(variables, list);
    }
}
