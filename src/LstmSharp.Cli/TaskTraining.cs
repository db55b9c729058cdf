using System.CommandLine;
using LstmSharp.Diagnostics;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Training;

namespace LstmSharp.Cli;

/// <summary>
/// <c>--task key-recall|brackets --distance N</c> for <c>gradflow</c> and <c>connectivity</c>: trains each cell the same
/// way on a long-range task (as the key-recall test does), so the pictures show a memory the task demands. Training
/// draws a fresh batch every step, with the loss on the query step only; keys sit at a random distance in [1, N] (a
/// curriculum) and the model is scored at distance N. An "epoch" here is <see cref="StepsPerEpoch"/> steps.
/// </summary>
internal sealed class TaskTraining
{
    public const int StepsPerEpoch = 100;
    public const int BatchSize = 32;
    public const double LearningRate = 2e-2;

    public static Option<string?> CreateTaskOption()
    {
        var option = new Option<string?>("--task")
        {
            Description = "Train on a long-range task instead of a text: key-recall (recall a letter N steps back) or brackets (close the bracket opened N steps back).",
            HelpName = "key-recall|brackets",
        };
        option.AcceptOnlyFromAmong("key-recall", "brackets");
        return option;
    }

    public static Option<int> CreateDistanceOption() => new("--distance")
    {
        Description = "With --task: steps from the key to the query.",
        HelpName = "N",
        DefaultValueFactory = _ => 50,
    };

    /// <summary>The task to train on (keys at every distance up to N) and the one to score on (keys at exactly N).</summary>
    public static (LongRangeTask Training, LongRangeTask Evaluation) Create(string name, int distance)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(distance, 2, nameof(distance));
        return name switch
        {
            "key-recall" => (new KeyRecallTask(distance, minimumDistance: 1), new KeyRecallTask(distance)),
            "brackets" => (new BracketMatchingTask(distance), new BracketMatchingTask(distance)),
            _ => throw new UsageException($"--task must be key-recall or brackets, not '{name}'."),
        };
    }

    /// <summary>A model of <paramref name="cell"/> for the task, initialised as PyTorch does.</summary>
    public static CharModel<float> CreateModel(LongRangeTask task, CellType cell, int hiddenSize, ulong seed)
    {
        var model = new CharModel<float>(cell, task.Vocabulary.Count, hiddenSize);
        model.Initialize(Initialization.PyTorchUniform, seed);
        return model;
    }

    /// <summary>
    /// Trains <paramref name="model"/> for <paramref name="steps"/> steps (Adam, lr 0.02, global-norm clip 1, B = 32),
    /// calling <paramref name="beforeStep"/> before each step with the step number.
    /// </summary>
    public static void Train(CharModel<float> model, LongRangeTask task, int steps, ulong seed, Action<int>? beforeStep = null, CancellationToken cancellation = default)
    {
        (float[] Parameters, float[] Gradients)[] buffers = [.. model.ParameterBuffers];
        Optimizer<float> optimizer = new Adam<float>(buffers);
        var random = new SeededRandom(seed + 1000);
        var inputs = new int[task.InputLength * BatchSize];
        var targets = new int[BatchSize];
        var final = new ModelState<float>(model, BatchSize);
        for (int step = 0; step < steps; step++)
        {
            cancellation.ThrowIfCancellationRequested();
            beforeStep?.Invoke(step);
            task.FillBatch(random, BatchSize, inputs, targets);
            model.ZeroGradients();
            model.Forward(inputs, targets, task.InputLength, BatchSize, null, final, LossMode.LastStep);
            model.Backward();
            GradientClipping.ClipByGlobalNorm(buffers, 1.0);
            optimizer.Step(LearningRate);
        }
    }

    /// <summary>The share of <paramref name="samples"/> fresh samples whose answer is the model's most likely next character.</summary>
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
}
