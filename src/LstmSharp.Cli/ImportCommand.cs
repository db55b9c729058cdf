using System.CommandLine;
using LstmSharp.Interop;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Serialization;
using LstmSharp.Text;

namespace LstmSharp.Cli;

/// <summary><c>lstmsharp import</c>: a PyTorch state dict (safetensors) and its vocabulary as an LstmSharp checkpoint.</summary>
internal sealed class ImportCommand
{
    private readonly CliConsole _console;

    private readonly Option<string> _pytorch = new("--pytorch")
    {
        Description = "The state dict, saved as safetensors, of a module with an nn.LSTM/nn.GRU/nn.RNN as 'rnn' and an nn.Linear as 'head' " +
                      "(interop/pytorch/ writes one).",
        HelpName = "STATE_DICT.safetensors",
        Required = true,
    };

    private readonly Option<string> _vocabulary = new("--vocabulary")
    {
        Description = "The model's characters: LstmSharp's vocabulary JSON ({\"chars\": [...]}), or a UTF-8 text whose distinct characters, " +
                      "sorted, are the vocabulary (every character of the file counts, newlines too).",
        HelpName = "FILE",
        Required = true,
    };

    private readonly Option<string> _cell = new("--cell") { Description = "The recurrent cell the state dict holds (checked against its shapes).", Required = true };
    private readonly Option<string> _out = new("--out", "-o") { Description = "The checkpoint to write.", HelpName = "CKPT", Required = true };

    public ImportCommand(CliConsole console)
    {
        _console = console;
        _cell.AcceptOnlyFromAmong("lstm", "gru", "rnn");
        Command = new Command("import", "Import a PyTorch state dict as a checkpoint that sample, score, info, export and train --init-from read.")
        {
            _pytorch, _vocabulary, _cell, _out,
        };
        Command.SetAction(parse => ErrorReporter.Run(_console, new Dictionary<string, string>(), () => Run(parse)));
    }

    public Command Command { get; }

    private int Run(ParseResult parse)
    {
        string statePath = parse.GetValue(_pytorch)!, outPath = parse.GetValue(_out)!;
        Vocabulary vocabulary = ReadVocabulary(parse.GetValue(_vocabulary)!);
        // --cell accepts only the three names (AcceptOnlyFromAmong).
        CellType cell = CellNames.TryParse(parse.GetValue(_cell)!, out CellType parsed) ? parsed : throw new UsageException("--cell: unknown cell.");
        if (!File.Exists(statePath))
        {
            throw new FileNotFoundException($"The state dict '{statePath}' does not exist.", statePath);
        }

        CharModel<float> model = PyTorchStateDict.Load<float>(statePath, vocabulary);
        if (model.CellType != cell)
        {
            throw new InvalidDataException(
                $"'{statePath}' holds cell type '{CellNames.Of(model.CellType)}' (by its tensors' shapes), but --cell says '{CellNames.Of(cell)}'.");
        }

        if (!PyTorchStateDict.HasChecksum(statePath))
        {
            _console.Error.WriteLine($"lstmsharp: note: '{statePath}' carries no checksum (PyTorch's files have none), so only its structure was checked " +
                "(tensor names, shapes and dtypes), not its values; the checkpoint written now carries a checksum of every byte.");
        }

        Checkpoint.Save(outPath, model, vocabulary);
        _console.Out.WriteLine(FormattableString.Invariant(
            $"Wrote {outPath}: {model.Layers.Count}-layer {CellNames.DisplayName(cell)}, hidden {model.HiddenSize}, V = {vocabulary.Count}, {model.ParameterCount:N0} parameters."));
        return ExitCodes.Success;
    }

    private static Vocabulary ReadVocabulary(string path)
    {
        string text = Utf8TextFile.ReadNonEmpty(path, "vocabulary");
        // Our JSON starts with '{' (FromJson says what is wrong with a malformed one); a text of characters is read as it is.
        if (text.TrimStart().StartsWith('{'))
        {
            return Vocabulary.FromJson(text);
        }

        return Vocabulary.FromText(text);
    }
}
