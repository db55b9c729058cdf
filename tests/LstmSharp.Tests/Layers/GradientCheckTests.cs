using FsCheck.Xunit;
using LstmSharp.Diagnostics;
using LstmSharp.Layers;
using LstmSharp.Model;
using Xunit;

namespace LstmSharp.Tests.Layers;

/// <summary>
/// The heart of the suite: hand-derived gradients of every named tensor, the one-hot input and the initial states
/// against sixth-order central differences, on random shapes, for all three cells, stacking and both loss modes.
/// </summary>
public sealed class GradientCheckTests
{
    // The error is |a − n| / max(|a|, |n|, Floor). The sixth-order stencil's round-off is about 7e-14·L absolute
    // (L ≤ ~3), so a floor of 1e-6 keeps the check relative for every gradient above 1e-6 and holds exactly-zero
    // gradients (a character absent from the window) to 1e-12 absolute. Measured over 1,500 random cases: worst 2.1e-7.
    private const double Floor = 1e-6;
    private const double DoubleTolerance = 1e-6;

    // Float analytic gradients against exact (double, finite-difference) ones for the same float parameters. Float's
    // absolute noise on a gradient element is ~1e-7 to 1e-6: a saturated tanh (h ≈ ±1) leaves 1 − h² with only a few
    // correct digits in float, exactly as in PyTorch's float tanh backward. So the floor sits at 1e-3 (absolute error
    // ≤ 1e-6 for tiny gradients) and the check is relative, to 1e-3, above it. Measured over 4,000 random cases:
    // worst 1.5e-4. (A floor of 1e-4 failed about once in 4,000 cases, always a saturated RNN with gradients ~1e-4.)
    private const double FloatFloor = 1e-3;
    private const double FloatTolerance = 1e-3;

    [Property(Arbitrary = [typeof(GradientCases)], MaxTest = 300)]
    public void Backward_RandomShapesInDouble_MatchesCentralDifferences(GradientCase testCase)
    {
        (CharModel<double> model, GradientCheckWindow window) = testCase.Build<double>();
        IReadOnlyDictionary<string, double[]> analytic = GradientChecker.Analytic(model, window);
        IReadOnlyDictionary<string, double[]> numeric = GradientChecker.Numeric(model, window);

        AssertWithin(testCase, GradientChecker.Compare(analytic, numeric, Floor), DoubleTolerance);
    }

    [Property(Arbitrary = [typeof(GradientCases)], MaxTest = 150)]
    public void Backward_RandomShapesInFloat_MatchesDoubleCentralDifferences(GradientCase testCase)
    {
        (CharModel<float> model, GradientCheckWindow window) = testCase.Build<float>();
        IReadOnlyDictionary<string, double[]> analytic = GradientChecker.Analytic(model, window);
        IReadOnlyDictionary<string, double[]> numeric = GradientChecker.Numeric(GradientCase.ToDouble(model), window);

        AssertWithin(testCase, GradientChecker.Compare(analytic, numeric, FloatFloor), FloatTolerance);
    }

    [Theory]
    [InlineData(CellType.Lstm)]
    [InlineData(CellType.Gru)]
    [InlineData(CellType.Rnn)]
    public void Backward_EveryTensorChecked_NamesMatchPyTorch(CellType cell)
    {
        (CharModel<double> model, GradientCheckWindow window) = new GradientCase(cell, LossMode.EveryStep, 3, 2, 2, 1, 2, 7).Build<double>();
        IReadOnlyDictionary<string, double[]> analytic = GradientChecker.Analytic(model, window);

        string[] expected =
        [
            "rnn.weight_ih_l0", "rnn.weight_hh_l0", "rnn.bias_ih_l0", "rnn.bias_hh_l0",
            "rnn.weight_ih_l1", "rnn.weight_hh_l1", "rnn.bias_ih_l1", "rnn.bias_hh_l1",
            "head.weight", "head.bias", "input", "h0_l0", "h0_l1",
            .. cell == CellType.Lstm ? new[] { "c0_l0", "c0_l1" } : [],
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), analytic.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Compare_PerturbedGradient_ReportsTensorAndIndex()
    {
        // A checker that cannot fail proves nothing: a wrong gradient must be caught and located.
        (CharModel<double> model, GradientCheckWindow window) = new GradientCase(CellType.Lstm, LossMode.EveryStep, 4, 3, 3, 2, 1, 11).Build<double>();
        var analytic = GradientChecker.Analytic(model, window).ToDictionary(pair => pair.Key, pair => (double[])pair.Value.Clone());
        IReadOnlyDictionary<string, double[]> numeric = GradientChecker.Numeric(model, window);
        analytic["rnn.weight_hh_l0"][5] *= 1.0 + 1e-5;

        TensorGradientError worst = GradientChecker.Compare(analytic, numeric, Floor).MaxBy(error => error.Error)!;

        Assert.Equal("rnn.weight_hh_l0", worst.Name);
        Assert.Equal(5, worst.Index);
        Assert.True(worst.Error > DoubleTolerance);
    }

    private static void AssertWithin(GradientCase testCase, IReadOnlyList<TensorGradientError> errors, double tolerance)
    {
        if (errors.Any(error => !(error.Error <= tolerance)))
        {
            Assert.Fail($"{testCase}: gradient error above {tolerance:E0}; worst per tensor:\n  {string.Join("\n  ", errors)}");
        }
    }
}
