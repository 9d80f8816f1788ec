using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Subquad.Cli.Output;
using Subquad.Cluster;
using Subquad.Cluster.Client;
using Subquad.Cluster.Jobs;
using Subquad.Cluster.Silo;
using Subquad.Core.IO;
using Subquad.Core.Problems;
using Subquad.Core.Solvers;

namespace Subquad.Cli.Commands;

/// <summary>
/// <c>subquad cluster silo|status|result</c>, and the <c>solve --cluster</c> hook: the exact engine's plan run on an
/// Orleans cluster (see docs/cluster.md). Cluster errors (Redis unreachable, no silo, a silo refusing the input)
/// are one <c>error:</c> line and exit 2.
/// </summary>
internal static class ClusterCommand
{
    /// <summary>How long a client waits with no silo reachable before it gives up (the job keeps its progress).</summary>
    private static readonly TimeSpan NoSiloTimeout = TimeSpan.FromSeconds(30);

    public static Command Create(CliIO io)
    {
        var command = new Command("cluster", "Run the exact engine on an Orleans cluster: start silos, follow jobs, fetch answers (docs/cluster.md).");
        command.Subcommands.Add(Silo(io));
        command.Subcommands.Add(Status(io));
        command.Subcommands.Add(Result(io));
        command.WithExamples(
            "subquad cluster silo --redis 127.0.0.1:6379 --threads 8 --data-dir /data",
            "subquad cluster result JOB --redis 127.0.0.1:6379 --format json",
            "subquad cluster status --redis 127.0.0.1:6379 --format json");
        return command;
    }

    private static Option<string> RedisOption(bool required) => new("--redis")
    {
        Description = "The cluster's Redis, HOST:PORT (membership and job progress).",
        Required = required,
    };

    private static Option<string?> CertOption() => new("--tls-cert") { Description = "PKCS#12 certificate (with private key) for TLS between silos and clients; required to bind off loopback." };

    private static Option<string?> CertPasswordOption() => new("--tls-password") { Description = "Password of the --tls-cert file (default: none)." };

    private static Command Silo(CliIO io)
    {
        var redis = RedisOption(required: true);
        var threads = new Option<int?>("--threads") { Description = "Threads each chunk runs on; the silo runs one chunk at a time and fetches the next while it runs (default: all cores)." };
        var port = new Option<int>("--port") { Description = "Silo-to-silo port.", DefaultValueFactory = _ => 11111 };
        var gateway = new Option<int?>("--gateway-port") { Description = "Client gateway port (default: --port + 1)." };
        var bind = new Option<string>("--bind") { Description = "Address to listen on and advertise; anything but loopback needs --tls-cert.", DefaultValueFactory = _ => "127.0.0.1" };
        var dataDirs = new Option<string[]>("--data-dir") { Description = "A directory jobs may read inputs from and write join shards to (repeatable).", AllowMultipleArgumentsPerToken = false };
        var cert = CertOption();
        var password = CertPasswordOption();
        var command = new Command("silo", "Start a silo: pulls chunks of running jobs and runs them on the local engine until stopped (Ctrl-C).");
        foreach (var option in new Option[] { redis, threads, port, gateway, bind, dataDirs, cert, password }) command.Options.Add(option);
        command.SetAction(parse => Guard(io, () =>
        {
            int n = parse.GetValue(threads) ?? Environment.ProcessorCount;
            if (n < 1) throw new UsageException($"--threads {n}: must be at least 1");
            int p = parse.GetValue(port);
            int g = parse.GetValue(gateway) ?? p + 1;
            if (p is < 1 or > 65535 || g is < 1 or > 65535 || p == g) throw new UsageException($"--port {p} --gateway-port {g}: two different ports in 1..65535");
            if (!IPAddress.TryParse(parse.GetValue(bind), out var address)) throw new UsageException($"--bind {parse.GetValue(bind)}: expected an IP address");
            var dirs = parse.GetValue(dataDirs) ?? [];
            foreach (var d in dirs)
            {
                if (!Directory.Exists(d)) throw new ClusterException($"--data-dir {d}: no such directory");
            }

            var settings = new ClusterSettings
            {
                Redis = parse.GetValue(redis),
                Address = address,
                SiloPort = p,
                GatewayPort = g,
                Certificate = LoadCertificate(parse.GetValue(cert), parse.GetValue(password)),
            };
            if (settings.Refusal() is string refusal) throw new ClusterException(refusal);
            if (ClusterHosting.CheckRedis(settings.Redis!).GetAwaiter().GetResult() is string unreachable) throw new ClusterException(unreachable);
            var worker = new SiloWorkerOptions { Threads = n, DataDirectories = new DataDirectories(dirs) };
            using var host = ClusterHosting.BuildSilo(settings, worker, Microsoft.Extensions.Logging.LogLevel.Information);
            // SIGTERM and Ctrl-C stop the silo gracefully (its chunks in flight go back to the job when it leaves).
            using var stop = new CancellationTokenSource();
            using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stop.Cancel(); });
            using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stop.Cancel(); });
            host.Start();
            io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"silo listening on {address}:{p} (gateway {g}{(settings.Certificate is null ? "" : ", TLS")}), {n} thread(s) per chunk, Redis {settings.Redis}, data dirs: {(dirs.Length == 0 ? "none" : string.Join(", ", worker.DataDirectories.Roots))}; pid {Environment.ProcessId}"));
            io.Error.Flush();
            stop.Token.WaitHandle.WaitOne();
            io.Error.WriteLine("silo stopping");
            using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            host.StopAsync(grace.Token).GetAwaiter().GetResult();
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Status(CliIO io)
    {
        var redis = RedisOption(required: true);
        var job = new Argument<string?>("job") { Description = "A job id (default: list every job).", Arity = ArgumentArity.ZeroOrOne };
        var format = CommonOptions.Format();
        var command = new Command("status", "Show a job's progress, or list the cluster's jobs.");
        command.Arguments.Add(job);
        command.Options.Add(redis);
        command.Options.Add(format);
        command.SetAction(parse => Guard(io, () =>
        {
            var session = ClusterSession.Connect(parse.GetValue(redis)!).GetAwaiter().GetResult();
            try
            {
                int silos = session.SilosAlive().GetAwaiter().GetResult();
                var ids = parse.GetValue(job) is string id ? [id] : session.Jobs().GetAwaiter().GetResult();
                var statuses = ids.Select(i => session.Status(i).GetAwaiter().GetResult()).ToList();
                if (parse.GetValue(job) is string one && statuses[0].Phase == JobPhase.Unknown) throw new ClusterException($"job {one}: no such job on this cluster");
                PrintStatuses(io, statuses, silos, parse.GetValue(format));
                return ExitCodes.Ok;
            }
            finally
            {
                session.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }));
        return command;
    }

    private static Command Result(CliIO io)
    {
        var redis = RedisOption(required: true);
        var job = new Argument<string>("job") { Description = "The job id printed by solve --cluster." };
        var format = CommonOptions.Format();
        var output = new Option<string?>("--output", "-o") { Description = "For a threshold join: write the pairs to this .csv or .npy file instead of stdout." };
        var limit = new Option<long?>("--limit") { Description = "For a threshold join: print at most this many pairs." };
        var command = new Command("result", "Wait for a job (following its progress) and print its answer exactly as solve does.");
        command.Arguments.Add(job);
        foreach (var option in new Option[] { redis, format, output, limit }) command.Options.Add(option);
        command.SetAction(parse => Guard(io, () =>
        {
            var session = ClusterSession.Connect(parse.GetValue(redis)!).GetAwaiter().GetResult();
            try
            {
                string id = parse.GetValue(job)!;
                var status = session.Wait(id, Progress(io), NoSiloTimeout).GetAwaiter().GetResult();
                var spec = status.Spec ?? throw new ClusterException($"job {id}: no such job on this cluster");
                var request = new SolveCommand.Request
                {
                    File = spec.Input.Path,
                    Against = spec.Against?.Path,
                    Problem = spec.ToProblem(),
                    Format = parse.GetValue(format),
                    Kind = spec.Kind is int k ? (Subquad.Core.IO.VectorKind)k : null,
                    All = spec.All,
                    Top = spec.Top,
                    OutputFile = parse.GetValue(output),
                    Limit = parse.GetValue(limit),
                };
                return Print(io, request, spec.Load(), status);
            }
            finally
            {
                session.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }
        }));
        return command;
    }

    /// <summary>
    /// <c>solve FILE --cluster HOST:PORT|local</c>: submits the request as a job (input checked by size and hash on
    /// every silo), follows it with progress on stderr and prints the answer as <c>solve</c> does.
    /// </summary>
    internal static int Solve(CliIO io, SolveCommand.Request request, string target, CancellationToken cancellationToken) => Guard(io, () =>
    {
        if (!string.Equals(target, "local", StringComparison.Ordinal) && !ClusterSettings.TryParseEndpoint(target, out _, out _))
        {
            throw new UsageException($"--cluster {target}: expected HOST:PORT (the cluster's Redis) or local");
        }

        var inputs = new[] { request.File, request.Against }.OfType<string>().ToList();
        var a = Subquad.Core.IO.VectorFile.Read(request.File, request.Kind);
        var instance = request.Against is null
            ? SimilarityInstance.Monochromatic(a)
            : SimilarityInstance.Bichromatic(a, Subquad.Core.IO.VectorFile.Read(request.Against, request.Kind ?? (a.IsBinary ? null : Subquad.Core.IO.VectorKind.Dense)));
        instance.Validate(request.Problem);
        var refs = inputs.Select(InputHash.Of).ToList();
        string jobId = NewJobId(request.File);
        string? shards = request.All ? Path.Combine(Path.GetDirectoryName(refs[0].Path)!, ".subquad-jobs", jobId) : null;
        var dataDirs = refs.Select(r => Path.GetDirectoryName(r.Path)!).Distinct().ToList();
        var session = ClusterSession.Connect(target, request.Threads, dataDirs).GetAwaiter().GetResult();
        try
        {
            int silos = session.IsLocal ? 1 : session.SilosAlive().GetAwaiter().GetResult();
            if (silos == 0) throw new ClusterException($"no silo is alive in the cluster at Redis {target}");
            var spec = JobSpec.Create(jobId, instance, refs[0], refs.Count > 1 ? refs[1] : null, request.Kind, request.Problem, request.Top, request.All, request.Pruning, shards, silos: silos);
            session.Submit(spec).GetAwaiter().GetResult();
            io.Error.WriteLine(session.IsLocal
                ? $"job {jobId}: {spec.TaskCount} tasks on a one-process cluster"
                : $"job {jobId} submitted ({spec.TaskCount} tasks); if this client stops, the job keeps running: `subquad cluster result {jobId} --redis {target}`");
            var status = session.Wait(jobId, Progress(io), NoSiloTimeout, cancellationToken).GetAwaiter().GetResult();
            return Print(io, request, instance, status);
        }
        finally
        {
            session.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    });

    /// <summary>Prints a finished job like solve; a failed job is one error line, exit 2.</summary>
    private static int Print(CliIO io, SolveCommand.Request request, SimilarityInstance instance, JobStatus status)
    {
        if (status.Phase == JobPhase.Failed) throw new ClusterException($"job {status.JobId} failed: {status.Error}");
        const string solver = "engine (cluster)";
        SolveReport report;
        if (request.All)
        {
            long limit = request.Limit ?? long.MaxValue;
            var delivered = request.Check ? new List<Answer>() : null;
            long written;
            using (var sink = PairSink.Create(io, request.OutputFile, request.Format))
            {
                foreach (var pair in JobResults.Pairs(status))
                {
                    if (sink.Count >= limit) break;
                    sink.Add(PairRow.From(instance, pair));
                    delivered?.Add(pair);
                }

                sink.Complete(); // the job finished: every pair (or the --limit) is here, so the file takes its own name
                written = sink.Count;
            }

            string? check = delivered is null ? null
                : SolveCommand.SamePairs(delivered, BruteForce.PairsMeeting(instance, request.Problem).Take((int)Math.Min(limit, int.MaxValue)).ToList(), instance.IsBinary ? request.Problem.Kind : null);
            report = new SolveReport { Problem = request.Problem, Instance = instance, Answers = [], Mode = "all", PairsWritten = written, PairsFile = request.OutputFile, Check = check, Seconds = status.Seconds, Solver = solver };
            if (request.OutputFile is not null || request.Format == OutputFormat.Table) AnswerPrinter.Print(io, report, request.Format);
            else io.Error.WriteLine($"{written} pairs{(check is null ? "" : ", check: " + check)}");
        }
        else
        {
            var answers = JobResults.Answers(status);
            string? check = null;
            if (request.Top is int k)
            {
                if (request.Check) check = SolveCommand.SamePairs(answers, BruteForce.TopPairs(instance, request.Problem.Kind, k), instance.IsBinary ? request.Problem.Kind : null);
                report = new SolveReport { Problem = answers.Count > 0 ? answers[0].Problem : request.Problem, Instance = instance, Answers = answers, Mode = "top", Check = check, Seconds = status.Seconds, Solver = solver };
            }
            else
            {
                if (request.Check)
                {
                    var verdict = Verifier.Verify(instance, request.Problem, answers[0], ExactSolvers.Oracle);
                    check = verdict.IsValid ? "ok" : verdict.Reason;
                }

                report = new SolveReport { Problem = request.Problem, Instance = instance, Answers = answers, Check = check, Seconds = status.Seconds, Solver = solver };
            }

            AnswerPrinter.Print(io, report, request.Format);
        }

        if (report.Check is not null && report.Check != "ok")
        {
            io.Error.WriteLine($"error: the oracle disagrees with the cluster: {report.Check}");
            return ExitCodes.Internal;
        }

        return ExitCodes.Ok;
    }

    /// <summary>A progress line on stderr at most every 2 s: chunks and tasks done, pairs/s, silos alive.</summary>
    private static Action<JobStatus, int> Progress(CliIO io)
    {
        var last = DateTime.MinValue;
        return (status, silos) =>
        {
            if (status.Phase != JobPhase.Running || DateTime.UtcNow - last < TimeSpan.FromSeconds(2)) return;
            last = DateTime.UtcNow;
            double rate = status.Seconds > 0 ? status.PairsDone / status.Seconds : 0;
            io.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"job {status.JobId}: {status.ChunksDone}/{status.ChunkCount} chunks, {status.TasksDone}/{status.Spec?.TaskCount} tasks, {100.0 * status.PairsDone / Math.Max(1, status.PairCount):0.0}% of pairs, {rate:0.###e0} pairs/s, {silos} silo(s) alive, coordinator {status.CoordinatorSilo}"));
            io.Error.Flush();
        };
    }

    private static void PrintStatuses(CliIO io, List<JobStatus> statuses, int silos, OutputFormat format)
    {
        var rows = statuses.Select(s => new
        {
            job_id = s.JobId,
            phase = s.Phase.ToString().ToLowerInvariant(),
            problem = s.Spec?.ToProblem().ToString(),
            mode = s.Spec is null ? null : s.Spec.All ? "all" : s.Spec.Top is not null ? "top" : "solve",
            input = s.Spec?.Input.Path,
            chunks_done = s.ChunksDone,
            chunks = s.ChunkCount,
            tasks_done = s.TasksDone,
            pairs_done = s.PairsDone,
            pairs = s.PairCount,
            time_s = s.Seconds,
            start_s = s.StartSeconds,
            pairs_per_second = s.Seconds > 0 ? s.PairsDone / s.Seconds : 0,
            leases_reclaimed = s.LeasesReclaimed,
            duplicates_discarded = s.DuplicatesDiscarded,
            coordinator_silo = s.CoordinatorSilo,
            error = s.Error,
        }).ToList();
        switch (format)
        {
            case OutputFormat.Json:
                io.Out.WriteLine(JsonSerializer.Serialize(new { schema = "subquad.cluster_status/1", silos_alive = silos, jobs = rows }, new JsonSerializerOptions { WriteIndented = true }));
                break;
            case OutputFormat.Csv:
                io.Out.WriteLine("job_id,phase,problem,mode,input,chunks_done,chunks,tasks_done,pairs_done,pairs,time_s,start_s,pairs_per_second,leases_reclaimed,duplicates_discarded,coordinator_silo,error");
                foreach (var r in rows)
                {
                    io.Out.WriteLine(string.Join(',', CsvField.Quote(r.job_id), r.phase, CsvField.Quote(r.problem ?? ""), r.mode ?? "", CsvField.Quote(r.input ?? ""),
                        r.chunks_done.ToString(CultureInfo.InvariantCulture), r.chunks.ToString(CultureInfo.InvariantCulture), r.tasks_done.ToString(CultureInfo.InvariantCulture),
                        r.pairs_done.ToString(CultureInfo.InvariantCulture), r.pairs.ToString(CultureInfo.InvariantCulture), r.time_s.ToString("R", CultureInfo.InvariantCulture),
                        r.start_s.ToString("R", CultureInfo.InvariantCulture),
                        r.pairs_per_second.ToString("R", CultureInfo.InvariantCulture), r.leases_reclaimed.ToString(CultureInfo.InvariantCulture),
                        r.duplicates_discarded.ToString(CultureInfo.InvariantCulture), CsvField.Quote(r.coordinator_silo ?? ""), CsvField.Quote(r.error ?? "")));
                }

                break;
            default:
                io.Out.WriteLine($"{silos} silo(s) alive; {rows.Count} job(s)");
                foreach (var r in rows)
                {
                    io.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{r.job_id}  {r.phase,-7}  {r.problem} ({r.mode})  {r.chunks_done}/{r.chunks} chunks  {r.pairs_done}/{r.pairs} pairs  {r.time_s:0.0} s  {r.pairs_per_second:0.###e0} pairs/s{(r.error is null ? "" : "  error: " + r.error)}"));
                }

                break;
        }
    }

    private static string NewJobId(string file)
    {
        string stem = new string(Path.GetFileNameWithoutExtension(file).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-').Take(32).ToArray());
        return $"{stem}-{DateTime.UtcNow:yyyyMMdd-HHmmss}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";
    }

    private static X509Certificate2? LoadCertificate(string? path, string? password)
    {
        if (path is null) return null;
        try
        {
            return X509CertificateLoader.LoadPkcs12FromFile(path, password);
        }
        catch (CryptographicException ex)
        {
            throw new ClusterException($"--tls-cert {path}: not a readable PKCS#12 certificate ({ex.Message.Split('\n')[0].Trim()})");
        }
    }

    /// <summary>Runs a cluster action, turning <see cref="ClusterException"/> into one error line and exit 2.</summary>
    private static int Guard(CliIO io, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (ClusterException ex)
        {
            io.Error.WriteLine("error: " + ex.Message);
            return ExitCodes.BadInput;
        }
    }
}
