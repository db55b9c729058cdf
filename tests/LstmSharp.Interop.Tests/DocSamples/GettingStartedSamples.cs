// Compiled copies of the C# samples in docs/getting-started.md: DocSamplesTests checks that each one is identical to the markdown.
using LstmSharp.Generation;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Text;
using LstmSharp.Training;

namespace LstmSharp.Interop.Tests.DocSamples;

internal static class GettingStartedSamples
{
    public static void Train()
    {
        // sample: getting-started-train
        Corpus corpus = Corpus.FromFile("input.txt");                     // strict UTF-8, one id per Unicode scalar value
        var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, hiddenSize: 128, layerCount: 2);
        model.Initialize(Initialization.PyTorchUniform, seed: 1);

        var options = new TrainingOptions { SequenceLength = 64, BatchSize = 16, MaxSteps = 1000, LearningRate = 2e-3 };
        var trainer = new Trainer(model, options);
        TrainingResult result = trainer.Train(corpus);
        Console.WriteLine($"{result.Steps} steps, validation loss {result.ValidationLoss:F3} nats/char");

        Checkpoint.Save("model.safetensors", model, corpus.Vocabulary, trainer);   // atomic, and resumable

        var sampler = new Sampler(model, corpus.Vocabulary, new SamplingOptions { Temperature = 0.8, Seed = 7 });
        sampler.Prime("The ");
        Console.WriteLine(string.Concat(sampler.Generate(200)));
        // end sample
    }

    public static void Predict()
    {
        // sample: getting-started-predict
        LoadedCheckpoint checkpoint = Checkpoint.Load("model.safetensors");
        CharModel<float> model = checkpoint.Model;
        Vocabulary vocabulary = checkpoint.Vocabulary;

        int[] ids = vocabulary.Encode("hello");                       // (T): one stream, so B = 1
        var state = new ModelState<float>(model, batchSize: 1);       // zeros; carried from call to call
        var logits = new float[ids.Length * model.VocabularySize];    // (T, B, V)
        model.Predict(ids, ids.Length, batchSize: 1, state, state, logits);

        ReadOnlySpan<float> last = logits.AsSpan((ids.Length - 1) * model.VocabularySize, model.VocabularySize);
        int next = last.IndexOf(System.Numerics.Tensors.TensorPrimitives.Max(last));
        Console.WriteLine($"after \"hello\" the model expects '{vocabulary[next]}'");
        // end sample
    }

    public static void Resume()
    {
        // sample: getting-started-resume
        Corpus corpus = Corpus.FromFile("input.txt");
        LoadedCheckpoint? last = File.Exists("model.last.safetensors") ? Checkpoint.Load("model.last.safetensors") : null;
        CharModel<float> model = last?.Model ?? new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, hiddenSize: 128);
        if (last is null)
        {
            model.Initialize(Initialization.PyTorchUniform, seed: 1);
        }

        TrainingOptions options = (last is null ? null : Checkpoint.ReadTrainingOptions(last))
            ?? new TrainingOptions { SequenceLength = 64, BatchSize = 16, MaxEpochs = 20, EvaluateEvery = 200 };
        var trainer = new Trainer(model, options);
        if (last is { HasTrainerState: true })
        {
            Checkpoint.RestoreTrainer(last, trainer);                    // step, epoch, optimizer moments, carried state
        }

        // At every evaluation the trainer is consistent: save the latest, and the best so far.
        trainer.Evaluated += (_, progress) =>
        {
            Checkpoint.Save("model.last.safetensors", model, corpus.Vocabulary, trainer);
            if (progress.ValidationLoss == trainer.BestValidationLoss)
            {
                Checkpoint.Save("model.safetensors", model, corpus.Vocabulary, trainer);
            }
        };
        TrainingResult result = trainer.Train(corpus);
        Console.WriteLine($"step {trainer.Step}, epoch {trainer.Epoch}, best validation {result.BestValidationLoss:F3} nats/char");

        // Windows from your own pipeline: (T, B) ids, time-major; the state carries over until you reset it.
        int[] inputs = new int[options.SequenceLength * options.BatchSize], targets = new int[inputs.Length];
        trainer.ResetState();
        (double loss, double gradientNorm) = trainer.TrainStep(inputs, targets, trainer.CurrentLearningRate);
        Console.WriteLine($"loss {loss:F3}, gradient norm {gradientNorm:F3}");
        // end sample
    }
}
