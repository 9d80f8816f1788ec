namespace Subquad.Learn.Tasks;

/// <summary>A synthetic task: draws labelled sequences of one length from a seeded generator.</summary>
public interface ISequenceTask
{
    /// <summary>Short name for results ("copy", "partner-recall/ov", ...).</summary>
    string Name { get; }

    /// <summary>Features per token.</summary>
    int InputDim { get; }

    /// <summary>Classes per labelled token.</summary>
    int Classes { get; }

    /// <summary>Tokens per sequence.</summary>
    int Length { get; }

    /// <summary><paramref name="batch"/> fresh sequences.</summary>
    SequenceBatch Sample(Random rng, int batch);
}
