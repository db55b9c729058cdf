namespace LstmSharp.Diagnostics;

/// <summary>The worst disagreement between analytic and numeric gradients within one named tensor.</summary>
/// <param name="Name">The tensor's name (a PyTorch state-dict name, <c>input</c>, <c>h0_l{k}</c> or <c>c0_l{k}</c>).</param>
/// <param name="Error">The worst error, as defined by <see cref="GradientChecker.Compare"/>.</param>
/// <param name="Index">The flat index where it occurs, or −1 for an empty tensor.</param>
/// <param name="Analytic">The analytic value there.</param>
/// <param name="Numeric">The numeric value there.</param>
internal sealed record TensorGradientError(string Name, double Error, int Index, double Analytic, double Numeric)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name}: error {Error:E2} at [{Index}] (analytic {Analytic:G10}, numeric {Numeric:G10})";
}
