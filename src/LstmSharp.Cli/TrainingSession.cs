using System.Globalization;
using LstmSharp.Generation;
using LstmSharp.Serialization;
using LstmSharp.Text;
using LstmSharp.Training;

namespace LstmSharp.Cli;

/// <summary>
/// One <c>lstmsharp train</c> run once its model, trainer and corpus exist: trains under a <see cref="TrainingDisplay"/>,
/// and at every evaluation prints a sample, saves the best checkpoint by validation loss and a resumable latest one.
/// Ctrl+C and divergence also leave a resumable checkpoint behind.
/// </summary>
internal sealed class TrainingSession
{
    private const double SampleTemperature = 0.8;

    private readonly CliConsole _console;
    private readonly Trainer _trainer;
    private readonly Corpus _corpus;
    private readonly string _bestPath;
    private readonly string _latestPath;
    private readonly int _sampleLength;
    private readonly string _resumeArguments;
    private readonly string _prime;
    private readonly bool _resumed;
    private readonly bool _hasValidation;
    private readonly Corpus? _validationText;
    private readonly CorpusFingerprint? _fingerprint;
    private readonly CorpusFingerprint? _validationFingerprint;
    private double _bestSaved;
    private bool _bestWritten;
    private TrainingDisplay? _display;

    /// <param name="console">Where to write.</param>
    /// <param name="trainer">The trainer, restored already when resuming.</param>
    /// <param name="corpus">The text; its vocabulary is the model's.</param>
    /// <param name="bestPath">Where the best checkpoint by validation loss goes.</param>
    /// <param name="latestPath">Where the latest resumable checkpoint goes.</param>
    /// <param name="sampleLength">Characters sampled at each evaluation (0 for none).</param>
    /// <param name="resumeArguments">The arguments besides --resume that a resume needs (for example --input FILE).</param>
    /// <param name="resumed">Whether the trainer continues a checkpoint (whose best model may already be on disk).</param>
    /// <param name="data">Any separate validation text, and the fingerprints every checkpoint records.</param>
    public TrainingSession(CliConsole console, Trainer trainer, Corpus corpus, string bestPath, string latestPath, int sampleLength,
        string resumeArguments, bool resumed, TrainingData data)
    {
        _validationText = data.Validation;
        _fingerprint = data.Fingerprint;
        _validationFingerprint = data.ValidationFingerprint;
        _resumed = resumed;
        _console = console;
        _trainer = trainer;
        _corpus = corpus;
        _bestPath = bestPath;
        _latestPath = latestPath;
        _sampleLength = sampleLength;
        _resumeArguments = resumeArguments;
        _bestSaved = trainer.BestValidationLoss;
        _hasValidation = data.Validation is not null || trainer.Options.ValidationFraction > 0;
        // Prime samples with a newline, the start of a line in every text, or else the corpus's first character.
        _prime = corpus.Vocabulary.Contains(new System.Text.Rune('\n')) ? "\n" : corpus.Vocabulary[corpus[0]].ToString();
    }

    /// <summary>Where <c>--metrics</c> appends its JSON Lines; <see langword="null"/> for none.</summary>
    public string? MetricsPath { get; init; }

    /// <summary>Trains to the options' limit, Ctrl+C or divergence.</summary>
    /// <returns>The exit code.</returns>
    public int Run()
    {
        _display = new TrainingDisplay(_console, _trainer.Options, _trainer.Step, OnEvaluation, OnEpochEnd);
        TrainingResult result;
        try
        {
            using MetricsLog? metrics = MetricsPath is null ? null : new MetricsLog(MetricsPath, _display);
            IProgress<TrainingProgress> progress = metrics ?? (IProgress<TrainingProgress>)_display;
            result = _display.Run(() => _validationText is null
                ? _trainer.Train(_corpus, progress, _console.Cancellation)
                : _trainer.Train(_corpus, _validationText, progress, _console.Cancellation));
        }
        catch (OperationCanceledException) when (_console.Cancellation.IsCancellationRequested)
        {
            Save(_latestPath);
            _display.WriteNote(Invariant($"Interrupted at step {_trainer.Step:N0}; saved {_latestPath}."), NoteKind.Saved);
            _display.WriteNote($"Resume with: lstmsharp train --resume {Quote(_latestPath)}{_resumeArguments}", NoteKind.Command);
            return ExitCodes.Interrupted;
        }
        catch (TrainingDivergedException exception)
        {
            // The trainer has put back the parameters of the last good evaluation.
            Save(_latestPath);
            return ErrorReporter.Fail(_console, $"{exception.Message} The last good model is in {_latestPath}.", ExitCodes.Diverged);
        }
        catch (IOException exception) when (StandardOutput.IsClosedPipe(exception))
        {
            // The reader of the log has gone (| head): stop as a Unix tool does, but keep the work.
            Save(_latestPath);
            return ExitCodes.Success;
        }

        Save(_latestPath);
        if (!_bestWritten && (!_resumed || !File.Exists(_bestPath)))
        {
            // No validation part, or no evaluation beat the resumed checkpoint's best and its file is gone: keep the model anyway.
            Save(_bestPath);
        }

        if (result.StoppedEarly)
        {
            _display.WriteNote(Invariant(
                $"Stopped early: {_trainer.Options.Patience} evaluations in a row without a new best validation loss (best {result.BestValidationLoss:F4} nats/char)."));
        }

        double bits = 1 / Math.Log(2);
        _display.WriteNote(Invariant($"Finished at step {result.Steps:N0} (epoch {result.Epoch}) in {Durations.Format(result.Elapsed)}, {result.CharactersPerSecond:N0} chars/s."));
        _display.WriteNote(_hasValidation
            ? Invariant($"Loss in nats/char (bits/char): train {result.TrainingLoss:F3} ({result.TrainingLoss * bits:F3}), validation {result.ValidationLoss:F3} ({result.ValidationLoss * bits:F3}), ") +
              Invariant($"best {result.BestValidationLoss:F3} ({result.BestValidationLoss * bits:F3}).")
            : Invariant($"Last window's loss {result.TrainingLoss:F3} nats/prediction; no validation, so the best model is the last."));
        _display.WriteNote($"Best model: {_bestPath}; resumable: {_latestPath}.", NoteKind.Saved);
        _display.WriteNote($"Next: lstmsharp sample --model {Quote(_bestPath)}", NoteKind.Command);
        return ExitCodes.Success;
    }

    private void OnEpochEnd(TrainingProgress progress) =>
        _display!.WriteNote(Invariant($"epoch {progress.Epoch - 1}: mean training loss {progress.EpochTrainingLoss:F4} nats/prediction ({progress.Step:N0} steps)"));

    private void OnEvaluation(TrainingProgress progress)
    {
        Save(_latestPath);
        if (!_hasValidation)
        {
            // Nothing to compare: the latest model is the best one.
            Save(_bestPath);
            _bestWritten = true;
        }
        if (double.IsFinite(progress.ValidationLoss) && progress.ValidationLoss < _bestSaved)
        {
            Save(_bestPath);
            _bestSaved = progress.ValidationLoss;
            _bestWritten = true;
            _display!.WriteNote(Invariant($"saved {_bestPath} (best validation {progress.ValidationLoss:F4} nats/char)"), NoteKind.Saved);
        }

        if (_sampleLength > 0)
        {
            var sampler = new Sampler(_trainer.Model, _corpus.Vocabulary, new SamplingOptions { Temperature = SampleTemperature, Seed = _trainer.Options.Seed });
            sampler.Prime(_prime);
            string sample = string.Concat(sampler.Generate(_sampleLength));
            _display!.WriteSample(Invariant($"sample at step {progress.Step:N0} (temperature {SampleTemperature})"), sample.TrimEnd('\n'));
        }
    }

    private void Save(string path) => Checkpoint.Save(path, _trainer.Model, _corpus.Vocabulary, _trainer, _fingerprint, _validationFingerprint);

    internal static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"\"{path}\"" : path;

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}

/// <summary>What a session trains and validates on, and the fingerprints of those texts for its checkpoints.</summary>
/// <param name="Validation">A separate validation text, or <see langword="null"/> to hold out the corpus's end (the options' fraction).</param>
/// <param name="Fingerprint">The training text's fingerprint.</param>
/// <param name="ValidationFingerprint">The separate validation text's fingerprint, if any.</param>
internal sealed record TrainingData(Corpus? Validation, CorpusFingerprint? Fingerprint, CorpusFingerprint? ValidationFingerprint);
