using LstmSharp.Generation;
using LstmSharp.Interop;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Text;
using LstmSharp.Training;

// Trains a few steps on a short text, samples, exports to ONNX and reloads the weights as a PyTorch state dict:
// every public entry point a consumer reaches through the package, including its dependencies (Google.Protobuf).
const string text = "the quick brown fox jumps over the lazy dog. the lazy dog sleeps. the quick fox runs.\n";
Corpus corpus = Corpus.FromText(string.Concat(Enumerable.Repeat(text, 20)));
var model = new CharModel<float>(CellType.Lstm, corpus.Vocabulary.Count, hiddenSize: 32, layerCount: 2);
model.Initialize(Initialization.PyTorchUniform, seed: 1);

var trainer = new Trainer(model, new TrainingOptions { SequenceLength = 16, BatchSize = 4, MaxSteps = 40, LearningRate = 1e-2, ValidationFraction = 0.1, EvaluateEvery = 20 });
TrainingResult result = trainer.Train(corpus);

var sampler = new Sampler(model, corpus.Vocabulary, new SamplingOptions { Temperature = 0.8, Seed = 7 });
sampler.Prime("the ");
string sample = string.Concat(sampler.Generate(40));

string directory = Directory.CreateTempSubdirectory("lstmsharp-consumer-").FullName;
try
{
    string checkpoint = Path.Combine(directory, "model.safetensors");
    Checkpoint.Save(checkpoint, model, corpus.Vocabulary);
    CharModel<float> reloaded = PyTorchStateDict.Load<float>(checkpoint, corpus.Vocabulary);
    string onnx = Path.Combine(directory, "model.onnx");
    OnnxExporter.Export(reloaded, corpus.Vocabulary, onnx);

    bool ok = result.Steps == 40 && double.IsFinite(result.TrainingLoss) && result.TrainingLoss < Math.Log(corpus.Vocabulary.Count)
        && sample.Length > 0 && new FileInfo(onnx).Length > model.ParameterCount * sizeof(float);
    Console.WriteLine($"steps {result.Steps}, loss {result.TrainingLoss:F3} nats/char, onnx {new FileInfo(onnx).Length} bytes");
    Console.WriteLine($"sample: {sample.ReplaceLineEndings(" ")}");
    Console.WriteLine(ok ? "LSTMSHARP CONSUMER OK" : "LSTMSHARP CONSUMER FAILED");
    return ok ? 0 : 1;
}
finally
{
    Directory.Delete(directory, recursive: true);
}
