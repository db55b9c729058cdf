namespace LstmSharp.Generation;

/// <summary>How a <see cref="Sampler"/> picks each next character from the model's distribution.</summary>
public sealed record SamplingOptions
{
    /// <summary>Divides the logits before the softmax: below 1 sharpens, above 1 flattens. Must be positive. Default 1.</summary>
    public double Temperature { get; init; } = 1.0;

    /// <summary>Always take the most likely character (argmax); the other settings are then ignored.</summary>
    public bool Greedy { get; init; }

    /// <summary>Sample only among the k most likely characters; 0 for no limit.</summary>
    public int TopK { get; init; }

    /// <summary>Sample only among the most likely characters whose probabilities sum to at least p (nucleus sampling), in (0, 1]. Default 1 (no limit).</summary>
    public double TopP { get; init; } = 1.0;

    /// <summary>The seed: the same model, prime, options and seed give the same text.</summary>
    public ulong Seed { get; init; }

    /// <summary>
    /// Runs on a copy of the weight matrices rounded to bfloat16 (8 significant bits), made when the sampler is created,
    /// with float activations and float accumulation: about half the memory traffic per character, so faster where a
    /// character is memory-bound (large H), at a small cost in accuracy (docs/benchmarks.md). Off by default. Later
    /// changes to the model's weights are not seen by such a sampler.
    /// </summary>
    public bool BFloat16 { get; init; }

    /// <summary>Checks every option and throws an <see cref="ArgumentOutOfRangeException"/> naming the first bad one.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public void Validate()
    {
        ThrowHelper.CheckPositive(Temperature, "The temperature must be positive and finite.");

        ArgumentOutOfRangeException.ThrowIfNegative(TopK);
        ThrowHelper.CheckFactor(TopP, "Top-p must be in (0, 1].");
    }
}
