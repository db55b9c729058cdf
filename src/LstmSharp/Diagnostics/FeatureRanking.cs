namespace LstmSharp.Diagnostics;

/// <summary>Every unit ranked by how well it tracks one feature.</summary>
/// <param name="Feature">The feature.</param>
/// <param name="FeatureVaries">Whether the feature takes more than one value in the text; if not, no unit can track it and <paramref name="Units"/> is empty.</param>
/// <param name="Units">Every (unit, signal) pair, by |r| from the largest.</param>
public sealed record FeatureRanking(TextFeature Feature, bool FeatureVaries, IReadOnlyList<UnitCorrelation> Units);
