using System.Text;
using LstmSharp.Layers;

namespace LstmSharp.Diagnostics;

/// <summary>What a model does on a text, from <see cref="ModelExplainer"/>: the numbers behind the explain report.</summary>
/// <param name="CellType">The model's cell.</param>
/// <param name="LayerCount">Its number of layers.</param>
/// <param name="HiddenSize">H.</param>
/// <param name="Length">N: the number of characters read.</param>
/// <param name="ShownStart">The position in the text of the first shown character.</param>
/// <param name="Shown">The characters the per-character views show: <see cref="ExplainOptions.ShownLength"/> (or up to the end) from <paramref name="ShownStart"/>.</param>
/// <param name="Saturation">Per layer and gate, each unit's saturated fractions; empty for the vanilla RNN (no gates).</param>
/// <param name="UnitSearch">Per feature, every unit ranked by |r|.</param>
/// <param name="Units">The units shown over the text: the chosen ones, then the best unit for each feature.</param>
/// <param name="Surprise">The per-character loss.</param>
public sealed record Explanation(CellType CellType, int LayerCount, int HiddenSize, int Length, int ShownStart, IReadOnlyList<Rune> Shown,
    IReadOnlyList<GateSaturation> Saturation, IReadOnlyList<FeatureRanking> UnitSearch, IReadOnlyList<UnitTrace> Units, SurpriseAnalysis Surprise);
