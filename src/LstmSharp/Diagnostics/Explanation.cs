using System.Text;
using LstmSharp.Layers;

namespace LstmSharp.Diagnostics;

/// <summary>What a model does on a text, from <see cref="ModelExplainer"/>: the numbers behind the explain report.</summary>
public sealed class Explanation
{
    internal Explanation(CellType cellType, int layerCount, int hiddenSize, int length, int shownStart, Rune[] shown,
        GateSaturation[] saturation, FeatureRanking[] unitSearch, UnitTrace[] units, SurpriseAnalysis surprise)
    {
        CellType = cellType;
        LayerCount = layerCount;
        HiddenSize = hiddenSize;
        Length = length;
        ShownStart = shownStart;
        Shown = shown;
        Saturation = saturation;
        UnitSearch = unitSearch;
        Units = units;
        Surprise = surprise;
    }

    /// <summary>The model's cell.</summary>
    public CellType CellType { get; }

    /// <summary>Its number of layers.</summary>
    public int LayerCount { get; }

    /// <summary>H.</summary>
    public int HiddenSize { get; }

    /// <summary>N: the number of characters read.</summary>
    public int Length { get; }

    /// <summary>The position in the text of the first shown character.</summary>
    public int ShownStart { get; }

    /// <summary>The characters the per-character views show: <c>shownLength</c> of them (or up to the end) from <see cref="ShownStart"/>.</summary>
    public IReadOnlyList<Rune> Shown { get; }

    /// <summary>Per layer and gate, each unit's saturated fractions; empty for the vanilla RNN (no gates).</summary>
    public IReadOnlyList<GateSaturation> Saturation { get; }

    /// <summary>Per feature (in <see cref="TextFeature"/> order), every unit ranked by |r|.</summary>
    public IReadOnlyList<FeatureRanking> UnitSearch { get; }

    /// <summary>The units shown over the text: the chosen ones, then the best unit for each feature.</summary>
    public IReadOnlyList<UnitTrace> Units { get; }

    /// <summary>The per-character loss.</summary>
    public SurpriseAnalysis Surprise { get; }
}
