namespace Subquad.Embeddings.Embedders;

/// <summary>Settings for <see cref="DocumentEmbedders.Create"/>. None of them is read from the environment.</summary>
public sealed record DocumentEmbedderOptions
{
    /// <summary>The defaults.</summary>
    public static DocumentEmbedderOptions Default { get; } = new();

    /// <summary>
    /// Splits a text into terms for BOW and TF-IDF (MiniLM has its own WordPiece tokenizer). Null means Core's
    /// <see cref="Subquad.Core.Text.Tokenizer.Tokens"/>, the tokenizer <c>subquad embed</c> uses too.
    /// </summary>
    public Func<string, IEnumerable<string>>? Tokenizer { get; init; }

    /// <summary>BOW and TF-IDF: at most this many columns, the terms of highest document frequency (default 4096).</summary>
    public int MaxTerms { get; init; } = 4096;

    /// <summary>BOW only: fixed keywords (the paper's "fix l keywords"); null selects them by document frequency.</summary>
    public IReadOnlyList<string>? Keywords { get; init; }

    /// <summary>MiniLM: chunks per ONNX Runtime call (default 32).</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>MiniLM: ONNX Runtime intra-op threads; null means all cores.</summary>
    public int? Threads { get; init; }
}
