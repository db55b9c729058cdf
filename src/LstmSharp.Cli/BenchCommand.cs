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
        Option<int> steps = IntOption("--steps", "Timed steps (after 10 warm-up steps).", 20);
        Option<int> threads = IntOption("--threads", "Threads for the matrix kernels.", Environment.ProcessorCount);
        var command = new Command("step", "One training step (forward, backward, clip 5, Adam) on random one-hot characters, loss on every step.")
        {
            cell, vocabulary, hidden, sequenceLength, batch, steps, threads,
        };
        var names = new Dictionary<string, string> { ["inputSize"] = "--vocab", ["hiddenSize"] = "--hidden", ["SequenceLength"] = "--seq-length", ["BatchSize"] = "--batch", ["value"] = "--threads" };
        command.SetAction(parse => ErrorReporter.Run(_console, names, () =>
        {
            Parallelism.MaxThreads = parse.GetValue(threads);
            CellType cellType = ParseCell(parse.GetValue(cell)!);
            int v = parse.GetValue(vocabulary), h = parse.GetValue(hidden), t = parse.GetValue(sequenceLength), b = parse.GetValue(batch);
            int count = parse.GetValue(steps);
            if (count <= 0)
            {
                throw new UsageException("--steps must be positive.");
            }

            var model = new CharModel<float>(cellType, v, h);
            model.Initialize(Initialization.PyTorchUniform, 0);
            var trainer = new Trainer(model, new TrainingOptions { SequenceLength = t, BatchSize = b, LearningRate = 1e-3 });
            var random = new SeededRandom(0);
            int[] inputs = [.. Enumerable.Range(0, t * b).Select(_ => random.NextInt(v))];
            int[] targets = [.. Enumerable.Range(0, t * b).Select(_ => random.NextInt(v))];
            for (int warmUp = 0; warmUp < 10; warmUp++)
            {
                trainer.TrainStep(inputs, targets, 1e-3);
            }

            var clock = new Stopwatch();   // created before the allocation count is read, so it is not counted
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            clock.Start();
            for (int step = 0; step < count; step++)
            {
                trainer.TrainStep(inputs, targets, 1e-3);
            }

            double seconds = clock.Elapsed.TotalSeconds / count;
            long allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / count;
            int gates = cellType switch { CellType.Lstm => 4, CellType.Gru => 3, _ => 1 };
            double flops = 3.0 * (2.0 * gates * h * (v + h) + 2.0 * v * h) * b * t;   // the anchor's dense-equivalent count
            _console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"lstmsharp step {CellTypeNames.ToName(cellType)} V={v} H={h} T={t} B={b}: {b * t / seconds:F0} chars/s  {seconds * 1e3:F2} ms/step  {flops / seconds / 1e9:F1} GFLOP/s(dense-equiv)  {allocated} B/step allocated  threads={Parallelism.MaxThreads}"));
            return ExitCodes.Success;
        }));
        return command;
    }

    private Command CreateSample()
    {
        Option<string> cell = CellOption();
        Option<int> vocabulary = IntOption("--vocab", "V: the vocabulary size.", 65);
        Option<int> hidden = IntOption("--hidden", "H: the hidden size.", 512);
        Option<int> characters = IntOption("--chars", "Characters to generate.", 3000);
        Option<int> threads = IntOption("--threads", "Threads for the matrix kernels.", Environment.ProcessorCount);
        var command = new Command("sample", "Generate characters one at a time from a random model, state carried, sampled from the softmax.")
        {
            cell, vocabulary, hidden, characters, threads,
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
            var sampler = new Sampler(model, characterSet, new SamplingOptions { Seed = 0 });
            sampler.Prime(characterSet[0].ToString());
            for (int warmUp = 0; warmUp < 100; warmUp++)
            {
                sampler.NextId();
            }

            var clock = new Stopwatch();   // created before the allocation count is read, so it is not counted
            long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            clock.Start();
            for (int index = 0; index < count; index++)
            {
                sampler.NextId();
            }

            double seconds = clock.Elapsed.TotalSeconds;
            long allocated = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / count;
            _console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"lstmsharp sample {CellTypeNames.ToName(cellType)} V={v} H={h}: {count / seconds:F0} chars/s  {allocated} B/char allocated  threads={Parallelism.MaxThreads}"));
            return ExitCodes.Success;
        }));
        return command;
    }

    private static CellType ParseCell(string name) =>
        CellTypeNames.TryParse(name, out CellType cell) ? cell : throw new UsageException($"--cell must be lstm, gru or rnn, not '{name}'.");
}
