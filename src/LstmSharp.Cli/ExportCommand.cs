using System.CommandLine;
using LstmSharp.Interop;
using LstmSharp.Layers;
using LstmSharp.Serialization;

namespace LstmSharp.Cli;

/// <summary><c>lstmsharp export</c>: a checkpoint as an ONNX model (standard LSTM/GRU/RNN operators) for other runtimes.</summary>
internal sealed class ExportCommand
{
    private readonly CliConsole _console;
    private readonly Option<string> _model = SharedOptions.Checkpoint();
    private readonly Option<string> _onnx = new("--onnx") { Description = "The .onnx file to write (atomically).", HelpName = "OUT.onnx", Required = true };

    public ExportCommand(CliConsole console)
    {
        _console = console;
        Command = new Command("export", "Export a checkpoint as ONNX (opset 17): inputs input_ids, h0 (and c0); outputs logits, hn (and cn); " +
            "the vocabulary in the model metadata. docs/interop.md shows how to run it.")
        {
            _model, _onnx,
        };
        Command.SetAction(parse => ErrorReporter.Run(_console, new Dictionary<string, string>(), () => Run(parse)));
    }

    public Command Command { get; }

    private int Run(ParseResult parse)
    {
        LoadedCheckpoint checkpoint = CheckpointFiles.Load(_console, parse.GetValue(_model)!);
        string path = parse.GetValue(_onnx)!;
        OnnxExporter.Export(checkpoint.Model, checkpoint.Vocabulary, path);
        _console.Out.WriteLine(FormattableString.Invariant(
            $"Wrote {path}: ONNX opset {OnnxExporter.OpsetVersion}, {checkpoint.Model.Layers.Count}-layer {CellNames.DisplayName(checkpoint.Model.CellType)}, ") +
            FormattableString.Invariant($"V = {checkpoint.Model.VocabularySize}, H = {checkpoint.Model.HiddenSize}, {new FileInfo(path).Length:N0} bytes."));
        return ExitCodes.Success;
    }
}
