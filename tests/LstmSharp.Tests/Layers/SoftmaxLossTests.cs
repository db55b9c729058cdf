using LstmSharp.Layers;
using Xunit;

namespace LstmSharp.Tests.Layers;

public sealed class SoftmaxLossTests
{
    [Theory]
    [InlineData(3)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void Backward_TargetOutOfRange_ThrowsNamingTargetsAndWritesNothing(int badTarget)
    {
        double[] probabilities = [0.2, 0.3, 0.5, 0.1, 0.1, 0.8];
        double[] dLogits = [7, 7, 7, 7, 7, 7];

        var exception = Assert.Throws<ArgumentException>(() => SoftmaxLoss.Backward<double>(probabilities, [0, badTarget], dLogits));

        Assert.Equal("targets", exception.ParamName);
        Assert.Contains("row 1", exception.Message, StringComparison.Ordinal);
        Assert.All(dLogits, value => Assert.Equal(7, value));
    }

    [Fact]
    public void Forward_TargetOutOfRange_ThrowsNamingTargets()
    {
        double[] logits = [1, 2, 3];

        var exception = Assert.Throws<ArgumentException>(() => SoftmaxLoss.Forward<double>(logits, [3], new double[3]));

        Assert.Equal("targets", exception.ParamName);
    }

    [Fact]
    public void Backward_ValidTargets_ProbabilitiesMinusOneHotOverRows()
    {
        double[] probabilities = [0.2, 0.3, 0.5, 0.1, 0.1, 0.8];
        double[] dLogits = new double[6];

        SoftmaxLoss.Backward<double>(probabilities, [2, 0], dLogits);

        Assert.Equal([0.1, 0.15, -0.25, -0.45, 0.05, 0.4], dLogits.Select(value => Math.Round(value, 12)));
    }
}
