using System.Text;

namespace LstmSharp.Diagnostics;

/// <summary>What a model does on a text, from <see cref="ModelExplainer"/>: the numbers behind the explain report.</summary>
/// <remarks>
/// The model's own facts (cell, layers, H) are not repeated here: they are the explained model's. N, the number of
/// characters read, is the length of <see cref="SurpriseAnalysis.Losses"/>.
/// </remarks>
public sealed class Explanation
{
    internal Explanation(int shownStart, Rune[] shown,
        GateSaturation[] saturation, FeatureRanking[] unitSearch, UnitTrace[] units, SurpriseAnalysis surprise)
    {
        ShownStart = shownStart;
        Shown = shown;
        Saturation = saturation;
        UnitSearch = unitSearch;
        Units = units;
        Surprise = surprise;
    }

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
