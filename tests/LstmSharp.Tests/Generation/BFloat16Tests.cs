using LstmSharp.Generation;
using LstmSharp.Kernels;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;
using Xunit;
using Xunit.Abstractions;

namespace LstmSharp.Tests.Generation;

/// <summary>
/// The bfloat16 inference view: round-to-nearest-even against a scalar reference, the widened kernels giving the exact
/// bits of the float kernels on rounded weights, a one-step logit error within a bound derived from bfloat16's 8
/// significant bits, and the default (float) path left alone.
/// </summary>
public sealed class BFloat16Tests(ITestOutputHelper output)
{
    /// <summary>bfloat16 keeps 8 significant bits, so round-to-nearest changes a normal value by at most 2⁻⁸ of itself.</summary>
    private const double UnitRoundoff = 1.0 / 256;

    [Fact]
    public void Round_NamedCases_NearestTiesToEven()
    {
        Assert.Equal(0x3F80, BFloat16.Round(1f));
        Assert.Equal(0x3F80, BFloat16.Round(BitConverter.UInt32BitsToSingle(0x3F808000)));   // 1 + 2⁻⁸: a tie, 1.0 is even
        Assert.Equal(0x3F82, BFloat16.Round(BitConverter.UInt32BitsToSingle(0x3F818000)));   // 1 + 3·2⁻⁸: a tie, up to even
        Assert.Equal(0x3F81, BFloat16.Round(BitConverter.UInt32BitsToSingle(0x3F808001)));   // just above the tie: up
        Assert.Equal(0x3F80, BFloat16.Round(BitConverter.UInt32BitsToSingle(0x3F807FFF)));   // just below the tie: down
        Assert.Equal(0xBF80, BFloat16.Round(-1f));
        Assert.Equal(0x8000, BFloat16.Round(-0f));
        Assert.Equal(0x7F80, BFloat16.Round(float.PositiveInfinity));
        Assert.Equal(0xFF80, BFloat16.Round(float.NegativeInfinity));
        Assert.Equal(0x7F80, BFloat16.Round(float.MaxValue));                               // above bfloat16's max by more than half an ulp
        Assert.Equal(0x7F7F, BFloat16.Round(BitConverter.UInt32BitsToSingle(0x7F7F7FFF)));   // bfloat16's max
        Assert.Equal(0x0001, BFloat16.Round(BitConverter.UInt32BitsToSingle(0x00010000)));   // a subnormal, kept exactly
        Assert.True(float.IsNaN(BFloat16.Widen(BFloat16.Round(float.NaN))));
        Assert.True(float.IsNaN(BFloat16.Widen(BFloat16.Round(BitConverter.UInt32BitsToSingle(0x7F800001)))));   // a NaN whose payload is all in the dropped bits
    }

    [Fact]
    public void Round_RandomBitPatterns_MatchesTheNearestOfTheTwoNeighbours()
    {
        var random = new Random(21);
        for (int trial = 0; trial < 200_000; trial++)
        {
            // Every third value is a tie, so ties are tested as often as the rest.
            uint bits = (uint)random.NextInt64(0, 1L << 32);
            if (trial % 3 == 0)
            {
                bits = (bits & 0xFFFF0000) | 0x8000;
            }

            float value = BitConverter.UInt32BitsToSingle(bits);
            if (float.IsNaN(value))
            {
                continue;
            }

            Assert.Equal(Reference(value), BFloat16.Round(value));
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(40)]
    [InlineData(100)]
    [InlineData(256)]
    public void DotRows_AnyLength_BitsOfTheFloatKernelOnWidenedWeights(int length)
    {
        const int Rows = 11;
        var random = new Random(length);
        float[] weights = [.. Enumerable.Range(0, Rows * length).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        float[] x = [.. Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1))];
        ushort[] rounded = new ushort[weights.Length];
        BFloat16.Round(weights, rounded);
        float[] widened = [.. rounded.Select(BFloat16.Widen)];
        float[] expected = new float[Rows], actual = new float[Rows];
        unsafe
        {
            fixed (float* w = widened, px = x, y = expected, z = actual)
            fixed (ushort* b = rounded)
            {
                ForwardRows(w, px, y, Rows, length);
                BFloat16.DotRows(b, length, px, 0, Rows, z);
            }
        }

        Assert.Equal(expected, actual);
    }

    [Theory]
    [InlineData(CellType.Lstm, 256, 2)]
    [InlineData(CellType.Gru, 96, 1)]
    [InlineData(CellType.Rnn, 512, 1)]
    public void Step_BFloat16_BitsOfTheFloatPathOnARoundedModel(CellType cell, int hiddenSize, int layerCount)
    {
        var model = new CharModel<float>(cell, 23, hiddenSize, layerCount);
        model.Initialize(Initialization.PyTorchUniform, 6);
        CharModel<float> rounded = RoundedCopy(model);
        int[] ids = SingleStreamEngineTests.RandomIds(30, 2);
        float[][] expected = SingleStreamEngineTests.PredictOneAtATime(rounded, ids);

        var engine = new SingleStreamEngine(model.CreateInferenceView(), bfloat16: true);
        var logits = new float[model.VocabularySize];
        for (int position = 0; position < ids.Length; position++)
        {
            engine.Step(ids[position], logits);
            Assert.True(expected[position].AsSpan().SequenceEqual(logits), $"logits differ at position {position}");
        }
    }

    /// <summary>
    /// One LSTM step from the same state, float weights against bfloat16 ones: |Δlogit_k| must stay within a bound
    /// propagated from |w̃ − w| ≤ 2⁻⁸·|w| through the step. With A_j = |W_ih[j, x]| + Σ_p |W_hh[j, p]|·|h_p| a
    /// pre-activation moves by at most 2⁻⁸·A_j; σ′ ≤ ¼ and tanh′ ≤ 1 (mean value theorem) bound the gates; products
    /// are bounded exactly, |δ(ab)| ≤ |δa||b| + |a||δb| + |δa||δb|; and the head adds 2⁻⁸·Σ|W_kp||h_p| + Σ|W̃_kp|·|δh_p|.
    /// Float arithmetic on both sides adds, per pre-activation, 2γ_(H+2) of the sum of the magnitudes
    /// (γ_n = n·2⁻²⁴/(1 − n·2⁻²⁴), the classical dot-product bound), and 2⁻²⁰ per activation and product (float's
    /// own functions are accurate to a few ulp; 2⁻²⁰ is 16 ulp at 1): terms four orders below the bfloat16 one.
    /// </summary>
    [Fact]
    public void Step_BFloat16_LogitsWithinTheBoundFromEightSignificantBits()
    {
        const int HiddenSize = 192, Vocabulary = 23;
        var model = new CharModel<float>(CellType.Lstm, Vocabulary, HiddenSize);
        model.Initialize(Initialization.PyTorchUniform, 13);
        int[] ids = SingleStreamEngineTests.RandomIds(40, 3);
        var state = new ModelState<float>(model, 1);
        var logits = new float[Vocabulary];
        var engine = new SingleStreamEngine(model.CreateInferenceView(), bfloat16: true);
        var bf16Logits = new float[Vocabulary];
        double worstShare = 0;
        for (int position = 0; position < ids.Length; position++)
        {
            double[] bound = LstmStepBound(model, state, ids[position]);
            engine.Load(state);
            model.Predict(ids.AsSpan(position, 1), 1, 1, state, state, logits);
            engine.Step(ids[position], bf16Logits);
            for (int k = 0; k < Vocabulary; k++)
            {
                double error = Math.Abs(bf16Logits[k] - (double)logits[k]);
                Assert.True(error <= bound[k], $"position {position}, logit {k}: |Δ| = {error:E3} > bound {bound[k]:E3}");
                worstShare = Math.Max(worstShare, error / bound[k]);
            }
        }

        output.WriteLine($"largest |Δlogit| / bound over {ids.Length} steps: {worstShare:F3}");
    }

    [Fact]
    public void Defaults_FloatPath_BFloat16Off()
    {
        Assert.False(new SamplingOptions().BFloat16);
        var model = new CharModel<float>(CellType.Lstm, 5, 8);
        Assert.False(new SingleStreamEngine(model, bfloat16: false).IsBFloat16);
    }

    [Fact]
    public void ScoreBFloat16_EqualsTheFloatScoreOfTheRoundedModel()
    {
        Corpus corpus = Corpus.FromText(TestText.Repeat(3));
        var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, 64);
        model.Initialize(Initialization.PyTorchUniform, 1);

        TextScore bf16 = TextScorer.ScoreBFloat16(model, corpus);
        TextScore rounded = TextScorer.Score(RoundedCopy(model), corpus);

        // The same logits (see above); only the float sums of the losses run in another order.
        Assert.Equal(rounded.Characters, bf16.Characters);
        Assert.Equal(rounded.NatsPerCharacter, bf16.NatsPerCharacter, 1e-5);
    }

    /// <summary>A float model whose weight matrices are this model's rounded to bfloat16 (biases kept).</summary>
    private static CharModel<float> RoundedCopy(CharModel<float> model)
    {
        var copy = new CharModel<float>(model.CellType, model.VocabularySize, model.HiddenSize, model.Layers.Count);
        for (int index = 0; index < model.Tensors.Count; index++)
        {
            Span<float> source = model.Tensors[index].Values, target = copy.Tensors[index].Values;
            bool matrix = model.Tensors[index].Shape.Count == 2;
            for (int element = 0; element < source.Length; element++)
            {
                target[element] = matrix ? BFloat16.Widen(BFloat16.Round(source[element])) : source[element];
            }
        }

        return copy;
    }

    /// <summary>The float kernel on each row of a (rows, length) matrix: one "gate" of one unit whose row has length k = H = length.</summary>
    private static unsafe void ForwardRows(float* w, float* x, float* y, int rows, int length)
    {
        for (int row = 0; row < rows; row++)
        {
            UnitSlicedWeights<float>.ForwardSingle(w + (nint)row * length, x, y + row, 1, length, 0, 1);
        }
    }

    /// <summary>The derived bound on |Δlogit_k| for one LSTM step from <paramref name="state"/> with input <paramref name="id"/>.</summary>
    private static double[] LstmStepBound(CharModel<float> model, ModelState<float> state, int id)
    {
        RecurrentCell<float> cell = model.Layers[0];
        int h = model.HiddenSize, v = model.VocabularySize, inputSize = cell.InputSize;
        double u = UnitRoundoff, gamma = Gamma(h + 2), activation = Math.Pow(2, -20);
        float[] hidden = state.Layers[0].Hidden, cellState = state.Layers[0].Cell;
        ReadOnlySpan<float> wIh = cell.WeightIh, wHh = cell.WeightHh, bIh = cell.BiasIh, bHh = cell.BiasHh;
        var pre = new double[4 * h];
        var deviation = new double[4 * h];
        for (int j = 0; j < 4 * h; j++)
        {
            double sum = wIh[j * inputSize + id] + (double)bIh[j] + bHh[j], magnitude = Math.Abs(wIh[j * inputSize + id]);
            for (int p = 0; p < h; p++)
            {
                sum += (double)wHh[j * h + p] * hidden[p];
                magnitude += Math.Abs(wHh[j * h + p] * (double)hidden[p]);
            }

            pre[j] = sum;
            double biases = Math.Abs(bIh[j]) + Math.Abs(bHh[j]);
            deviation[j] = u * magnitude + 2 * gamma * (biases + (1 + u) * magnitude);
        }

        var newHidden = new double[h];
        var dHidden = new double[h];
        for (int unit = 0; unit < h; unit++)
        {
            double i = Sigmoid(pre[unit]), f = Sigmoid(pre[h + unit]), g = Math.Tanh(pre[2 * h + unit]), o = Sigmoid(pre[3 * h + unit]);
            double di = deviation[unit] / 4 + activation, df = deviation[h + unit] / 4 + activation;
            double dg = deviation[2 * h + unit] + activation, dout = deviation[3 * h + unit] / 4 + activation;
            double c = f * cellState[unit] + i * g;
            double dc = df * Math.Abs(cellState[unit]) + Product(i, di, g, dg) + activation;
            double tanhC = Math.Tanh(c), dTanh = dc + activation;
            newHidden[unit] = o * tanhC;
            dHidden[unit] = Product(o, dout, tanhC, dTanh) + activation;
        }

        ReadOnlySpan<float> wHead = model.Head.Weight, bHead = model.Head.Bias;
        double headGamma = Gamma(h + 1);
        var bound = new double[v];
        for (int k = 0; k < v; k++)
        {
            double magnitude = 0, carried = 0;
            for (int p = 0; p < h; p++)
            {
                double weight = Math.Abs(wHead[k * h + p]);
                magnitude += weight * (Math.Abs(newHidden[p]) + dHidden[p]);
                carried += (1 + u) * weight * dHidden[p];
            }

            bound[k] = u * magnitude + carried + 2 * headGamma * (Math.Abs(bHead[k]) + (1 + u) * magnitude);
        }

        return bound;
    }

    /// <summary>A bound on |δ(ab)| given |δa| ≤ da and |δb| ≤ db.</summary>
    private static double Product(double a, double da, double b, double db) => da * Math.Abs(b) + Math.Abs(a) * db + da * db;

    private static double Gamma(int n) => n * Math.Pow(2, -24) / (1 - n * Math.Pow(2, -24));

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>The scalar reference: the nearer of the two bfloat16 neighbours of <paramref name="value"/> in exact (double) arithmetic, ties to the even one.</summary>
    private static ushort Reference(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint down = bits & 0xFFFF0000, up = down + 0x10000;   // towards zero and away from zero (up may be ±∞)
        double magnitude = Math.Abs((double)value);
        double low = Math.Abs((double)BitConverter.UInt32BitsToSingle(down));
        double high = (up & 0x7FFFFFFF) == 0x7F800000 ? Math.Pow(2, 128) : Math.Abs((double)BitConverter.UInt32BitsToSingle(up));
        double below = magnitude - low, above = high - magnitude;
        bool roundUp = above < below || (above == below && ((down >> 16) & 1) == 1);
        return (ushort)((roundUp ? up : down) >> 16);
    }
}
