namespace LstmSharp.Cli.Reports;

/// <summary>How a <see cref="Histogram"/> places its bins.</summary>
internal enum HistogramScale
{
    /// <summary>Equal-width bins over signed values in [Minimum, Maximum].</summary>
    Linear,

    /// <summary>
    /// Bins equal in width on a log scale over magnitudes |x| in [Minimum, Maximum] (both positive): the view for
    /// gradients, whose sizes span many orders of magnitude. An exact zero counts as underflow.
    /// </summary>
    LogMagnitude,
}
