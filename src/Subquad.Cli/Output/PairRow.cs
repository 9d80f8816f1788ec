using System.Globalization;
using Subquad.Core.IO;
using Subquad.Core.Problems;

namespace Subquad.Cli.Output;

/// <summary>The printable fields of one reported pair, shared by every format so they cannot drift apart.</summary>
internal readonly record struct PairRow(int I, int J, string? NameI, string? NameJ, PairScore Score)
{
    public static PairRow From(SimilarityInstance instance, Answer answer) => new(
        answer.I,
        answer.J,
        instance.A.RowNames is null ? null : instance.A.NameOf(answer.I),
        instance.Right.RowNames is null ? null : instance.Right.NameOf(answer.J),
        answer.Score);

    /// <summary>The score in round-trip form ("R"): cosine for MSD/LSD, Hamming distance for Min-/Max-Hamming, inner product otherwise.</summary>
    public string ScoreText => Score.Value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>CSV header matching <see cref="ToCsv"/>.</summary>
    public const string CsvHeader = "i,j,name_i,name_j,score,inner_product,weight_i,weight_j";

    public string ToCsv() => string.Join(',',
        I.ToString(CultureInfo.InvariantCulture),
        J.ToString(CultureInfo.InvariantCulture),
        CsvField.Quote(NameI ?? ""),
        CsvField.Quote(NameJ ?? ""),
        ScoreText,
        Score.IsExact ? Score.InnerProduct.ToString(CultureInfo.InvariantCulture) : "",
        Score.IsExact ? Score.WeightI.ToString(CultureInfo.InvariantCulture) : "",
        Score.IsExact ? Score.WeightJ.ToString(CultureInfo.InvariantCulture) : "");
}
