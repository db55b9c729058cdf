using LstmSharp.Kernels;
using Xunit;

namespace LstmSharp.Tests.Kernels;

/// <summary>The unit-sliced recurrent products against a scalar reference, over shapes that hit every tile and tail.</summary>
public sealed unsafe class UnitSlicedWeightsTests
{
    public static TheoryData<int, int, int> Shapes()
    {
        var data = new TheoryData<int, int, int>();
        foreach (int gates in new[] { 1, 3, 4 })
        {
            foreach (int hidden in new[] { 1, 5, 16, 33, 40, 64, 100 })
            {
                foreach (int batch in new[] { 2, 7, 8, 11, 17 })
                {
                    data.Add(gates, hidden, batch);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void ForwardAndBackward_EveryChunk_EqualsTheMultiplyAddChainBitForBit(int gateCount, int hiddenSize, int batchSize)
    {
        var random = new SeededRandom((ulong)(gateCount * 1000 + hiddenSize * 10 + batchSize));
        int gateSize = gateCount * hiddenSize;
        float[] weight = Random(random, gateSize * hiddenSize), hidden = Random(random, batchSize * hiddenSize);
        float[] dGates = Random(random, batchSize * gateSize), gates = Random(random, batchSize * gateSize), carry = Random(random, batchSize * hiddenSize);
        float[] expectedGates = (float[])gates.Clone(), expectedCarry = (float[])carry.Clone();
        for (int row = 0; row < batchSize; row++)
        {
            for (int column = 0; column < gateSize; column++)
            {
                float sum = expectedGates[row * gateSize + column];
                for (int p = 0; p < hiddenSize; p++)
                {
                    sum = SimdWidth.MultiplyAdd(hidden[row * hiddenSize + p], weight[column * hiddenSize + p], sum);
                }

                expectedGates[row * gateSize + column] = sum;
            }

            for (int unit = 0; unit < hiddenSize; unit++)
            {
                float sum = expectedCarry[row * hiddenSize + unit];
                for (int j = 0; j < gateSize; j++)
                {
                    sum = SimdWidth.MultiplyAdd(dGates[row * gateSize + j], weight[j * hiddenSize + unit], sum);
                }

                expectedCarry[row * hiddenSize + unit] = sum;
            }
        }

        int[] boundaries = UnitSlicedWeights<float>.Partition(batchSize, gateCount, hiddenSize);
        var slices = new UnitSlicedWeights<float>(gateCount, hiddenSize, boundaries);
        fixed (float* h = hidden, g = gates, d = dGates, c = carry)
        {
            for (int part = boundaries.Length - 2; part >= 0; part--)
            {
                slices.PackForward(weight, part);
                slices.PackBackward(weight, part);
                slices.Forward(h, batchSize, g, part);
                slices.Backward(d, batchSize, c, part);
            }
        }

        Assert.Equal(expectedGates, gates);
        Assert.Equal(expectedCarry, carry);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(4, 5)]
    [InlineData(3, 33)]
    [InlineData(3, 8)]
    [InlineData(4, 16)]
    [InlineData(4, 17)]
    [InlineData(4, 100)]
    [InlineData(1, 257)]
    [InlineData(4, 300)]
    public void SingleStream_EveryUnitRange_MatchesTheReference(int gateCount, int hiddenSize)
    {
        var random = new SeededRandom((ulong)hiddenSize);
        int gateSize = gateCount * hiddenSize;
        float[] weight = Random(random, gateSize * hiddenSize), hidden = Random(random, hiddenSize), dGates = Random(random, gateSize);
        float[] gates = new float[gateSize], carry = Random(random, hiddenSize), expectedCarry = [.. carry];   // the carry is added into
        int middle = hiddenSize / 3;
        fixed (float* w = weight, h = hidden, g = gates, d = dGates, c = carry)
        {
            UnitSlicedWeights<float>.ForwardSingle(w, h, g, gateCount, hiddenSize, middle, hiddenSize);
            UnitSlicedWeights<float>.ForwardSingle(w, h, g, gateCount, hiddenSize, 0, middle);
            UnitSlicedWeights<float>.BackwardSingle(w, d, c, gateSize, hiddenSize, 0, middle);
            UnitSlicedWeights<float>.BackwardSingle(w, d, c, gateSize, hiddenSize, middle, hiddenSize);
        }

        for (int row = 0; row < gateSize; row++)
        {
            double sum = 0;
            for (int p = 0; p < hiddenSize; p++)
            {
                sum += (double)weight[row * hiddenSize + p] * hidden[p];
            }

            Assert.True(Math.Abs(gates[row] - sum) <= 1e-5 * Math.Max(1, Math.Abs(sum)), $"row {row}: {gates[row]} vs {sum}");
        }

        for (int unit = 0; unit < hiddenSize; unit++)
        {
            for (int j = 0; j < gateSize; j++)
            {
                expectedCarry[unit] = SimdWidth.MultiplyAdd(dGates[j], weight[j * hiddenSize + unit], expectedCarry[unit]);
            }
        }

        Assert.Equal(expectedCarry, carry);
    }

    private static float[] Random(SeededRandom random, int length) => [.. Enumerable.Range(0, length).Select(_ => (float)(random.NextDouble() * 2 - 1))];
}
