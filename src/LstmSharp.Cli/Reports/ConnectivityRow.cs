using LstmSharp.Diagnostics;
using LstmSharp.Text;

namespace LstmSharp.Cli.Reports;

/// <summary>One model's connectivity for one prediction, shown as one row of coloured text.</summary>
/// <param name="Label">The model's name, for example "LSTM".</param>
/// <param name="Map">The connectivity.</param>
/// <param name="Vocabulary">Decodes the map's ids to characters.</param>
internal sealed record ConnectivityRow(string Label, ConnectivityMap Map, Vocabulary Vocabulary);
