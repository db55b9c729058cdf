namespace LstmSharp.Tests.Layers;

/// <summary>
/// The sixth-order central difference the gradient checker uses, for tests of single layers:
/// <c>(f(x+3ε) − 9f(x+2ε) + 45f(x+ε) − 45f(x−ε) + 9f(x−2ε) − f(x−3ε)) / 60ε</c>, with ε = 3e-3 (see GradientChecker for why).
/// </summary>
internal static class CentralDifference
{
    public const double Step = 3e-3;

    /// <summary>dL/dbuffer[index], leaving the buffer as it was.</summary>
    public static double At(double[] buffer, int index, Func<double> loss)
    {
        double saved = buffer[index];
        double Shifted(double delta)
        {
            buffer[index] = saved + delta;
            return loss();
        }

        double result = (Shifted(3 * Step) - 9 * Shifted(2 * Step) + 45 * Shifted(Step) - 45 * Shifted(-Step) + 9 * Shifted(-2 * Step) - Shifted(-3 * Step))
            / (60 * Step);
        buffer[index] = saved;
        return result;
    }
}
