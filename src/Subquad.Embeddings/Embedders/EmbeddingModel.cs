namespace Subquad.Embeddings.Embedders;

/// <summary>How documents become vectors.</summary>
public enum EmbeddingModel
{
    /// <summary>Bag of words, the paper's embedding (section 2.1 of paper.md): bit k is 1 iff keyword k occurs. Binary.</summary>
    Bow,

    /// <summary>TF-IDF weights over the same kind of vocabulary, rows L2-normalised. Dense float32.</summary>
    TfIdf,

    /// <summary>all-MiniLM-L6-v2 sentence embeddings (384-d, unit length), run by ONNX Runtime. Dense float32.</summary>
    MiniLm,
}

/// <summary>Names of <see cref="EmbeddingModel"/> on the command line.</summary>
public static class EmbeddingModels
{
    /// <summary>The names accepted by <see cref="TryParse"/>, for help texts.</summary>
    public const string Names = "bow, tfidf, minilm";

    /// <summary>"bow", "tfidf" or "minilm".</summary>
    public static string CliName(this EmbeddingModel model) => model switch
    {
        EmbeddingModel.Bow => "bow",
        EmbeddingModel.TfIdf => "tfidf",
        EmbeddingModel.MiniLm => "minilm",
        _ => throw new ArgumentOutOfRangeException(nameof(model)),
    };

    /// <summary>Parses a model name (case-insensitive; "tf-idf" and "all-minilm-l6-v2" accepted).</summary>
    public static bool TryParse(string? text, out EmbeddingModel model)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "bow": model = EmbeddingModel.Bow; return true;
            case "tfidf" or "tf-idf": model = EmbeddingModel.TfIdf; return true;
            case "minilm" or "all-minilm-l6-v2": model = EmbeddingModel.MiniLm; return true;
            default: model = default; return false;
        }
    }
}
