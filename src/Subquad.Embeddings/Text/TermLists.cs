using Subquad.Embeddings.Documents;

namespace Subquad.Embeddings.Text;

/// <summary>Tokenizes a list of documents once, in parallel, keeping document order.</summary>
internal static class TermLists
{
    public static IReadOnlyList<string>[] Tokenize(IReadOnlyList<TextDocument> documents, Func<string, IEnumerable<string>> tokenizer, CancellationToken cancellationToken)
    {
        var terms = new IReadOnlyList<string>[documents.Count];
        // Each document is tokenized on its own, so parallelism cannot change the result.
        Parallel.For(0, documents.Count, new ParallelOptions { CancellationToken = cancellationToken }, i => terms[i] = tokenizer(documents[i].Text).ToArray());
        return terms;
    }
}
