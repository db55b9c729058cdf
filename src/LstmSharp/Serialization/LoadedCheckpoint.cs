using LstmSharp.Model;
using LstmSharp.Text;

namespace LstmSharp.Serialization;

/// <summary>A checkpoint read by <see cref="Checkpoint.Load"/>: the model, its vocabulary, and what it records for resuming.</summary>
public sealed class LoadedCheckpoint
{
    internal LoadedCheckpoint(CharModel<float> model, Vocabulary vocabulary, SafeTensorsDocument document, string? integrityWarning)
    {
        IntegrityWarning = integrityWarning;
        Model = model;
        Vocabulary = vocabulary;
        Document = document;
    }

    /// <summary>The model with the saved parameters.</summary>
    public CharModel<float> Model { get; }

    /// <summary>The model's vocabulary.</summary>
    public Vocabulary Vocabulary { get; }

    /// <summary>The file as read, tensors and metadata.</summary>
    internal SafeTensorsDocument Document { get; }

    /// <summary>
    /// The file's string metadata as saved (<c>__metadata__</c>): the format version (<c>lstmsharp.format</c>), the
    /// vocabulary, the cell and sizes and, when saved with a trainer, its position (<c>trainer.step</c>,
    /// <c>trainer.epoch</c>, …) and options (<c>training.options</c>). Read-only; verified by the file's checksum.
    /// </summary>
    public IReadOnlyDictionary<string, string> Metadata => Document.Metadata;

    /// <summary>
    /// <see langword="null"/> when every byte of the file was verified by its checksum; otherwise (a format-1 file,
    /// whose checksum covers the tensor data only) a sentence naming what is unverified, to show the user.
    /// </summary>
    public string? IntegrityWarning { get; }

    /// <summary>Whether the checkpoint carries a trainer's state, so <see cref="Checkpoint.RestoreTrainer"/> can resume from it.</summary>
    public bool HasTrainerState => Document.Metadata.ContainsKey("trainer.step");
}
