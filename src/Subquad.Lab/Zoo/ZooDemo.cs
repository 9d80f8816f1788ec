using Subquad.Learn.Autodiff;
using Subquad.Learn.Mixers;
using Subquad.Learn.Model;
using Subquad.Learn.Tasks;
using Subquad.Learn.Training;

namespace Subquad.Lab.Zoo;

/// <summary>
/// The demo's trained-models section, under a minute on 2 cores: the paper's one-head construction written into the
/// trained block (OV partner recall, n = 16, not trained), then attention and Mamba trained from scratch for a few
/// hundred steps at n = 8 beside the always-yes control. A demo-scale run, labelled as such; `subquad zoo` is the
/// experiment.
/// </summary>
public static class ZooDemo
{
    /// <summary>One line of the section: what, accuracy over labelled tokens (Wilson 95%), seconds.</summary>
    public sealed record Line(string What, Proportion Accuracy, double Seconds);

    /// <summary>Runs the section; <paramref name="steps"/> training steps per mixer.</summary>
    public static IReadOnlyList<Line> Run(int seed, int steps = 300, int testSequences = 200, int threads = 2)
    {
        int keep = LearnThreads.Max;
        LearnThreads.Max = threads;
        try
        {
            var lines = new List<Line>();
            var clock = System.Diagnostics.Stopwatch.StartNew();
            var big = new PartnerRecallTask(PartnerFamily.Ov, 16);
            var handSet = new SequenceModel(new ModelConfig(big.InputDim, big.Classes, 2, new MixerSpec(MixerKind.Attention, 64, 1), big.Length, true), seed);
            AttentionConstruction.Apply(handSet, big.Family);
            lines.Add(Evaluate("attention, hand-set Thm 4.1 weights (not trained), n = 16", handSet, big, testSequences, seed, clock));

            var task = new PartnerRecallTask(PartnerFamily.Ov, 8);
            var rng = new Random(seed + 1);
            long yes = 0, tokens = 0;
            var data = task.Sample(rng, testSequences);
            foreach (int t in data.Targets)
            {
                if (t < 0) continue;
                tokens++;
                yes += t;
            }

            lines.Add(new Line("always-yes control, n = 8", Proportion.Of(yes, tokens), 0));
            foreach (var kind in new[] { MixerKind.Attention, MixerKind.Mamba })
            {
                clock.Restart();
                var model = new SequenceModel(new ModelConfig(task.InputDim, task.Classes, 2, new MixerSpec(kind, 32), task.Length, ModelConfig.PositionsFor(kind)), seed);
                var stages = Trainer.DoublingCurriculum(8, steps, 32).Select(s => ((ISequenceTask)new PartnerRecallTask(task.Family, s.Size), s.Steps, s.Batch)).ToList();
                Trainer.Train(model, stages, new TrainingConfig(steps, 32, 3e-3, seed, 0));
                lines.Add(Evaluate($"{kind.Name()}, width 32, trained {steps} steps from scratch, n = 8", model, task, testSequences, seed + 1, clock));
            }

            return lines;
        }
        finally
        {
            LearnThreads.Max = keep;
        }
    }

    private static Line Evaluate(string what, SequenceModel model, PartnerRecallTask task, int sequences, int seed, System.Diagnostics.Stopwatch clock)
    {
        var e = Trainer.Evaluate(model, task, sequences, seed);
        return new Line(what, Proportion.Of(e.TokensCorrect, e.Tokens), clock.Elapsed.TotalSeconds);
    }
}
