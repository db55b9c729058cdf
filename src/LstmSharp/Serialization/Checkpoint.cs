using System.Globalization;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;
using LstmSharp.Training;

namespace LstmSharp.Serialization;

/// <summary>
/// Saves and loads a model as a safetensors file that PyTorch reads with <c>load_state_dict</c>: the tensors carry
/// <c>nn.LSTM</c>/<c>nn.GRU</c>/<c>nn.RNN</c> names under <c>rnn.</c> and <c>nn.Linear</c> names under <c>head.</c>;
/// the vocabulary, cell type and sizes go in <c>__metadata__</c>. A checkpoint may also carry a trainer's state
/// (optimizer moments under <c>optimizer.</c>, the carried hidden state under <c>trainer.</c>, step, epoch, position
/// and options), so that training resumes exactly.
/// </summary>
/// <remarks>
/// Format 2 files carry a SHA-256 of the whole file (in the metadata key <c>lstmsharp.sha256</c>), so a change to any byte
/// (a weight, the vocabulary, the options, a step count, any metadata key added later) makes <see cref="Load"/> throw
/// an <see cref="InvalidDataException"/>. Format 1 files (written before it) carry a checksum of the tensor data only;
/// they still load, with <see cref="LoadedCheckpoint.IntegrityWarning"/> naming what is unverified.
/// </remarks>
public static class Checkpoint
{
    /// <summary>The metadata key of the format version.</summary>
    internal const string FormatKey = "lstmsharp.format";

    /// <summary>The format written: 2, whose checksum covers the whole file.</summary>
    internal const string FormatVersion = "2";

    /// <summary>The format before the whole-file checksum, read with a warning: its checksum covers the tensor data only.</summary>
    private const string LegacyFormatVersion = "1";
    private const int MaxHiddenSize = 1 << 16;
    private const int MaxLayers = 64;

    /// <summary>
    /// Writes a checkpoint atomically (a temporary file, then a rename: a crash leaves the previous file whole), with a
    /// trainer's state for resuming when <paramref name="trainer"/> is given, and the training text
    /// (<paramref name="corpus"/>) and any separate validation text (<paramref name="validation"/>) so that a resume can
    /// find and check them.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="model">The model.</param>
    /// <param name="vocabulary">The model's vocabulary.</param>
    /// <param name="trainer">A trainer whose state to include for resuming; <see langword="null"/> for the model alone.</param>
    /// <param name="corpus">The training text's fingerprint; <see langword="null"/> to record none.</param>
    /// <param name="validation">A separate validation text's fingerprint; <see langword="null"/> when validation is held out of the corpus.</param>
    /// <exception cref="ArgumentException">The vocabulary does not match the model, or the trainer trains another model.</exception>
    /// <exception cref="IOException">The file could not be written; any previous file is untouched.</exception>
    public static void Save(string path, CharModel<float> model, Vocabulary vocabulary, Trainer? trainer = null, CorpusFingerprint? corpus = null,
        CorpusFingerprint? validation = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ThrowHelper.CheckVocabularySize(vocabulary.Count, model.VocabularySize, nameof(vocabulary));

        if (trainer is not null && !ReferenceEquals(trainer.Model, model))
        {
            ThrowHelper.ThrowArgument("The trainer trains a different model.", nameof(trainer));
        }

        var metadata = new Dictionary<string, string>
        {
            [FormatKey] = FormatVersion,
            ["model.cell"] = CellTypeNames.ToName(model.CellType),
            ["model.vocabulary_size"] = Format(model.VocabularySize),
            ["model.hidden_size"] = Format(model.HiddenSize),
            ["model.num_layers"] = Format(model.Layers.Count),
            ["model.vocabulary"] = vocabulary.ToJson(),
        };
        WriteFingerprint(metadata, "corpus", corpus);
        WriteFingerprint(metadata, "validation", validation);
        var tensors = new List<SafeTensor>();
        foreach (ModelTensor<float> tensor in model.Tensors)
        {
            tensors.Add(SafeTensor.Create<float>(tensor.Name, [.. tensor.Shape], tensor.Values));
        }

        if (trainer is not null)
        {
            metadata["training.options"] = TrainingOptionsJson.Write(trainer.Options);
            metadata["trainer.step"] = Format(trainer.Step);
            metadata["trainer.epoch"] = Format(trainer.Epoch);
            metadata["trainer.window_in_epoch"] = Format(trainer.WindowInEpoch);
            metadata["trainer.initial_loss"] = Format(trainer.InitialLoss);
            metadata["trainer.best_validation_loss"] = Format(trainer.BestValidationLoss);
            metadata["trainer.epoch_loss_sum"] = Format(trainer.EpochLossSum);
            metadata["trainer.evaluations_since_best"] = Format(trainer.EvaluationsSinceBest);
            metadata["trainer.plateau_evaluations"] = Format(trainer.PlateauEvaluations);
            metadata["trainer.lr_scale"] = Format(trainer.LearningRateScale);
            metadata["optimizer.kind"] = trainer.Optimizer.Kind.ToString();
            metadata["optimizer.step_count"] = Format(trainer.Optimizer.StepCount);
            foreach ((string name, float[] values) in trainer.Optimizer.State)
            {
                tensors.Add(SafeTensor.Create<float>("optimizer." + name, [values.Length], values));
            }

            for (int layer = 0; layer < trainer.State.Layers.Count; layer++)
            {
                CellState<float> state = trainer.State.Layers[layer];
                tensors.Add(SafeTensor.Create<float>($"trainer.h_l{layer}", [state.BatchSize, state.HiddenSize], state.Hidden));
                if (state.Cell.Length > 0)
                {
                    tensors.Add(SafeTensor.Create<float>($"trainer.c_l{layer}", [state.BatchSize, state.HiddenSize], state.Cell));
                }
            }
        }

        SafeTensors.Write(path, tensors, metadata);
    }

    /// <summary>Reads a checkpoint written by <c>Save</c>.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The model, its vocabulary and anything saved for resuming.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is corrupt (any byte of a format-2 file), truncated, or its metadata contradicts its tensors (says what is wrong).</exception>
    /// <remarks>A format-1 file loads with <see cref="LoadedCheckpoint.IntegrityWarning"/> set: show it to the user.</remarks>
    public static LoadedCheckpoint Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The checkpoint '{path}' does not exist.", path);
        }

        return LoadDocument(() => SafeTensors.Read(path), path);
    }

    /// <summary>Reads a checkpoint held in memory (the tests' way of loading many damaged copies quickly).</summary>
    internal static LoadedCheckpoint LoadBytes(ReadOnlyMemory<byte> bytes, string name) => LoadDocument(() => SafeTensors.Read(bytes), name);

    private static LoadedCheckpoint LoadDocument(Func<SafeTensorsDocument> read, string path)
    {
        SafeTensorsDocument document;
        try
        {
            document = read();
        }
        catch (InvalidDataException exception)
        {
            throw new InvalidDataException($"The checkpoint '{path}' is corrupt: {exception.Message}", exception);
        }

        IReadOnlyDictionary<string, string> metadata = document.Metadata;
        metadata.TryGetValue(FormatKey, out string? version);
        string? integrityWarning = null;
        switch (version, document.Checksum)
        {
            case (FormatVersion, SafeTensorsChecksum.WholeFile):
            case (LegacyFormatVersion, SafeTensorsChecksum.WholeFile):
                break;
            case (FormatVersion, _):
                // Every format-2 file carries it: one without it has had its header damaged.
                throw new InvalidDataException($"The checkpoint '{path}' (format {FormatVersion}) has no '{SafeTensors.FileSha256Key}' checksum, which every format-{FormatVersion} checkpoint carries: its header is damaged.");
            case (LegacyFormatVersion, SafeTensorsChecksum.DataOnly):
                integrityWarning = $"'{path}' is a format-{LegacyFormatVersion} checkpoint: its checksum covers the tensor data only, so its header is unverified " +
                    "(cell, sizes, vocabulary, and for resuming the training options, optimizer kind and step count, and trainer step, epoch, position and losses). " +
                    "Saving it again (for instance by resuming it) writes a checkpoint whose checksum covers every byte.";
                break;
            case (LegacyFormatVersion, _):
                // Format-1 files always carry the data checksum; reading on would let damaged weights through silently.
                throw new InvalidDataException($"The checkpoint '{path}' (format {LegacyFormatVersion}) has no '{SafeTensors.DataSha256Key}' checksum in its metadata, which every LstmSharp checkpoint carries: its header is damaged.");
            default:
                throw new InvalidDataException($"'{path}' is not an LstmSharp checkpoint of format {FormatVersion} or {LegacyFormatVersion} (metadata '{FormatKey}' is '{version ?? "missing"}').");
        }

        string cellName = Required(metadata, "model.cell");
        if (!CellTypeNames.TryParse(cellName, out CellType cell))
        {
            throw new InvalidDataException($"Unknown cell type '{cellName}' in the checkpoint's metadata.");
        }

        int vocabularySize = ParseInt(metadata, "model.vocabulary_size", 1, 0x110000);
        int hiddenSize = ParseInt(metadata, "model.hidden_size", 1, MaxHiddenSize);
        int layers = ParseInt(metadata, "model.num_layers", 1, MaxLayers);
        Vocabulary vocabulary = Vocabulary.FromJson(Required(metadata, "model.vocabulary"));
        if (vocabulary.Count != vocabularySize)
        {
            throw new InvalidDataException($"The checkpoint's vocabulary has {vocabulary.Count} characters but its metadata says {vocabularySize}.");
        }

        // Before allocating: a header that declares sizes its tensors do not have fails here, so the model is never
        // larger than the file's own bytes imply.
        CheckDeclaredShapes(document, cell, vocabularySize, hiddenSize, layers);
        var model = new CharModel<float>(cell, vocabularySize, hiddenSize, layers);
        foreach (ModelTensor<float> tensor in model.Tensors)
        {
            ReadTensor(document, tensor.Name, tensor.Shape, tensor.Values);
        }

        foreach (SafeTensor tensor in document.Tensors)
        {
            if ((tensor.Name.StartsWith("rnn.", StringComparison.Ordinal) || tensor.Name.StartsWith("head.", StringComparison.Ordinal)) &&
                !model.Tensors.Any(expected => expected.Name == tensor.Name))
            {
                throw new InvalidDataException($"The checkpoint holds an unexpected tensor '{tensor.Name}' for a {layers}-layer {cell} model.");
            }
        }

        return new LoadedCheckpoint(model, vocabulary, document, integrityWarning);
    }

    /// <summary>Copies a checkpoint's trainer state (optimizer, position, carried state) into <paramref name="trainer"/>.</summary>
    /// <param name="checkpoint">A checkpoint saved with a trainer.</param>
    /// <param name="trainer">A trainer built on <paramref name="checkpoint"/>'s model with the saved options.</param>
    /// <exception cref="InvalidDataException">The checkpoint holds no trainer state, or it contradicts itself.</exception>
    /// <exception cref="ArgumentException">The trainer's model, optimizer or batch size differ from the checkpoint's.</exception>
    public static void RestoreTrainer(LoadedCheckpoint checkpoint, Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        ArgumentNullException.ThrowIfNull(trainer);
        if (!ReferenceEquals(trainer.Model, checkpoint.Model))
        {
            ThrowHelper.ThrowArgument("The trainer must train the checkpoint's model.", nameof(trainer));
        }

        IReadOnlyDictionary<string, string> metadata = checkpoint.Document.Metadata;
        if (!checkpoint.HasTrainerState)
        {
            throw new InvalidDataException("The checkpoint holds no trainer state to resume from.");
        }

        string kind = Required(metadata, "optimizer.kind");
        if (kind != trainer.Optimizer.Kind.ToString())
        {
            ThrowHelper.ThrowArgument($"The checkpoint was trained with {kind}, the trainer uses {trainer.Optimizer.Kind}.", nameof(trainer));
        }

        foreach ((string name, float[] values) in trainer.Optimizer.State)
        {
            ReadTensor(checkpoint.Document, "optimizer." + name, [values.Length], values);
        }

        for (int layer = 0; layer < trainer.State.Layers.Count; layer++)
        {
            CellState<float> state = trainer.State.Layers[layer];
            if (!checkpoint.Document.TryGetTensor($"trainer.h_l{layer}", out SafeTensor? hidden) || hidden.Shape[0] != state.BatchSize)
            {
                ThrowHelper.ThrowArgument($"The checkpoint's carried state does not fit B = {state.BatchSize}; resume with the batch size it was trained with.", nameof(trainer));
            }

            ReadTensor(checkpoint.Document, $"trainer.h_l{layer}", [state.BatchSize, state.HiddenSize], state.Hidden);
            if (state.Cell.Length > 0)
            {
                ReadTensor(checkpoint.Document, $"trainer.c_l{layer}", [state.BatchSize, state.HiddenSize], state.Cell);
            }
        }

        trainer.Optimizer.RestoreStepCount(ParseLong(metadata, "optimizer.step_count"));
        trainer.Step = ParseLong(metadata, "trainer.step");
        trainer.Epoch = ParseInt(metadata, "trainer.epoch", 0, int.MaxValue);
        trainer.WindowInEpoch = ParseInt(metadata, "trainer.window_in_epoch", 0, int.MaxValue);
        trainer.InitialLoss = ParseDouble(metadata, "trainer.initial_loss");
        trainer.BestValidationLoss = ParseDouble(metadata, "trainer.best_validation_loss");
        // Absent from checkpoints written before per-epoch means existed; the epoch's mean then covers the resumed part only.
        trainer.EpochLossSum = metadata.ContainsKey("trainer.epoch_loss_sum") ? ParseDouble(metadata, "trainer.epoch_loss_sum") : 0;
        // Early stopping and plateau state; checkpoints from before they existed start them afresh.
        trainer.EvaluationsSinceBest = metadata.ContainsKey("trainer.evaluations_since_best") ? ParseInt(metadata, "trainer.evaluations_since_best", 0, int.MaxValue) : 0;
        trainer.PlateauEvaluations = metadata.ContainsKey("trainer.plateau_evaluations") ? ParseInt(metadata, "trainer.plateau_evaluations", 0, int.MaxValue) : 0;
        double scale = metadata.ContainsKey("trainer.lr_scale") ? ParseDouble(metadata, "trainer.lr_scale") : 1.0;
        trainer.LearningRateScale = scale > 0 && scale <= 1 ? scale : throw new InvalidDataException($"The checkpoint's metadata 'trainer.lr_scale' is {scale}, not in (0, 1].");
    }

    /// <summary>The training options saved in a checkpoint, or <see langword="null"/> when it was saved without a trainer.</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <returns>The options.</returns>
    /// <exception cref="InvalidDataException">The saved options are malformed.</exception>
    public static TrainingOptions? ReadTrainingOptions(LoadedCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return checkpoint.Document.Metadata.TryGetValue("training.options", out string? json) ? TrainingOptionsJson.Read(json) : null;
    }

    /// <summary>The training text a checkpoint records, or <see langword="null"/> when it records none.</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <returns>The fingerprint.</returns>
    /// <exception cref="InvalidDataException">The recorded fingerprint is malformed.</exception>
    public static CorpusFingerprint? ReadCorpusFingerprint(LoadedCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return ReadFingerprint(checkpoint.Document.Metadata, "corpus");
    }

    /// <summary>The separate validation text a checkpoint records, or <see langword="null"/> when validation was held out of the corpus.</summary>
    /// <param name="checkpoint">The checkpoint.</param>
    /// <returns>The fingerprint.</returns>
    /// <exception cref="InvalidDataException">The recorded fingerprint is malformed.</exception>
    public static CorpusFingerprint? ReadValidationFingerprint(LoadedCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        return ReadFingerprint(checkpoint.Document.Metadata, "validation");
    }

    private static void WriteFingerprint(Dictionary<string, string> metadata, string prefix, CorpusFingerprint? fingerprint)
    {
        if (fingerprint is null)
        {
            return;
        }

        metadata[prefix + ".length"] = Format(fingerprint.Length);
        metadata[prefix + ".sha256"] = fingerprint.Sha256;
        metadata[prefix + ".paths"] = System.Text.Json.JsonSerializer.Serialize(fingerprint.Paths, CheckpointJsonContext.Default.IReadOnlyListString);
    }

    private static CorpusFingerprint? ReadFingerprint(IReadOnlyDictionary<string, string> metadata, string prefix)
    {
        if (!metadata.ContainsKey(prefix + ".sha256"))
        {
            return null;
        }

        long length = ParseLong(metadata, prefix + ".length");
        string sha256 = Required(metadata, prefix + ".sha256");
        if (sha256.Length != 64 || !sha256.All(char.IsAsciiHexDigitLower))
        {
            throw new InvalidDataException($"The checkpoint's metadata '{prefix}.sha256' is not a SHA-256 in lowercase hex.");
        }

        IReadOnlyList<string>? paths;
        try
        {
            paths = System.Text.Json.JsonSerializer.Deserialize(Required(metadata, prefix + ".paths"), CheckpointJsonContext.Default.IReadOnlyListString);
        }
        catch (System.Text.Json.JsonException exception)
        {
            throw new InvalidDataException($"The checkpoint's metadata '{prefix}.paths' is not a JSON list of paths: {exception.Message}", exception);
        }

        if (paths is null || paths.Any(string.IsNullOrEmpty))
        {
            throw new InvalidDataException($"The checkpoint's metadata '{prefix}.paths' is not a JSON list of paths.");
        }

        return new CorpusFingerprint(length, sha256, paths);
    }

    /// <summary>The shapes a (cell, V, H, L) model's tensors must have, checked in 64 bits against the document's tensors.</summary>
    private static void CheckDeclaredShapes(SafeTensorsDocument document, CellType cell, int vocabularySize, int hiddenSize, int layers)
    {
        long gates = (long)new CellLayout(cell, 1, 1).GateCount * hiddenSize;
        for (int layer = 0; layer < layers; layer++)
        {
            ExpectShape(document, $"rnn.weight_ih_l{layer}", gates, layer == 0 ? vocabularySize : hiddenSize);
            ExpectShape(document, $"rnn.weight_hh_l{layer}", gates, hiddenSize);
            ExpectShape(document, $"rnn.bias_ih_l{layer}", gates);
            ExpectShape(document, $"rnn.bias_hh_l{layer}", gates);
        }

        ExpectShape(document, "head.weight", vocabularySize, hiddenSize);
        ExpectShape(document, "head.bias", vocabularySize);
    }

    private static void ExpectShape(SafeTensorsDocument document, string name, params long[] shape)
    {
        if (!document.TryGetTensor(name, out SafeTensor? tensor))
        {
            throw new InvalidDataException($"The checkpoint lacks the tensor '{name}' that its metadata (cell, sizes, layers) implies.");
        }

        if (tensor.Shape.Count != shape.Length || !tensor.Shape.Select(dimension => (long)dimension).SequenceEqual(shape))
        {
            throw new InvalidDataException($"The tensor '{name}' has shape [{string.Join(", ", tensor.Shape)}] but the metadata implies [{string.Join(", ", shape)}].");
        }
    }

    private static void ReadTensor(SafeTensorsDocument document, string name, IReadOnlyList<int> shape, Span<float> destination)
    {
        if (!document.TryGetTensor(name, out SafeTensor? tensor))
        {
            throw new InvalidDataException($"The checkpoint lacks the tensor '{name}'.");
        }

        if (!tensor.Shape.SequenceEqual(shape))
        {
            throw new InvalidDataException($"The tensor '{name}' has shape [{string.Join(", ", tensor.Shape)}] but the metadata implies [{string.Join(", ", shape)}].");
        }

        if (tensor.DType is not (SafeTensorDType.F32 or SafeTensorDType.F64))
        {
            throw new InvalidDataException($"The tensor '{name}' is {tensor.DType}; F32 or F64 is needed.");
        }

        tensor.ConvertTo(destination);
    }

    private static string Required(IReadOnlyDictionary<string, string> metadata, string key) =>
        metadata.TryGetValue(key, out string? value) ? value : throw new InvalidDataException($"The checkpoint's metadata lacks '{key}'.");

    private static int ParseInt(IReadOnlyDictionary<string, string> metadata, string key, int min, int max)
    {
        string text = Required(metadata, key);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw new InvalidDataException($"The checkpoint's metadata '{key}' is '{text}', not an integer in [{min}, {max}].");
    }

    private static long ParseLong(IReadOnlyDictionary<string, string> metadata, string key)
    {
        string text = Required(metadata, key);
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value)
            ? value
            : throw new InvalidDataException($"The checkpoint's metadata '{key}' is '{text}', not a non-negative integer.");
    }

    private static double ParseDouble(IReadOnlyDictionary<string, string> metadata, string key)
    {
        string text = Required(metadata, key);
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw new InvalidDataException($"The checkpoint's metadata '{key}' is '{text}', not a number.");
    }

    private static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>Source-generated JSON for the checkpoint's metadata lists (trimming- and AOT-safe).</summary>
[System.Text.Json.Serialization.JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class CheckpointJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
