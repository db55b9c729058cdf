using LstmSharp.Diagnostics;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Training;

namespace LstmSharp.Tests.Diagnostics;

/// <summary>Trains a model briefly on a long-range task with the loss on the query step only, and scores it.</summary>
internal static class LongRangeTraining
{
    public static CharModel<float> Train(LongRangeTask task, CellType cell, int hiddenSize, int steps, int batchSize, double learningRate,
        ulong seed, float forgetBias = 0)
    {
        var model = new CharModel<float>(cell, task.Vocabulary.Count, hiddenSize);
        model.Initialize(Initialization.PyTorchUniform, seed);
        if (cell == CellType.Lstm && forgetBias != 0)
        {
            model.Layers[0].BiasHh.Slice(hiddenSize, hiddenSize).Fill(forgetBias);
            model.Layers[0].BiasIh.Slice(hiddenSize, hiddenSize).Clear();
        }

        (float[] Parameters, float[] Gradients)[] buffers = [.. model.ParameterBuffers];
        Optimizer<float> optimizer = Optimizer<float>.Create(OptimizerKind.Adam, buffers);
        var random = new SeededRandom(seed + 1000);
        var inputs = new int[task.InputLength * batchSize];
        var targets = new int[batchSize];
        var final = new ModelState<float>(model, batchSize);
        for (int step = 0; step < steps; step++)
        {
            task.FillBatch(random, batchSize, inputs, targets);
            model.ZeroGradients();
            model.Forward(inputs, targets, task.InputLength, batchSize, null, final, LossMode.LastStep);
            model.Backward();
            GradientClipping.ClipByGlobalNorm(buffers, 1.0);
            optimizer.Step(learningRate);
        }

        return model;
    }

    /// <summary>The share of fresh samples whose answer is the model's most likely next character.</summary>
    public static double Accuracy(CharModel<float> model, LongRangeTask task, int samples, ulong seed)
    {
        var random = new SeededRandom(seed);
        var inputs = new int[task.InputLength * samples];
        var targets = new int[samples];
        task.FillBatch(random, samples, inputs, targets);
        int vocabularySize = model.VocabularySize;
        var logits = new float[task.InputLength * samples * vocabularySize];
        model.Predict(inputs, task.InputLength, samples, null, new ModelState<float>(model, samples), logits);
        int correct = 0;
        for (int stream = 0; stream < samples; stream++)
        {
            ReadOnlySpan<float> last = logits.AsSpan(((task.InputLength - 1) * samples + stream) * vocabularySize, vocabularySize);
            int best = 0;
            for (int id = 1; id < vocabularySize; id++)
            {
                best = last[id] > last[best] ? id : best;
            }

            correct += best == targets[stream] ? 1 : 0;
        }

        return (double)correct / samples;
    }

    /// <summary>The mean over samples of the key position's share of the connectivity, Values[key] / Σ Values.</summary>
    public static (double KeyShare, double KeyNormalized) KeyConnectivity(CharModel<float> model, LongRangeTask task, int samples, ulong seed)
    {
        var random = new SeededRandom(seed);
        double share = 0, normalized = 0;
        for (int sample = 0; sample < samples; sample++)
        {
            LongRangeSample example = task.Generate(random);
            ConnectivityMap map = Connectivity.Compute(model, example.Inputs, example.TargetId);
            share += map.Values[example.KeyPosition] / map.Values.Sum();
            normalized += map.Normalized[example.KeyPosition];
        }

        return (share / samples, normalized / samples);
    }
}
