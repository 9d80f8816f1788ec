using System.CommandLine;
using System.Globalization;
using Spectre.Console;
using Subquad.Cli.Output;
using Subquad.Hardness.Cnf;
using Subquad.Hardness.Generators;
using Subquad.Hardness.Reductions;
using Subquad.Hardness.Sat;

namespace Subquad.Cli.Commands;

/// <summary>
/// <c>subquad reduce FILE.cnf --to ov|lsd|bmaxip|bmsd -o DIR</c>: writes the similarity instance a CNF formula reduces
/// to, as numpy <c>.npy</c> files plus a <c>chain.json</c> sidecar describing the stages.
/// </summary>
internal static class ReduceCommand
{
    public static Command Create(CliIO io)
    {
        var file = new Argument<string>("file") { Description = "DIMACS CNF file." };
        var to = new Option<string>("--to") { Description = "Target: ov (bichromatic OV), lsd, bmaxip, bmsd (same chains as 'sat --via').", Required = true };
        to.AcceptOnlyFromAmong(SatChain.All.Select(c => c.Name).ToArray());
        var output = new Option<string>("--output", "-o") { Description = "Directory for the .npy files and chain.json (created if needed).", Required = true };
        var force = new Option<bool>("--force") { Description = "Replace existing files." };
        var lenient = new Option<bool>("--lenient") { Description = "Header count disagreements, a missing header or a last clause without 0 become warnings." };
        var memory = new Option<double>("--max-memory-gib") { Description = "Memory budget for the split-and-list halves, GiB.", DefaultValueFactory = _ => 2.0 };
        var format = CommonOptions.Format();
        var command = new Command("reduce", "Write the OV / LSD / bichromatic Max-IP / bichromatic MSD instance of a CNF formula as .npy files with a JSON sidecar.");
        command.Arguments.Add(file);
        foreach (var option in new Option[] { to, output, force, lenient, memory, format }) command.Options.Add(option);
        command.WithExamples(
            "subquad reduce f.cnf --to ov -o f-ov/",
            "subquad reduce f.cnf --to bmsd -o f-bmsd/ --format json");
        command.SetAction(parse =>
        {
            string path = parse.GetValue(file)!;
            double gib = parse.GetValue(memory);
            if (!(gib > 0)) throw new UsageException($"--max-memory-gib {gib}: must be positive");
            var document = DimacsReader.ReadFile(path, new DimacsReadOptions { Lenient = parse.GetValue(lenient) });
            foreach (var warning in document.Warnings) io.Error.WriteLine("warning: " + warning);
            var chain = SatChain.Find(parse.GetValue(to)!)!;
            var written = CnfInstanceExport.Write(document.Formula, chain, parse.GetValue(output)!, parse.GetValue(force),
                new SplitAndListOptions { MemoryBudgetBytes = (long)(gib * (1L << 30)) }, path);
            if (parse.GetValue(format) != OutputFormat.Table)
            {
                new ResultDocument("reduce", "files")
                    .Add("input", new Record { { "path", path }, { "variables", document.Formula.VariableCount }, { "clauses", document.Formula.ClauseCount }, { "kind", "cnf" }, { "dtype", "dimacs" } })
                    .Add("to", chain.Name)
                    .Add("target", chain.Target)
                    .Add("output", parse.GetValue(output))
                    .Add("files", written.Select(f => new Record { { "path", f }, { "bytes", new FileInfo(f).Length } }).ToList())
                    .Write(io.Out, parse.GetValue(format));
                return ExitCodes.Ok;
            }

            var table = new Table().Title(Markup.Escape($"{path} -> {chain.Target}")).AddColumn("file").AddColumn("bytes");
            foreach (var f in written) table.AddRow(Markup.Escape(f), new FileInfo(f).Length.ToString(CultureInfo.InvariantCulture));
            io.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }
}
