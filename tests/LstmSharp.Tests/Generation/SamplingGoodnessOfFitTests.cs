using LstmSharp.Generation;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;
using Xunit;
using Xunit.Abstractions;

namespace LstmSharp.Tests.Generation;

/// <summary>
/// The sampler draws from the distribution it should: Pearson's chi-square goodness of fit, at significance
/// α = 0.001 per case with fixed seeds (so each case passes or fails the same way every run), of 100,000 draws from
/// one fixed state against softmax(logits / temperature), and against the truncated, renormalised distributions of
/// top-k and top-p. Characters outside the kept set must never be drawn.
/// </summary>
public sealed class SamplingGoodnessOfFitTests(ITestOutputHelper output)
{
    private const int Draws = 100_000;
    private const double Significance = 0.001;
    private static readonly Vocabulary s_vocabulary = Vocabulary.FromText("abcdefghijkl");

    [Theory]
    [InlineData(1.0, 0, 1.0)]
    [InlineData(0.6, 0, 1.0)]
    [InlineData(1.7, 0, 1.0)]
    [InlineData(1.0, 4, 1.0)]
    [InlineData(1.0, 0, 0.7)]
    [InlineData(0.8, 6, 0.9)]
    [InlineData(1.0, 1, 1.0)]
    public void Draws_FitTheTruncatedRenormalisedSoftmax(double temperature, int topK, double topP)
    {
        CharModel<float> model = Model();
        double[] expected = Expected(Logits(model), temperature, topK, topP);
        long[] counts = Sample(model, new SamplingOptions { Temperature = temperature, TopK = topK, TopP = topP, Seed = 12345 });

        for (int id = 0; id < counts.Length; id++)
        {
            if (expected[id] == 0)
            {
                Assert.True(counts[id] == 0, $"'{s_vocabulary[id]}' is outside the kept set but was drawn {counts[id]} times");
            }
        }

        (double statistic, int degrees, double pValue) = ChiSquare(counts, expected);
        output.WriteLine($"T = {temperature}, top-k {topK}, top-p {topP}: χ² = {statistic:F2}, {degrees} degrees of freedom, p = {pValue:F4}; kept {expected.Count(p => p > 0)} of {expected.Length}");
        Assert.True(pValue > Significance, $"χ² = {statistic:F2} with {degrees} degrees of freedom, p = {pValue:E2} ≤ {Significance}");
    }

    [Fact]
    public void ChiSquare_HasThePowerToRejectTheWrongDistribution()
    {
        // The same draws at T = 0.6 against softmax at T = 1, and top-k 4 against the untruncated softmax: rejected.
        CharModel<float> model = Model();
        float[] logits = Logits(model);
        long[] cooled = Sample(model, new SamplingOptions { Temperature = 0.6, Seed = 1 });
        Assert.True(ChiSquare(cooled, Expected(logits, 1.0, 0, 1.0)).PValue < 1e-12);
        long[] truncated = Sample(model, new SamplingOptions { TopK = 4, Seed = 2 });
        Assert.True(ChiSquare(truncated, Expected(logits, 1.0, 0, 1.0)).PValue < 1e-12);
    }

    [Theory]
    [InlineData(1, 3.841459, 0.05)]
    [InlineData(9, 27.877165, 0.001)]
    [InlineData(11, 19.675138, 0.05)]
    [InlineData(4, 0.710723, 0.95)]
    public void UpperTailProbability_MatchesTables(int degrees, double statistic, double expected)
    {
        Assert.Equal(expected, ChiSquareUpperTail(degrees, statistic), 5);
    }

    /// <summary>A small model with weights large enough that the next-character distribution is far from uniform.</summary>
    private static CharModel<float> Model()
    {
        var model = new CharModel<float>(CellType.Lstm, s_vocabulary.Count, 8, 1);
        var random = new Random(3);
        foreach (ModelTensor<float> tensor in model.Tensors)
        {
            Span<float> values = tensor.Values;
            for (int index = 0; index < values.Length; index++)
            {
                values[index] = (float)(random.NextDouble() * 2.4 - 1.2);
            }
        }

        return model;
    }

    /// <summary>The logits after priming "a" from a zero state, computed apart from the sampler.</summary>
    private static float[] Logits(CharModel<float> model)
    {
        var logits = new float[model.VocabularySize];
        model.Predict(s_vocabulary.Encode("a"), 1, 1, null, new ModelState<float>(model, 1), logits);
        return logits;
    }

    /// <summary>softmax(logits / T), then keep the k most likely and the smallest most-likely prefix reaching mass p, renormalised.</summary>
    private static double[] Expected(float[] logits, double temperature, int topK, double topP)
    {
        double max = logits.Max();
        double[] probabilities = [.. logits.Select(logit => Math.Exp((logit - max) / temperature))];
        double sum = probabilities.Sum();
        int[] order = [.. Enumerable.Range(0, logits.Length).OrderByDescending(id => probabilities[id])];
        int limit = topK > 0 ? Math.Min(topK, logits.Length) : logits.Length;
        var kept = new HashSet<int>();
        double mass = 0;
        foreach (int id in order)
        {
            if (kept.Count == limit || mass >= topP * sum)
            {
                break;
            }

            kept.Add(id);
            mass += probabilities[id];
        }

        return [.. Enumerable.Range(0, logits.Length).Select(id => kept.Contains(id) ? probabilities[id] / mass : 0)];
    }

    private static long[] Sample(CharModel<float> model, SamplingOptions options)
    {
        var sampler = new Sampler(model, s_vocabulary, options);
        var counts = new long[s_vocabulary.Count];
        for (int draw = 0; draw < Draws; draw++)
        {
            sampler.Reset();
            sampler.Prime("a");
            counts[sampler.NextId()]++;
        }

        return counts;
    }

    /// <summary>Pearson's statistic over the categories with non-zero expected probability (each expects ≥ 5 draws here).</summary>
    private static (double Statistic, int Degrees, double PValue) ChiSquare(long[] counts, double[] expected)
    {
        double statistic = 0;
        int categories = 0;
        for (int id = 0; id < counts.Length; id++)
        {
            if (expected[id] > 0)
            {
                double mean = expected[id] * Draws;
                Assert.True(mean >= 5, $"category '{s_vocabulary[id]}' expects {mean:F1} draws, too few for the χ² approximation");
                statistic += (counts[id] - mean) * (counts[id] - mean) / mean;
                categories++;
            }
            else if (counts[id] > 0)
            {
                return (double.PositiveInfinity, categories, 0);   // drawn where the distribution has no mass
            }
        }

        int degrees = categories - 1;
        return (statistic, degrees, degrees == 0 ? 1 : ChiSquareUpperTail(degrees, statistic));
    }

    /// <summary>P(χ²_k ≥ x) = Q(k/2, x/2), the regularised upper incomplete gamma function (series below a + 1, continued fraction above).</summary>
    private static double ChiSquareUpperTail(int degrees, double x)
    {
        double a = degrees / 2.0, z = x / 2.0;
        if (z <= 0)
        {
            return 1;
        }

        double logPrefix = -z + a * Math.Log(z) - LogGamma(a);
        if (z < a + 1)
        {
            double term = 1 / a, sum = term;
            for (int n = 1; n < 1000 && Math.Abs(term) > Math.Abs(sum) * 1e-16; n++)
            {
                term *= z / (a + n);
                sum += term;
            }

            return 1 - sum * Math.Exp(logPrefix);
        }

        // Lentz's continued fraction for Q.
        double b = z + 1 - a, c = 1e300, d = 1 / b, h = d;
        for (int n = 1; n < 1000; n++)
        {
            double an = -n * (n - a);
            b += 2;
            d = an * d + b;
            d = Math.Abs(d) < 1e-300 ? 1e-300 : d;
            c = b + an / c;
            c = Math.Abs(c) < 1e-300 ? 1e-300 : c;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.Abs(delta - 1) < 1e-16)
            {
                break;
            }
        }

        return Math.Exp(logPrefix) * h;
    }

    /// <summary>ln Γ(a) by the Lanczos approximation (g = 7, nine terms), accurate to ~1e-15 for a > 0.</summary>
    private static double LogGamma(double a)
    {
        double[] coefficients =
        [
            0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
            12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
        ];
        if (a < 0.5)
        {
            return Math.Log(Math.PI / Math.Sin(Math.PI * a)) - LogGamma(1 - a);
        }

        a -= 1;
        double sum = coefficients[0];
        for (int index = 1; index < coefficients.Length; index++)
        {
            sum += coefficients[index] / (a + index);
        }

        double t = a + 7.5;
        return 0.5 * Math.Log(2 * Math.PI) + (a + 0.5) * Math.Log(t) - t + Math.Log(sum);
    }
}
