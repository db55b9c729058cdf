namespace LstmSharp.Cli.Reports;

/// <summary>Rows to compare at a glance, for example RNN and LSTM on the same 40 characters.</summary>
/// <param name="Title">The section heading, for example "Sequence length 40".</param>
/// <param name="Rows">One row per model.</param>
internal sealed record ConnectivitySection(string Title, IReadOnlyList<ConnectivityRow> Rows)
{
    /// <summary>
    /// <see langword="null"/> (the default) shades each character by its normalised value v, as the article does. A
    /// number D shades it by 1 + log10(v) / D instead (0 below 10^−D), so that connections many orders of magnitude below
    /// the strongest, such as a key far back, still show.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive and finite.</exception>
    public double? LogDecades
    {
        get;
        init => field = value is null || (value > 0 && double.IsFinite(value.Value))
            ? value
            : ThrowHelper.ThrowOutOfRange<double?>(nameof(value), value, "The number of decades must be positive and finite.");
    }

    /// <summary>The shade, in [0, 1], of a normalised connectivity <paramref name="normalized"/> under <see cref="LogDecades"/>.</summary>
    internal double Shade(double normalized) =>
        LogDecades is { } decades ? (normalized > 0 ? Math.Clamp(1 + Math.Log10(normalized) / decades, 0, 1) : 0) : normalized;
}
