namespace LstmSharp.Reports;

/// <summary>Rows to compare at a glance, for example RNN and LSTM on the same 40 characters.</summary>
/// <param name="Title">The section heading, for example "Sequence length 40".</param>
/// <param name="Rows">One row per model.</param>
public sealed record ConnectivitySection(string Title, IReadOnlyList<ConnectivityRow> Rows);
