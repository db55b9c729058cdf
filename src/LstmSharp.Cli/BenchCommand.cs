using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using LstmSharp.Generation;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;
using LstmSharp.Training;

namespace LstmSharp.Cli;

/// <summary>
/// <c>lstmsharp bench step|sample</c>: the same two jobs as the TorchSharp anchor's <c>run.sh step</c> and <c>run.sh sample</c>,
/// with the same arguments and the same one-line output, so the two can be compared side by side on any machine.
/// </summary>
internal sealed class BenchCommand
{
    private readonly CliConsole _console;

    public BenchCommand(CliConsole console)
    {
        _console = console;
        Command = new Command("bench", "Measure training and sampling speed on random data, as the TorchSharp anchor does.")
        {
            CreateStep(),
            CreateSample(),
        };
    }

    public Command Command { get; }

    private static Option<string> CellOption() => new("--cell") { Description = "lstm, gru or rnn.", DefaultValueFactory = _ => "lstm" };

    private static Option<int> IntOption(string name, string description, int fallback) =>
        new(name) { Description = description, DefaultValueFactory = _ => fallback };

    private Command CreateStep()
    {
        Option<string> cell = CellOption();
        Option<int> vocabulary = IntOption("--vocab", "V: the vocabulary size.", 65);
        Option<int> hidden = IntOption("--hidden", "H: the hidden size.", 256);
        Option<int> sequenceLength = IntOption("--seq-length", "T: steps per window.", 100);
        Option<int> batch = IntOption("--batch", "B: streams per window.", 32);
        Option<int> layers = IntOption("--layers", "Stacked recurrent layers.", 1);
        Option<double> dropout = new("--dropout") { Description = "Dropout between layers and before the head (as the anchor's DROPOUT).", DefaultValueFactory = _ => 0.0 };
        Option<int> steps = IntOption("--steps", "Timed steps (after at least 10 warm-up steps and 2.5 s).", 20);
        Option<int> threads = IntOption("--threads", "Threads for the matrix kernels.", Environment.ProcessorCount);
        var command = new Command("step", "One training step (forward, backward, clip 5, Adam) from a zero state on random one-hot characters, loss on every step.")
        {
            cell, vocabulary, hidden, sequenceLength, batch, layers, dropout, steps, threads,
        };
        var names = new Dictionary<string, string>
        {
            ["inputSize"] = "--vocab", ["hiddenSize"] = "--hidden", ["SequenceLength"] = "--seq-length", ["BatchSize"] = "--batch",
            ["layerCount"] = "--layers", ["Dropout"] = "--dropout", ["value"] = "--threads",
        };
        command.SetAction(parse => ErrorReporter.Run(_console, names, () =>
        {
            Parallelism.MaxThreads = parse.GetValue(threads);
            CellType cellType = ParseCell(parse.GetValue(cell)!);
            int v = parse.GetValue(vocabulary), h = parse.GetValue(hidden), t = parse.GetValue(sequenceLength), b = parse.GetValue(batch);
            int layerCount = parse.GetValue(layers), count = parse.GetValue(steps);
            double rate = parse.GetValue(dropout);
            if (count <= 0)
            {
                throw new UsageException("--steps must be positive.");
            }

            var model = new CharModel<float>(cellType, v, h, layerCount);
            model.Initialize(Initialization.PyTorchUniform, 0);
            var trainer = new Trainer(model, new TrainingOptions { SequenceLength = t, BatchSize = b, LearningRate = 1e-3, Dropout = rate });
            var random = new SeededRandom(0);
            int[] inputs = [.. Enumerable.Range(0, t * b).Select(_ => random.NextInt(v))];
            int[] targets = [.. Enumerable.Range(0, t * b).Select(_ => random.NextInt(v))];
            // At least 10 steps and 2.5 s, so the JIT's tiering (and its background allocations) has finished before the clock (and the allocation count) starts.
            var warmUpClock = Stopwatch.StartNew();
            for (int warmUp = 0; warmUp < 10 || warmUpClock.ElapsedMilliseconds < 2500; warmUp++)
            {
                trainer.ResetState();
                trainer.TrainStep(inputs, targets, 1e-3);
            }

            // Every step starts from a zero state, as the anchor's does. Allocations are counted on every thread.
            var clock = new Stopwatch();   // created before the allocation count is read, so it is not counted
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            clock.Start();
            for (int step = 0; step < count; step++)
            {
                trainer.ResetState();
                trainer.TrainStep(inputs, targets, 1e-3);
            }

            clock.Stop();
            long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
            double seconds = clock.Elapsed.TotalSeconds / count;
            int gates = cellType switch { CellType.Lstm => 4, CellType.Gru => 3, _ => 1 };
            double flops = StepFlops(gates, v, h, layerCount) * b * t;
            _console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"lstmsharp step {CellNames.Of(cellType)} V={v} H={h} T={t} B={b}{LayerSuffix(layerCount, rate)}: {b * t / seconds:F0} chars/s  {seconds * 1e3:F2} ms/step  {flops / seconds / 1e9:F1} GFLOP/s(dense-equiv)  {PerItem(allocated, count)} B/step allocated  threads={Parallelism.MaxThreads}"));
            return ExitCodes.Success;
        }));
        return command;
    }

    /// <summary>
    /// The anchor's dense-equivalent multiply-adds ×2 per character of a training step (forward + 2 × backward): every layer's
    /// G·H·(I + H) with I = V for the first and H above, and the head's V·H.
    /// </summary>
    private static double StepFlops(int gates, int vocabularySize, int hiddenSize, int layerCount) =>
        3.0 * (2.0 * gates * hiddenSize * (vocabularySize + hiddenSize) + (layerCount - 1) * 2.0 * gates * hiddenSize * 2 * hiddenSize + 2.0 * vocabularySize * hiddenSize);

    private static string LayerSuffix(int layerCount, double dropout) =>
        layerCount == 1 && dropout == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" layers={layerCount} dropout={dropout}");

    /// <summary>Bytes per item, exact: an integer when the total divides evenly, else with its fraction (never rounded down to 0).</summary>
    private static string PerItem(long bytes, int count) =>
        bytes % count == 0 ? (bytes / count).ToString(CultureInfo.InvariantCulture) : ((double)bytes / count).ToString("0.###", CultureInfo.InvariantCulture);

    private Command CreateSample()
    {
        Option<string> cell = CellOption();
        Option<int> vocabulary = IntOption("--vocab", "V: the vocabulary size.", 65);
        Option<int> hidden = IntOption("--hidden", "H: the hidden size.", 512);
        Option<int> characters = IntOption("--chars", "Characters to generate.", 3000);
        Option<int> threads = IntOption("--threads", "Threads for the matrix kernels.", Environment.ProcessorCount);
        var bfloat16 = new Option<bool>("--bf16") { Description = "Sample on bfloat16 weights (SamplingOptions.BFloat16)." };
        var command = new Command("sample", "Generate characters one at a time from a random model, state carried, sampled from the softmax.")
        {
            cell, vocabulary, hidden, characters, threads, bfloat16,
        };
        var names = new Dictionary<string, string> { ["hiddenSize"] = "--hidden", ["vocabularySize"] = "--vocab", ["value"] = "--threads" };
        command.SetAction(parse => ErrorReporter.Run(_console, names, () =>
        {
            Parallelism.MaxThreads = parse.GetValue(threads);
            CellType cellType = ParseCell(parse.GetValue(cell)!);
            int v = parse.GetValue(vocabulary), h = parse.GetValue(hidden), count = parse.GetValue(characters);
            if (count <= 0 || v > 0x10000)
            {
                throw new UsageException("--chars must be positive and --vocab at most 65536.");
            }

            Vocabulary characterSet = Vocabulary.FromCharacters(Enumerable.Range(0x100, v).Select(value => new Rune(value)));
            var model = new CharModel<float>(cellType, v, h);
            model.Initialize(Initialization.PyTorchUniform, 0);
            bool bf16 = parse.GetValue(bfloat16);
            var sampler = new Sampler(model, characterSet, new SamplingOptions { Seed = 0, BFloat16 = bf16 });
            sampler.Prime(characterSet[0].ToString());
            var warmUpClock = Stopwatch.StartNew();
            for (int warmUp = 0; warmUp < 100 || warmUpClock.ElapsedMilliseconds < 2500; warmUp++)
            {
                sampler.NextId();
            }

            var clock = new Stopwatch();   // created before the allocation count is read, so it is not counted
            long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            clock.Start();
            for (int index = 0; index < count; index++)
            {
                sampler.NextId();
            }

            clock.Stop();
            string allocated = PerItem(GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore, count);
            double seconds = clock.Elapsed.TotalSeconds;
            _console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"lstmsharp sample {CellNames.Of(cellType)} V={v} H={h}: {count / seconds:F0} chars/s  {allocated} B/char allocated  threads={Parallelism.MaxThreads}{(bf16 ? "  bf16" : "")}"));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static CellType ParseCell(string name) =>
        CellNames.TryParse(name, out CellType cell) ? cell : throw new UsageException($"--cell must be lstm, gru or rnn, not '{name}'.");
}
