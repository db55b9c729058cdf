using LstmSharp.Generation;
using LstmSharp.Kernels;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;
using Xunit;

namespace LstmSharp.Tests.Generation;

/// <summary>
/// The fused B = 1 engine the sampler runs per character: the bits of <see cref="CharModel{T}.Predict"/> one character
/// at a time (the path the sampler took before, so fixed-seed samples do not change), for every cell, stacked layers, and
/// one thread or two at shapes that really split into several unit chunks; and no allocation on any thread.
/// </summary>
[Collection(ProcessWideSettings.Name)]
public sealed class SingleStreamEngineTests
{
    private const int VocabularySize = 23;

    [Theory]
    [InlineData(CellType.Lstm, 256, 1)]   // 4 chunks of 64 units
    [InlineData(CellType.Lstm, 512, 2)]   // 8 chunks, the benchmark's H
    [InlineData(CellType.Gru, 256, 2)]    // 3 chunks of 84–88 units: ragged slices of the gate math
    [InlineData(CellType.Rnn, 512, 2)]
    [InlineData(CellType.Lstm, 100, 2)]   // one chunk: the caller alone
    public void Step_OneThreadAndTwo_BitIdenticalToPredictOneCharacterAtATime(CellType cell, int hiddenSize, int layerCount)
    {
        var model = new CharModel<float>(cell, VocabularySize, hiddenSize, layerCount);
        model.Initialize(Initialization.PyTorchUniform, 3);
        int[] ids = RandomIds(40, 11);
        float[][] expected = PredictOneAtATime(model, ids);

        int saved = Parallelism.MaxThreads;
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                Parallelism.MaxThreads = threads;
                var engine = new SingleStreamEngine(model.CreateInferenceView(), bfloat16: false);
                var logits = new float[VocabularySize];
                for (int position = 0; position < ids.Length; position++)
                {
                    engine.Step(ids[position], logits);
                    Assert.True(expected[position].AsSpan().SequenceEqual(logits), $"{threads} thread(s): logits differ at position {position}");
                }
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    [Fact]
    public void Generate_TwoThreads_WorkerRunsChunksAndTextMatchesOneThread()
    {
        (CharModel<float> model, Vocabulary vocabulary) = Model(CellType.Lstm, 256, 1);
        Assert.True(UnitSlicedWeights<float>.Partition(1, 4, 256).Length - 1 > 1, "the shape must split into several unit chunks");
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 1;
            string one = Sample(model, vocabulary, new SamplingOptions { Seed = 9, Temperature = 0.8 }, 400);
            Parallelism.MaxThreads = 2;
            long before = SingleStreamWorkers.WorkerChunks;
            // A parked worker may wake only after a whole run of 400 characters (16 ms here) on a loaded machine, so the
            // run repeats until the worker has taken part (each repeat must give the same text as one thread).
            for (int run = 0; run < 50 && (run == 0 || SingleStreamWorkers.WorkerChunks == before); run++)
            {
                Assert.Equal(one, Sample(model, vocabulary, new SamplingOptions { Seed = 9, Temperature = 0.8 }, 400));
            }

            if (Environment.ProcessorCount >= 2)
            {
                Assert.True(SingleStreamWorkers.WorkerChunks > before, "with two threads the worker never ran a chunk in 50 runs");
            }
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    [Theory]
    [InlineData(CellType.Lstm, 1)]
    [InlineData(CellType.Gru, 2)]
    public void Prime_LongTextAsWindows_SameAsOneCharacterAtATime(CellType cell, int layerCount)
    {
        // 700 characters: two full windows of 256 and a ragged one, through the batched engine.
        (CharModel<float> model, Vocabulary vocabulary) = Model(cell, 64, layerCount);
        string prime = string.Concat(Enumerable.Range(0, 700).Select(index => vocabulary[(index * 7 + index / 13) % vocabulary.Count].ToString()));

        var windowed = new Sampler(model, vocabulary, new SamplingOptions { Seed = 4 });
        windowed.Prime(prime);
        var stepped = new Sampler(model, vocabulary, new SamplingOptions { Seed = 4 });
        foreach (char character in prime)
        {
            stepped.Prime(character.ToString());
        }

        Assert.Equal(string.Concat(stepped.Generate(200)), string.Concat(windowed.Generate(200)));

        // And a prime after generating continues from the generated state, as one character at a time does.
        windowed.Prime(prime[..300]);
        foreach (char character in prime[..300])
        {
            stepped.Prime(character.ToString());
        }

        Assert.Equal(string.Concat(stepped.Generate(100)), string.Concat(windowed.Generate(100)));
    }

    [Theory]
    [InlineData(false, 1)]
    [InlineData(false, 2)]
    [InlineData(true, 2)]
    public void NextId_TwoThreadsAfterWarmUp_AllocatesNothingOnAnyThread(bool bfloat16, int layerCount)
    {
        (CharModel<float> model, Vocabulary vocabulary) = Model(CellType.Lstm, 256, layerCount);
        int saved = Parallelism.MaxThreads;
        try
        {
            Parallelism.MaxThreads = 2;
            var sampler = new Sampler(model, vocabulary, new SamplingOptions { Seed = 2, TopK = 5, TopP = 0.9, BFloat16 = bfloat16 });
            sampler.Prime("the quick brown fox");
            // Warm up until the JIT's tiering has finished (it allocates while it recompiles hot methods), as `bench sample` does.
            var clock = System.Diagnostics.Stopwatch.StartNew();
            for (int index = 0; index < 200 || clock.ElapsedMilliseconds < 1500; index++)
            {
                sampler.NextId();
            }

            // The test host's threads and the runtime's tiering allocate now and then (a few hundred bytes even while this
            // thread sleeps, fading as tiering settles), so the process-wide count is read over up to 40 runs of 500
            // characters and one must be exactly 0: an allocation per character, on the caller or on a worker, shows in every run.
            long[] totals = new long[40];
            int runs = 0;
            long caller = GC.GetAllocatedBytesForCurrentThread();
            do
            {
                long before = GC.GetTotalAllocatedBytes(precise: true);
                for (int index = 0; index < 500; index++)
                {
                    sampler.NextId();
                }

                totals[runs++] = GC.GetTotalAllocatedBytes(precise: true) - before;
            }
            while (runs < totals.Length && totals[runs - 1] != 0);

            Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - caller);
            Assert.True(totals[runs - 1] == 0, $"every run of 500 characters allocated on some thread: {string.Join(", ", totals)} B");
        }
        finally
        {
            Parallelism.MaxThreads = saved;
        }
    }

    internal static float[][] PredictOneAtATime(CharModel<float> model, int[] ids)
    {
        var state = new ModelState<float>(model, 1);
        var result = new float[ids.Length][];
        for (int position = 0; position < ids.Length; position++)
        {
            result[position] = new float[model.VocabularySize];
            model.Predict(ids.AsSpan(position, 1), 1, 1, state, state, result[position]);
        }

        return result;
    }

    internal static int[] RandomIds(int count, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => random.Next(VocabularySize))];
    }

    private static (CharModel<float> Model, Vocabulary Vocabulary) Model(CellType cell, int hiddenSize, int layerCount)
    {
        Vocabulary vocabulary = Vocabulary.FromText(TestText.Repeat(1));
        var model = new CharModel<float>(cell, vocabulary.Count, hiddenSize, layerCount);
        model.Initialize(Initialization.PyTorchUniform, 8);
        return (model, vocabulary);
    }

    private static string Sample(CharModel<float> model, Vocabulary vocabulary, SamplingOptions options, int length)
    {
        var sampler = new Sampler(model, vocabulary, options);
        sampler.Prime("the ");
        return string.Concat(sampler.Generate(length));
    }
}
