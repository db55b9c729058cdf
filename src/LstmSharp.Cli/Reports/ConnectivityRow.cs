using LstmSharp.Diagnostics;
using LstmSharp.Text;

namespace LstmSharp.Cli.Reports;

/// <summary>One model's connectivity for one prediction, shown as one row of coloured text.</summary>
/// <param name="Label">The model's name, for example "LSTM".</param>
/// <param name="Inputs">(N): the input ids, oldest first.</param>
/// <param name="Target">The id of the character predicted after the last input.</param>
/// <param name="Values">(N): the raw connectivity of each input (shown on hover).</param>
/// <param name="Normalized">(N): the values divided by their maximum, in [0, 1] (the shade).</param>
/// <param name="Loss">−log p(target) in nats.</param>
/// <param name="Vocabulary">Decodes the ids to characters.</param>
internal sealed record ConnectivityRow(string Label, IReadOnlyList<int> Inputs, int Target, IReadOnlyList<double> Values, IReadOnlyList<double> Normalized,
    double Loss, Vocabulary Vocabulary)
{
    /// <summary>The row of <paramref name="map"/>.</summary>
    public static ConnectivityRow Of(string label, ConnectivityMap map, Vocabulary vocabulary) =>
        new(label, map.Inputs, map.Target, map.Values, map.Normalized, map.Loss, vocabulary);
}
