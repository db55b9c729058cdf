namespace LstmSharp.Diagnostics;

/// <summary>
/// How strongly each input position of a window is connected to the prediction made at its last position: the squared
/// L2 norm of the gradient of that prediction with respect to each position's one-hot input.
/// </summary>
public sealed class ConnectivityMap
{
    private readonly int[] _inputs;
    private readonly double[] _values;
    private readonly double[] _normalized;

    /// <summary>Creates a map; <see cref="Connectivity.Compute{T}(Model.CharModel{T}, ReadOnlySpan{int}, int, ConnectivityMeasure)"/> builds them.</summary>
    /// <param name="inputs">(N): the input ids; the prediction is made after the last one.</param>
    /// <param name="target">The id of the character predicted.</param>
    /// <param name="measure">What was differentiated.</param>
    /// <param name="values">(N): ‖∂measure/∂x_t‖² for each position t.</param>
    /// <param name="loss">The loss of the target, in nats.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public ConnectivityMap(int[] inputs, int target, ConnectivityMeasure measure, double[] values, double loss)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(values);
        ThrowHelper.CheckLength(values.Length, inputs.Length, nameof(values));
        _inputs = inputs;
        _values = values;
        Target = target;
        Measure = measure;
        Loss = loss;
        double max = values.Length == 0 ? 0 : values.Max();
        _normalized = [.. values.Select(value => max > 0 ? value / max : 0)];
    }

    /// <summary>(N): the input ids, oldest first.</summary>
    public IReadOnlyList<int> Inputs => _inputs;

    /// <summary>The id of the character predicted after the last input.</summary>
    public int Target { get; }

    /// <summary>What was differentiated.</summary>
    public ConnectivityMeasure Measure { get; }

    /// <summary>(N): ‖∂measure/∂x_t‖², the squared L2 norm over the V entries of position t's one-hot input.</summary>
    public IReadOnlyList<double> Values => _values;

    /// <summary>(N): <see cref="Values"/> divided by their maximum (all zero if the maximum is zero), in [0, 1].</summary>
    public IReadOnlyList<double> Normalized => _normalized;

    /// <summary>−log p(target) in nats.</summary>
    public double Loss { get; }

    /// <summary>p(target) = exp(−<see cref="Loss"/>).</summary>
    public double TargetProbability => Math.Exp(-Loss);

    /// <summary>The number of input positions.</summary>
    public int Length => _inputs.Length;

    /// <summary>
    /// How many characters back the connectivity stays at or above <paramref name="threshold"/> without a break: the
    /// largest k such that each of the last k inputs has a <see cref="Normalized"/> value ≥ the threshold (k = 1 is the
    /// last character read). 0 when the last character is already below it.
    /// </summary>
    /// <param name="threshold">The level, in (0, 1]. Default 0.1.</param>
    /// <returns>k, in [0, <see cref="Length"/>].</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is outside (0, 1].</exception>
    public int Reach(double threshold = 0.1)
    {
        CheckThreshold(threshold);
        int back = 0;
        while (back < _normalized.Length && _normalized[^(back + 1)] >= threshold)
        {
            back++;
        }

        return back;
    }

    /// <summary>
    /// How many characters back the farthest input with a <see cref="Normalized"/> value ≥ <paramref name="threshold"/>
    /// lies (1 = the last character read), gaps allowed: where a model reaches one far character, such as a key, over
    /// weak ones in between. 0 when no input reaches the threshold.
    /// </summary>
    /// <param name="threshold">The level, in (0, 1]. Default 0.1.</param>
    /// <returns>The distance, in [0, <see cref="Length"/>].</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threshold"/> is outside (0, 1].</exception>
    public int FarthestReach(double threshold = 0.1)
    {
        CheckThreshold(threshold);
        for (int position = 0; position < _normalized.Length; position++)
        {
            if (_normalized[position] >= threshold)
            {
                return _normalized.Length - position;
            }
        }

        return 0;
    }

    private static void CheckThreshold(double threshold)
    {
        ThrowHelper.CheckFactor(threshold, "The threshold must be in (0, 1].");
    }
}
