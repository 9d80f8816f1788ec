namespace Subquad.Hardness.Cnf;

/// <summary>What <see cref="DimacsReader"/> found in a file: the formula and what was odd about it.</summary>
/// <param name="Formula">The formula.</param>
/// <param name="Warnings">Lenient-mode warnings and notes ("line 12: duplicate literal 5 in a clause"), in file order.</param>
/// <param name="Comments">The text of the <c>c</c> comment lines, without the leading "c ".</param>
public sealed record DimacsDocument(CnfFormula Formula, IReadOnlyList<string> Warnings, IReadOnlyList<string> Comments);
