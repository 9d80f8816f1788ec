using System.Text.Json;
using Subquad.Lab.Zoo;

namespace Subquad.Lab.Tests.Zoo;

public sealed class ZooTests
{
    [Theory]
    [InlineData(0, 10, 0.0, 0.2775)]
    [InlineData(10, 10, 0.7225, 1.0)]
    [InlineData(5, 10, 0.2366, 0.7634)]
    [InlineData(990, 1000, 0.9817, 0.9946)]
    public void Wilson_interval_matches_published_values(long k, long n, double low, double high)
    {
        var p = Proportion.Of(k, n);
        Assert.Equal(low, p.Ci95Low, 4);
        Assert.Equal(high, p.Ci95High, 4);
        Assert.Equal((double)k / n, p.Rate);
    }

    [Fact]
    public void Demo_section_reports_the_hand_set_construction_exact_and_every_line_as_a_count()
    {
        var lines = ZooDemo.Run(seed: 3, steps: 8, testSequences: 20, threads: 1);
        Assert.Equal(4, lines.Count); // hand-set, always-yes, attention, mamba
        Assert.Equal(lines[0].Accuracy.Trials, lines[0].Accuracy.Successes);
        Assert.Equal(20 * 15, lines[0].Accuracy.Trials); // n = 16: 15 labelled documents per sequence
        Assert.All(lines.Skip(1), l => Assert.Equal(20 * 7, l.Accuracy.Trials)); // n = 8, the same held-out sequences
    }

    [Fact]
    public void Tiny_sweep_writes_rows_resumes_without_redoing_and_keeps_schema_and_csv_in_step()
    {
        string dir = Path.Combine(Path.GetTempPath(), "zoo-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var e = new ZooExperiment { Sizes = [4], Mixers = ["attention", "mamba"], Widths = [8], Seeds = [1], LearningRates = [1e-3, 3e-3], Steps = 2, Batch = 2, ValidationSequences = 4, TestSequences = 6, Threads = 1 };
            ZooOutput.Prepare(dir, e, force: false);
            var first = new ZooRunner(e, dir).Run(null, CancellationToken.None);
            Assert.True(first.Completed);
            Assert.Equal(4, first.Rows.Count);
            Assert.Equal(2, first.Rows.Count(r => r.Selected)); // one lr per (mixer, width, seed)
            Assert.All(first.Rows, r => Assert.Equal(6 * 3, r.Accuracy.Trials)); // n - 1 labelled documents per sequence
            Assert.Equal(3, first.Controls.Count); // always-yes, always-no, the hand-set construction
            Assert.Equal(first.Controls[0].Accuracy.Trials, first.Controls[0].Accuracy.Successes + first.Controls[1].Accuracy.Successes);
            var handSet = Assert.Single(first.Controls, c => c.Name == ZooRunner.HandSetName);
            Assert.Equal(handSet.Accuracy.Trials, handSet.Accuracy.Successes); // the construction is exact on these sequences

            // The one-pass curve: K = 0 never says yes (the always-no rate on its sequences), K = n keeps everything (exact).
            var none = Assert.Single(first.OnePass, p => p.Kept == 0);
            var all = Assert.Single(first.OnePass, p => p.Kept == 4);
            Assert.Equal(all.Accuracy.Trials, all.Accuracy.Successes);
            Assert.Equal(first.Controls[1].Accuracy.Successes, none.Accuracy.Successes); // all 6 test sequences are on the curve
            Assert.True(first.OnePass.Zip(first.OnePass.Skip(1)).All(p => p.First.Accuracy.Successes <= p.Second.Accuracy.Successes));

            var again = new ZooRunner(e, dir).Run(null, CancellationToken.None);
            Assert.Equal(first.Rows.Select(r => (r.Key, r.Accuracy)), again.Rows.Select(r => (r.Key, r.Accuracy)));
            Assert.Equal(4, File.ReadAllLines(Path.Combine(dir, "runs.jsonl")).Length); // nothing redone

            ZooOutput.Write(again, dir);
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "results.json")));
            Assert.Equal("subquad.zoo/1", doc.RootElement.GetProperty("schema").GetString());
            Reports.SnakeCaseKeys.Assert(doc.RootElement);
            var row = doc.RootElement.GetProperty("rows")[0];
            var jsonKeys = row.EnumerateObject().SelectMany(p => p.Value.ValueKind == JsonValueKind.Object ? p.Value.EnumerateObject().Select(q => p.Name + "_" + q.Name) : [p.Name]).ToList();
            var csvHeader = File.ReadLines(Path.Combine(dir, "results.csv")).First().Split(',');
            Assert.Equal(jsonKeys.Order(), csvHeader.Order());
            Assert.True(File.Exists(Path.Combine(dir, "report.md")));
            Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir, "plots"), "*.svg"));

            // A different experiment in the same folder is refused rather than mixed in.
            Assert.Throws<ArgumentException>(() => ZooOutput.Prepare(dir, e with { Steps = 3 }, force: false));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Jobs_and_threads_change_nothing_in_the_rows_and_a_deferred_lr_is_the_best_mean_at_the_search_size()
    {
        var e = new ZooExperiment
        {
            Sizes = [4, 8], Mixers = ["attention", "mamba"], Widths = [8], Seeds = [1, 2], LearningRates = [1e-3, 1e-2], LrSearchSizes = [4],
            Steps = 3, TokensPerStep = 16, ValidationSequences = 6, TestSequences = 6, Threads = 1, Jobs = 1,
        };
        var keys = e.Runs().ToList();
        Assert.Equal(2 * 2 * 2 + 2 * 2, keys.Count); // n = 4: every lr; n = 8: one deferred lr per (mixer, seed)
        Assert.All(keys.Where(k => k.N == 8), k => Assert.True(double.IsNaN(k.Lr)));
        Assert.Equal(4, e.BatchFor(4));
        Assert.Equal(2, e.BatchFor(8));
        Assert.Equal(1, e.BatchFor(64));

        var rows = new List<IReadOnlyList<ZooRow>>();
        foreach (var (threads, jobs) in new[] { (1, 1), (2, 2), (2, 1) })
        {
            string dir = Path.Combine(Path.GetTempPath(), "zoo-test-" + Guid.NewGuid().ToString("N"));
            try
            {
                var run = e with { Threads = threads, Jobs = jobs };
                ZooOutput.Prepare(dir, run, force: false);
                var result = new ZooRunner(run, dir).Run(null, CancellationToken.None);
                Assert.True(result.Completed);
                Assert.Empty(result.Skipped);
                rows.Add(result.Rows);

                // A resume may change threads and jobs (they do not change rows) but nothing else.
                ZooOutput.Prepare(dir, run with { Threads = 1, Jobs = 3 }, force: false);
                Assert.Throws<ArgumentException>(() => ZooOutput.Prepare(dir, run with { Steps = 4 }, force: false));
            }
            finally
            {
                if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
            }
        }

        Assert.Equal(12, rows[0].Count);
        Assert.Equal(rows[0].Select(r => (r.Key, r.Accuracy, r.ValidationRate, r.FinalLoss, r.Batch)), rows[1].Select(r => (r.Key, r.Accuracy, r.ValidationRate, r.FinalLoss, r.Batch)));
        Assert.Equal(rows[0].Select(r => (r.Key, r.Accuracy, r.ValidationRate, r.FinalLoss)), rows[2].Select(r => (r.Key, r.Accuracy, r.ValidationRate, r.FinalLoss)));
        foreach (var mixer in e.Mixers)
        {
            var search = rows[0].Where(r => r.N == 4 && r.Mixer == mixer).GroupBy(r => r.Lr).Select(g => (Lr: g.Key, Mean: g.Average(r => r.ValidationRate))).ToList();
            double best = search.OrderByDescending(g => g.Mean).ThenBy(g => g.Lr).First().Lr;
            var later = rows[0].Where(r => r.N == 8 && r.Mixer == mixer).ToList();
            Assert.Equal(2, later.Count);
            Assert.All(later, r => Assert.Equal(best, r.Lr));
            Assert.All(later, r => Assert.True(r.Selected));
            Assert.All(later, r => Assert.Equal(2, r.Batch)); // 16 tokens per step at n = 8
        }
    }

    [Fact]
    public void Cancelled_before_the_first_run_keeps_nothing_and_says_so()
    {
        string dir = Path.Combine(Path.GetTempPath(), "zoo-test-" + Guid.NewGuid().ToString("N"));
        try
        {
            var e = new ZooExperiment { Sizes = [4], Mixers = ["attention"], Widths = [8], Seeds = [1], LearningRates = [1e-3], Steps = 2, Batch = 2, ValidationSequences = 4, TestSequences = 4, Threads = 1 };
            using var cancel = new CancellationTokenSource();
            cancel.Cancel();
            var result = new ZooRunner(e, dir).Run(null, cancel.Token);
            Assert.False(result.Completed);
            Assert.Empty(result.Rows);
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Unknown_mixers_and_bad_widths_are_refused_with_the_name()
    {
        var bad = Assert.Throws<ArgumentException>(() => new ZooExperiment { Mixers = ["hyena"] }.Validate());
        Assert.Contains("hyena", bad.Message);
        Assert.Throws<ArgumentException>(() => new ZooExperiment { Widths = [0] }.Validate());
    }
}
