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
}
