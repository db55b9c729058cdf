namespace LstmSharp.Diagnostics;

/// <summary>One state gradient of one layer (for example dL/dh_t in total) at every step of a window.</summary>
public sealed class StateGradientSeries
{
    private readonly double[] _norms;
    private readonly double[] _values;
    private readonly int _width;   // B·H: the values of one step

    internal StateGradientSeries(double[] norms, double[] values, int width)
    {
        _norms = norms;
        _values = values;
        _width = width;
    }

    /// <summary>(T): the L2 norm over the B·H values of step t, indexed by t (not by distance from the loss).</summary>
    public IReadOnlyList<double> Norms => _norms;

    /// <summary>Step <paramref name="step"/>'s (B, H) values (stream-major), for example to bin into a histogram.</summary>
    /// <param name="step">t in [0, T).</param>
    /// <returns>The values.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="step"/> is outside [0, T).</exception>
    public ReadOnlySpan<double> StepValues(int step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(step, _norms.Length);
        return _values.AsSpan(step * _width, _width);
    }
}
