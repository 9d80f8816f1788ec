namespace Subquad.Core.Engine;

/// <summary>
/// One unit of work of an <see cref="EnginePlan"/>: every candidate pair between the rows at positions
/// [<see cref="StartA"/>, <see cref="EndA"/>) of the left set and [<see cref="StartB"/>, <see cref="EndB"/>) of the right
/// set. Positions index the plan's row order (identity, or sorted by weight/norm for pruning); on a diagonal task of a
/// monochromatic plan only pairs with position p &lt; q are candidates, so every unordered pair is visited once.
/// </summary>
/// <param name="Index">The task's place in the plan (its deterministic order).</param>
/// <param name="BandA">Block index of the left rows (a "row band").</param>
/// <param name="BandB">Block index of the right rows.</param>
/// <param name="StartA">First left position.</param>
/// <param name="EndA">One past the last left position.</param>
/// <param name="StartB">First right position.</param>
/// <param name="EndB">One past the last right position.</param>
/// <param name="Diagonal">True for a monochromatic task whose two blocks are the same (pairs p &lt; q only).</param>
internal readonly record struct BlockPairTask(long Index, int BandA, int BandB, int StartA, int EndA, int StartB, int EndB, bool Diagonal)
{
    /// <summary>Candidate pairs in this task.</summary>
    public long PairCount
    {
        get
        {
            long rows = EndA - StartA;
            return Diagonal ? rows * (rows - 1) / 2 : rows * (EndB - StartB);
        }
    }
}
