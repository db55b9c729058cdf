namespace LstmSharp.Diagnostics;

/// <summary>Every unit ranked by how well it tracks one feature.</summary>
public sealed class FeatureRanking
{
    internal FeatureRanking(TextFeature feature, UnitCorrelation[] units)
    {
        Feature = feature;
        Units = units;
    }

    /// <summary>The feature.</summary>
    public TextFeature Feature { get; }

    /// <summary>Every (unit, signal) pair, by |r| from the largest; empty when the feature takes only one value in the text, so no unit can track it.</summary>
    public IReadOnlyList<UnitCorrelation> Units { get; }
}
