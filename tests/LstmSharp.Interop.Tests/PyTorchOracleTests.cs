using System.Diagnostics;
using System.Numerics;
using System.Text.Json;
using LstmSharp.Interop;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Tests;
using LstmSharp.Text;
using Xunit.Abstractions;

namespace LstmSharp.Interop.Tests;

/// <summary>
/// Real PyTorch (Debian's python3-torch, run by tests/…/pytorch_oracle.py) as the oracle, both ways: LstmSharp's
/// state dicts loaded into nn.LSTM/nn.GRU/nn.RNN + nn.Linear, and PyTorch's state dicts loaded into LstmSharp, for every
/// cell, 1–3 layers, float and double: logits and final states agree to 1e-5. Skipped without torch on a developer's
/// machine; under CI=true a missing torch fails.
/// </summary>
public sealed class PyTorchOracleTests(ITestOutputHelper output)
{
    private const double Tolerance = 1e-5;
    private const int HiddenSize = 8, SequenceLength = 9, BatchSize = 2;
    private static readonly Vocabulary s_vocabulary = Vocabulary.FromText("the quick brown fox\n");

    private static IEnumerable<(string Name, CellType Cell, int Layers, bool IsDouble)> Cases() =>
        from cell in Enum.GetValues<CellType>()
        from layers in Enumerable.Range(1, 3)
        from isDouble in new[] { false, true }
        select ($"{cell.ToString().ToLowerInvariant()}_l{layers}_{(isDouble ? "f64" : "f32")}", cell, layers, isDouble);

    [SkippableFact]
    public void PyTorch_AndLstmSharp_AgreeBothWaysForEveryCellDepthAndPrecision()
    {
        string python = ExternalTool.Require("python3-torch",
            ExternalTool.FindWorking(["/usr/bin/python3", "python3"], "-c \"import torch\""), "apt-get install python3-torch");
        string directory = Directory.CreateTempSubdirectory("lstmsharp-pytorch-").FullName;
        try
        {
            var expected = new Dictionary<string, Outputs>();
            var cases = new List<object>();
            int seed = 1;
            foreach ((string name, CellType cell, int layers, bool isDouble) in Cases())
            {
                expected[name] = isDouble ? WriteLstmSharpCase<double>(directory, name, cell, layers, seed) : WriteLstmSharpCase<float>(directory, name, cell, layers, seed);
                cases.Add(new { name, cell = cell.ToString().ToLowerInvariant(), dtype = isDouble ? "F64" : "F32", V = s_vocabulary.Count, H = HiddenSize, L = layers, T = SequenceLength, B = BatchSize, seed });
                seed++;
            }

            File.WriteAllText(Path.Combine(directory, "cases.json"), JsonSerializer.Serialize(cases));
            RunOracle(python, directory);

            // LstmSharp → PyTorch.
            using JsonDocument results = JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "results.json")));
            output.WriteLine($"torch {results.RootElement.GetProperty("torch").GetString()}");
            JsonElement[] checkedCases = [.. results.RootElement.GetProperty("checked").EnumerateArray()];
            Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), checkedCases.Select(entry => entry.GetProperty("case").GetString()!).Order(StringComparer.Ordinal));
            var failures = new List<string>();
            foreach (JsonElement entry in checkedCases)
            {
                string name = entry.GetProperty("case").GetString()!;
                foreach (string quantity in new[] { "logits", "h_n", "c_n" })
                {
                    if (entry.TryGetProperty(quantity, out JsonElement difference))
                    {
                        Record(failures, $"LstmSharp→PyTorch {name} {quantity}", difference.GetDouble());
                    }
                }
            }

            // PyTorch → LstmSharp.
            foreach ((string name, CellType cell, int layers, bool isDouble) in Cases())
            {
                string state = Path.Combine(directory, $"torch_{name}.state.safetensors");
                Assert.Equal(SafeTensorsChecksum.None, SafeTensors.Read(state).Checksum);   // PyTorch's files carry none
                SafeTensorsDocument io = SafeTensors.Read(Path.Combine(directory, $"torch_{name}.io.safetensors"));
                Outputs ours = isDouble ? RunImported<double>(state, io, cell, layers) : RunImported<float>(state, io, cell, layers);
                Record(failures, $"PyTorch→LstmSharp {name} logits", MaxDifference(ours.Logits, io["logits"].ConvertToArray<double>()));
                Record(failures, $"PyTorch→LstmSharp {name} h_n", MaxDifference(ours.Hidden, io["h_n"].ConvertToArray<double>()));
                if (cell == CellType.Lstm)
                {
                    Record(failures, $"PyTorch→LstmSharp {name} c_n", MaxDifference(ours.Cell, io["c_n"].ConvertToArray<double>()));
                }
            }

            Assert.True(failures.Count == 0, string.Join("\n", failures));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }

        void Record(List<string> failures, string what, double difference)
        {
            output.WriteLine($"{what}: max |Δ| = {difference:E2}");
            if (!(difference <= Tolerance))
            {
                failures.Add($"{what}: max |Δ| = {difference:E3} > {Tolerance:E0}");
            }
        }
    }

    /// <summary>Logits (T, B, V) and final states (L, B, H) as double.</summary>
    private sealed record Outputs(double[] Logits, double[] Hidden, double[] Cell);

    private static Outputs WriteLstmSharpCase<T>(string directory, string name, CellType cell, int layers, int seed) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var model = new CharModel<T>(cell, s_vocabulary.Count, HiddenSize, layers);
        RandomModels.Fill(model, (ulong)seed);
        var random = new Random(seed);
        int[] ids = [.. Enumerable.Range(0, SequenceLength * BatchSize).Select(_ => random.Next(s_vocabulary.Count))];
        var initial = new ModelState<T>(model, BatchSize);
        for (int layer = 0; layer < initial.LayerCount; layer++)
        {
            RandomModels.Fill(initial.Hidden(layer), random);
            RandomModels.Fill(initial.Cell(layer), random);
        }

        Outputs outputs = Predict(model, ids, initial);
        SafeTensors.Write(Path.Combine(directory, $"lsharp_{name}.state.safetensors"),
            model.Tensors.Select(tensor => SafeTensor.Create<T>(tensor.Name, [.. tensor.Shape], tensor.Values)));
        int[] stateShape = [layers, BatchSize, HiddenSize];
        var io = new List<SafeTensor>
        {
            SafeTensor.Create<long>("ids", [SequenceLength, BatchSize], [.. ids.Select(id => (long)id)]),
            SafeTensor.Create<T>("h0", stateShape, OnnxRun.Stack(initial, cell: false)),
            SafeTensor.Create<T>("logits", [SequenceLength, BatchSize, s_vocabulary.Count], [.. outputs.Logits.Select(T.CreateChecked)]),
            SafeTensor.Create<T>("h_n", stateShape, [.. outputs.Hidden.Select(T.CreateChecked)]),
        };
        if (cell == CellType.Lstm)
        {
            io.Add(SafeTensor.Create<T>("c0", stateShape, OnnxRun.Stack(initial, cell: true)));
            io.Add(SafeTensor.Create<T>("c_n", stateShape, [.. outputs.Cell.Select(T.CreateChecked)]));
        }

        SafeTensors.Write(Path.Combine(directory, $"lsharp_{name}.io.safetensors"), io);
        return outputs;
    }

    private static Outputs RunImported<T>(string statePath, SafeTensorsDocument io, CellType cell, int layers) where T : unmanaged, IFloatingPointIeee754<T>
    {
        CharModel<T> model = PyTorchStateDict.Load<T>(statePath, s_vocabulary);
        Assert.Equal(cell, model.CellType);
        Assert.Equal(layers, model.Layers.Count);
        int[] ids = [.. io["ids"].ToArray<long>().Select(id => (int)id)];
        var initial = new ModelState<T>(model, BatchSize);
        T[] h0 = io["h0"].ConvertToArray<T>();
        T[] c0 = cell == CellType.Lstm ? io["c0"].ConvertToArray<T>() : [];
        int width = BatchSize * HiddenSize;
        for (int layer = 0; layer < layers; layer++)
        {
            h0.AsSpan(layer * width, width).CopyTo(initial.Hidden(layer));
            if (cell == CellType.Lstm)
            {
                c0.AsSpan(layer * width, width).CopyTo(initial.Cell(layer));
            }
        }

        return Predict(model, ids, initial);
    }

    private static Outputs Predict<T>(CharModel<T> model, int[] ids, ModelState<T> initial) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var logits = new T[SequenceLength * BatchSize * model.VocabularySize];
        var final = new ModelState<T>(model, BatchSize);
        model.Predict(ids, SequenceLength, BatchSize, initial, final, logits);
        return new Outputs(
            [.. logits.Select(double.CreateChecked)],
            [.. OnnxRun.Stack(final, cell: false).Select(double.CreateChecked)],
            [.. OnnxRun.Stack(final, cell: true).Select(double.CreateChecked)]);
    }

    private static double MaxDifference(double[] actual, double[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        return actual.Zip(expected, (a, b) => Math.Abs(a - b)).DefaultIfEmpty(0).Max();
    }

    private static void RunOracle(string python, string directory)
    {
        using Process process = Process.Start(new ProcessStartInfo(python, [Path.Combine(AppContext.BaseDirectory, "pytorch_oracle.py"), directory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        Task<string> error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        Assert.True(process.WaitForExit(TimeSpan.FromMinutes(3)), "pytorch_oracle.py did not finish in 3 minutes");
        Assert.True(process.ExitCode == 0, $"pytorch_oracle.py failed (exit {process.ExitCode}):\n{error.Result}");
    }
}
