using System.Numerics;
using FsCheck.Xunit;
using LstmSharp.Layers;
using Xunit;

namespace LstmSharp.Tests.Layers;

/// <summary>
/// Each cell used alone, outside <see cref="Model.CharModel{T}"/>, through its public span API: every named tensor
/// (weight_ih, weight_hh, bias_ih, bias_hh) and dInput, dh0, dc0 against sixth-order central differences in double, with
/// gradients arriving from beyond the window (dhN, dcN ≠ 0) and H up to 40, so every vector body meets a scalar tail;
/// then float against double.
/// </summary>
public sealed class CellGradientTests
{
    // The same error measure and bounds as GradientCheckTests: |a − n| / max(|a|, |n|, Floor). Measured over 300 random
    // cases in double: worst 3.6e-8 (an RNN's dInput); over 600 in float against double: worst 1.8e-4 (an RNN's output at H = 38).
    private const double Floor = 1e-6;
    private const double DoubleTolerance = 1e-6;
    private const double FloatFloor = 1e-3;
    private const double FloatTolerance = 1e-3;

    // Tensors up to this many elements are checked whole; larger ones at this many random elements (plus their last 16).
    private const int CheckedWhole = 160;
    private const int Sampled = 48;

    [Property(Arbitrary = [typeof(CellCases)], MaxTest = 40)]
    public void Backward_CellAloneInDouble_MatchesCentralDifferencesPerTensor(CellCase testCase)
    {
        RecurrentCell<double> cell = testCase.CreateCell<double>();
        CellWindow window = testCase.Window();

        Gradients analytic = Analytic(cell, testCase, window);
        foreach ((string name, int[] indices, double[] numeric) in Numeric(cell, testCase, window))
        {
            double[] values = analytic.ByName[name];
            for (int position = 0; position < indices.Length; position++)
            {
                double a = values[indices[position]], n = numeric[position];
                double error = Math.Abs(a - n) / Math.Max(Math.Max(Math.Abs(a), Math.Abs(n)), Floor);
                Assert.True(error <= DoubleTolerance,
                    $"{testCase}: {name}[{indices[position]}] analytic {a:R}, central difference {n:R}, error {error:E2} > {DoubleTolerance:E0}");
            }
        }
    }

    [Property(Arbitrary = [typeof(CellCases)], MaxTest = 60)]
    public void ForwardAndBackward_CellAloneInFloat_AgreeWithDouble(CellCase testCase)
    {
        RecurrentCell<float> single = testCase.CreateCell<float>();
        RecurrentCell<double> exact = testCase.CreateCell<double>();
        for (int index = 0; index < single.Parameters.Length; index++)
        {
            exact.Parameters[index] = single.Parameters[index];   // the float parameters, exactly
        }

        CellWindow window = Rounded(testCase.Window());
        Gradients approximate = Analytic(single, testCase, window);
        Gradients reference = Analytic(exact, testCase, window);

        foreach ((string name, double[] expected) in reference.ByName.Concat(reference.Outputs))
        {
            double[] actual = approximate.ByName.Concat(approximate.Outputs).Single(pair => pair.Key == name).Value;
            for (int index = 0; index < expected.Length; index++)
            {
                double error = Math.Abs(actual[index] - expected[index]) / Math.Max(Math.Max(Math.Abs(actual[index]), Math.Abs(expected[index])), FloatFloor);
                Assert.True(error <= FloatTolerance,
                    $"{testCase}: {name}[{index}] float {actual[index]:R}, double {expected[index]:R}, error {error:E2} > {FloatTolerance:E0}");
            }
        }
    }

    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    [InlineData(CellType.Rnn)]
    public void Backward_EveryNamedTensorChecked(CellType cellType)
    {
        var testCase = new CellCase(cellType, 3, 5, 2, 2, IdInput: false, Seed: 4);
        Gradients analytic = Analytic(testCase.CreateCell<double>(), testCase, testCase.Window());

        string[] expected = ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "input", "h0", .. cellType == CellType.Lstm ? new[] { "c0" } : []];
        Assert.Equal(expected, analytic.ByName.Keys);
        Assert.All(analytic.ByName, pair => Assert.Contains(pair.Value, value => value != 0));
    }

    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    [InlineData(CellType.Rnn)]
    public void ForwardAndBackward_EmptyStates_MeanZeros(CellType cellType)
    {
        var testCase = new CellCase(cellType, 3, 17, 3, 2, IdInput: true, Seed: 8);
        CellWindow window = testCase.Window();
        int width = 2 * 17;
        bool lstm = cellType == CellType.Lstm;
        Gradients zeros = Analytic(testCase.CreateCell<double>(), testCase, window with
        {
            H0 = new double[width], C0 = lstm ? new double[width] : [], WeightHidden = new double[width], WeightCell = lstm ? new double[width] : [],
        });
        Gradients empty = Analytic(testCase.CreateCell<double>(), testCase, window with { H0 = [], C0 = [], WeightHidden = [], WeightCell = [] });

        foreach ((string name, double[] values) in zeros.ByName.Concat(zeros.Outputs))
        {
            Assert.Equal(values, empty.ByName.Concat(empty.Outputs).Single(pair => pair.Key == name).Value);
        }
    }

    [Fact]
    public void Numeric_PerturbedGradient_IsCaught()
    {
        // The check above cannot pass by accident: a gradient off by one part in 10⁵ in one element of dh0 fails it.
        var testCase = new CellCase(CellType.Lstm, 4, 19, 3, 2, IdInput: false, Seed: 12);
        RecurrentCell<double> cell = testCase.CreateCell<double>();
        CellWindow window = testCase.Window();
        Gradients analytic = Analytic(cell, testCase, window);
        (string _, int[] indices, double[] numeric) = Numeric(cell, testCase, window).Single(entry => entry.Name == "h0");
        int index = indices[^1];
        double perturbed = analytic.ByName["h0"][index] * (1 + 1e-5);

        double error = Math.Abs(perturbed - numeric[^1]) / Math.Max(Math.Max(Math.Abs(perturbed), Math.Abs(numeric[^1])), Floor);

        Assert.True(error > DoubleTolerance, $"error {error:E2}");
    }

    /// <summary>The analytic gradients of L (see <see cref="CellCase.Window"/>) by the cell's public Forward and Backward, in double.</summary>
    private static Gradients Analytic<T>(RecurrentCell<T> cell, CellCase testCase, CellWindow window)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int rows = testCase.SequenceLength * testCase.BatchSize, width = testCase.BatchSize * testCase.HiddenSize;
        bool lstm = testCase.Cell == CellType.Lstm;
        var output = new T[rows * testCase.HiddenSize];
        var hN = new T[width];
        T[] cN = lstm ? new T[width] : [];
        cell.ZeroGradients();
        if (testCase.IdInput)
        {
            cell.Forward(window.Ids, To<T>(window.H0), To<T>(window.C0), testCase.SequenceLength, testCase.BatchSize, output, hN, cN);
        }
        else
        {
            cell.Forward(To<T>(window.Input), To<T>(window.H0), To<T>(window.C0), testCase.SequenceLength, testCase.BatchSize, output, hN, cN);
        }

        var dInput = new T[rows * testCase.InputSize];
        var dh0 = new T[width];
        T[] dc0 = lstm ? new T[width] : [];
        cell.Backward(To<T>(window.WeightOutput), To<T>(window.WeightHidden), To<T>(window.WeightCell), dInput, dh0, dc0);

        var byName = new Dictionary<string, double[]>();
        foreach (TensorSpec spec in cell.Tensors(0))
        {
            byName[spec.Name] = ToDouble(cell.Gradients.AsSpan(spec.Offset, spec.Count));
        }

        byName["input"] = ToDouble(dInput);
        byName["h0"] = ToDouble(dh0);
        if (lstm)
        {
            byName["c0"] = ToDouble(dc0);
        }

        var outputs = new Dictionary<string, double[]> { ["output"] = ToDouble(output), ["hN"] = ToDouble(hN), ["cN"] = ToDouble(cN) };
        return new Gradients(byName, outputs);
    }

    /// <summary>Central differences of L over the dense input (the one-hot form for id cases), tensor by tensor, at a sample of each.</summary>
    private static List<(string Name, int[] Indices, double[] Values)> Numeric(RecurrentCell<double> cell, CellCase testCase, CellWindow window)
    {
        int rows = testCase.SequenceLength * testCase.BatchSize, width = testCase.BatchSize * testCase.HiddenSize;
        double[] input = [.. window.Input], h0 = [.. window.H0], c0 = [.. window.C0];
        var output = new double[rows * testCase.HiddenSize];
        var hN = new double[width];
        double[] cN = testCase.Cell == CellType.Lstm ? new double[width] : [];
        double Loss()
        {
            cell.Forward(input, h0, c0, testCase.SequenceLength, testCase.BatchSize, output, hN, cN);
            return Dot(window.WeightOutput, output) + Dot(window.WeightHidden, hN) + Dot(window.WeightCell, cN);
        }

        var random = new SeededRandom((ulong)testCase.Seed + 1);
        var result = new List<(string, int[], double[])>();
        foreach (TensorSpec spec in cell.Tensors(0))
        {
            int[] indices = Sample(spec.Count, random);
            result.Add((spec.Name, indices, Differentiate(cell.Parameters, spec.Offset, indices, Loss)));
        }

        foreach ((string name, double[] buffer) in new[] { ("input", input), ("h0", h0), ("c0", c0) })
        {
            if (buffer.Length > 0)
            {
                int[] indices = Sample(buffer.Length, random);
                result.Add((name, indices, Differentiate(buffer, 0, indices, Loss)));
            }
        }

        return result;
    }

    private static double[] Differentiate(double[] buffer, int offset, int[] indices, Func<double> loss) =>
        [.. indices.Select(index => CentralDifference.At(buffer, offset + index, loss))];

    private static int[] Sample(int count, SeededRandom random) =>
        count <= CheckedWhole
            ? [.. Enumerable.Range(0, count)]
            : [.. Enumerable.Range(0, Sampled).Select(_ => random.NextInt(count)).Concat(Enumerable.Range(count - 16, 16)).Distinct().Order()];

    private static CellWindow Rounded(CellWindow window)
    {
        static double[] Round(double[] values) => [.. values.Select(value => (double)(float)value)];
        return new CellWindow(window.Ids, Round(window.Input), Round(window.H0), Round(window.C0), Round(window.WeightOutput),
            Round(window.WeightHidden), Round(window.WeightCell));
    }

    private static double Dot(double[] weights, double[] values) => weights.Zip(values, (weight, value) => weight * value).Sum();

    private static T[] To<T>(double[] values) where T : unmanaged, IFloatingPointIeee754<T> => [.. values.Select(T.CreateChecked)];

    private static double[] ToDouble<T>(ReadOnlySpan<T> values) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var result = new double[values.Length];
        for (int index = 0; index < values.Length; index++)
        {
            result[index] = double.CreateChecked(values[index]);
        }

        return result;
    }

    /// <summary>The analytic gradients by name (the cell's tensors, input, h0, c0) and the forward results (output, hN, cN).</summary>
    private sealed record Gradients(Dictionary<string, double[]> ByName, Dictionary<string, double[]> Outputs);
}
