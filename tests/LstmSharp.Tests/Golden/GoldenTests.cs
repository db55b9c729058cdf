using System.Globalization;
using LstmSharp.Layers;
using LstmSharp.Model;
using Xunit;
using Xunit.Abstractions;

namespace LstmSharp.Tests.Golden;

/// <summary>
/// Golden tests: a tiny fixed <see cref="CharModel{T}"/> on "hello world" against a reference computed independently
/// of the C# code. The expected losses and gradients in GoldenTests.Expected.cs were produced by
/// <c>python3 tests/golden/golden.py</c>: a pure-Python forward pass in 60-digit decimal arithmetic, with gradients by
/// central finite differences (step 1e-25, exact to far beyond 1e-20), so they share nothing with the hand-derived
/// backward pass. The model here is filled by the same formula as the script (see its docstring).
/// </summary>
/// <remarks>
/// Tolerance: relative, <c>|actual − expected| ≤ 1e-12 · |expected|</c>, for the loss and every gradient entry.
/// An expected value of exactly zero (a column of W_ih that no input selects) therefore demands exactly zero.
/// </remarks>
public sealed partial class GoldenTests(ITestOutputHelper output)
{
    private const double RelativeTolerance = 1e-12;

    /// <summary>The case names, one theory row each.</summary>
    public static TheoryData<string> CaseNames => [.. Cases.Select(golden => golden.Name)];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ForwardBackward_FixedModel_MatchesDecimalFiniteDifferences(string caseName)
    {
        GoldenCase golden = Cases.Single(candidate => candidate.Name == caseName);
        char[] vocabulary = [.. Text.Distinct().Order()];
        int[] ids = [.. Text.Select(character => Array.IndexOf(vocabulary, character))];
        int sequenceLength = ids.Length - 1;
        int[] inputs = ids[..sequenceLength];
        int[] targets = golden.LossMode == LossMode.EveryStep ? ids[1..] : [ids[^1]];

        var model = new CharModel<double>(golden.CellType, vocabulary.Length, golden.HiddenSize, golden.LayerCount);
        for (int tensorIndex = 0; tensorIndex < model.Tensors.Count; tensorIndex++)
        {
            ModelTensor<double> tensor = model.Tensors[tensorIndex];
            int columns = tensor.Shape.Count == 2 ? tensor.Shape[1] : 1;
            Span<double> values = tensor.Values;
            for (int index = 0; index < values.Length; index++)
            {
                values[index] = WeightValue(tensorIndex, index / columns, index % columns);
            }
        }

        ModelState<double>? initial = golden.NonZeroInitial ? InitialState(model) : null;
        var final = new ModelState<double>(model, batchSize: 1);
        var dInitial = new ModelState<double>(model, batchSize: 1);
        model.ZeroGradients();
        double loss = model.Forward(inputs, targets, sequenceLength, batchSize: 1, initial, final, golden.LossMode);
        model.Backward(dInitial: dInitial);

        var failures = new List<string>();
        (double Error, string What) worst = (Check("loss", loss, golden.Loss, failures), "loss");
        foreach (GoldenGradient expected in golden.Gradients)
        {
            string what = $"d{expected.Tensor}[{expected.Index}]";
            double error = Check(what, ActualGradient(model, dInitial, expected.Tensor, expected.Index), expected.Value, failures);
            worst = error > worst.Error ? (error, what) : worst;
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{caseName}: loss {loss:R}, {golden.Gradients.Length} gradient entries, worst relative error {worst.Error:E3} ({worst.What})"));
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    /// <summary>The script's <c>value(s, i, j) = (((37 i + 11 j + 23 s) mod 17) − 8) / 16</c>: exact in binary.</summary>
    private static double WeightValue(int tensorIndex, int row, int column) =>
        (((37 * row + 11 * column + 23 * tensorIndex) % 17) - 8) / 16.0;

    /// <summary>The script's non-zero initial state: h0 = (((5u + 3l + 2) mod 7) − 3) / 8, c0 = (((3u + 5l + 4) mod 7) − 3) / 8.</summary>
    private static ModelState<double> InitialState(CharModel<double> model)
    {
        var state = new ModelState<double>(model, batchSize: 1);
        for (int layer = 0; layer < state.Layers.Count; layer++)
        {
            CellState<double> layerState = state.Layers[layer];
            for (int unit = 0; unit < model.HiddenSize; unit++)
            {
                layerState.Hidden[unit] = (((5 * unit + 3 * layer + 2) % 7) - 3) / 8.0;
                if (layerState.Cell.Length > 0)
                {
                    layerState.Cell[unit] = (((3 * unit + 5 * layer + 4) % 7) - 3) / 8.0;
                }
            }
        }

        return state;
    }

    private static double ActualGradient(CharModel<double> model, ModelState<double> dInitial, string name, int index)
    {
        if (name.StartsWith("h0_l", StringComparison.Ordinal))
        {
            return dInitial.Layers[int.Parse(name[4..], CultureInfo.InvariantCulture)].Hidden[index];
        }

        if (name.StartsWith("c0_l", StringComparison.Ordinal))
        {
            return dInitial.Layers[int.Parse(name[4..], CultureInfo.InvariantCulture)].Cell[index];
        }

        return model.Tensors.Single(tensor => tensor.Name == name).Gradient[index];
    }

    /// <summary>Records a failure when the relative error exceeds the tolerance; returns the relative error.</summary>
    private static double Check(string what, double actual, double expected, List<string> failures)
    {
        double error = Math.Abs(actual - expected);
        double relative = expected == 0.0 ? (error == 0.0 ? 0.0 : double.PositiveInfinity) : error / Math.Abs(expected);
        if (!(error <= RelativeTolerance * Math.Abs(expected)))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture,
                $"{what}: actual {actual:R}, expected {expected:R}, relative error {relative:E3}"));
        }

        return relative;
    }

    /// <summary>One golden model: its shape, the expected loss and the expected gradient entries.</summary>
    private sealed record GoldenCase(string Name, CellType CellType, int LayerCount, int HiddenSize, LossMode LossMode,
        bool NonZeroInitial, double Loss, GoldenGradient[] Gradients);

    /// <summary>dL/d(entry <paramref name="Index"/> of <paramref name="Tensor"/>): a state-dict name, or h0_l{k}/c0_l{k}.</summary>
    private sealed record GoldenGradient(string Tensor, int Index, double Value);
}
