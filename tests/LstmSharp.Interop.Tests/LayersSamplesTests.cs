using LstmSharp.Interop.Tests.DocSamples;

namespace LstmSharp.Interop.Tests;

/// <summary>Runs the samples of docs/layers.md (DocSamplesTests keeps them equal to the markdown), through the public API only.</summary>
public sealed class LayersSamplesTests
{
    [Fact]
    public void CellAlone_OneStepOfItsBackwardPass_LowersTheLoss()
    {
        (float before, float after, float[] dInput) = LayersSamples.CellAlone();

        Assert.True(float.IsFinite(before) && before > 0, $"loss {before}");
        Assert.True(after < before, $"one SGD step from the sample's gradients should lower the loss: {before} -> {after}");
        Assert.Contains(dInput, value => value != 0);   // the gradient reached the input through dhN alone (dOutput was zero)
    }
}
