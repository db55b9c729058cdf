using System.Numerics;
using System.Diagnostics;
using LstmSharp.Layers;
using LstmSharp.Model;
using LstmSharp.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LstmSharp.Training;

/// <summary>
/// Trains a <see cref="CharModel{T}"/> on a corpus the way char-rnn does: the training part is cut into B contiguous
/// streams, read in truncated-BPTT windows of T steps with the hidden (and cell) state carried from window to
/// window and reset at each epoch; every window is one optimizer step on the mean loss over all T·B predictions
/// (or, with <see cref="LossMode.LastStep"/>, over the B predictions of its last step).
/// </summary>
/// <remarks>
/// Training is deterministic: the same model, options and data give bit-identical parameters, and a trainer restored
/// from a checkpoint continues exactly as the uninterrupted run would. After the first step, a step allocates nothing.
/// A trainer and its model serve one thread at a time.
/// </remarks>
public sealed partial class Trainer
{
    private readonly CharModel<float> _model;
    private readonly TrainingOptions _options;
    private readonly ILogger _logger;
    private readonly (float[] Parameters, float[] Gradients)[] _buffers;
    private readonly float[][] _lastGood;        // parameters at the last good evaluation (or the start)
    private readonly int[] _inputs;              // (T, B)
    private readonly int[] _targets;             // (T, B)
    private StreamEvaluator? _evaluator;         // validation, created at the first evaluation and reused

    /// <summary>Creates a trainer for <paramref name="model"/>, with a fresh optimizer.</summary>
    /// <param name="model">The model to train (its parameters should already be initialized).</param>
    /// <param name="options">How to train.</param>
    /// <param name="logger">Where to log evaluations; <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range (named).</exception>
    public Trainer(CharModel<float> model, TrainingOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _model = model;
        _options = options;
        _logger = logger ?? NullLogger.Instance;
        foreach ((string option, string reason) in options.FindIneffectiveOptions())
        {
            LogIneffectiveOption(_logger, option, reason);
        }

        _buffers = [.. model.ParameterBuffers];
        _lastGood = [.. _buffers.Select(buffer => (float[])buffer.Parameters.Clone())];
        _inputs = new int[options.SequenceLength * options.BatchSize];
        _targets = new int[options.SequenceLength * options.BatchSize];
        Optimizer = options.CreateOptimizer(_buffers);
        State = new ModelState<float>(model, options.BatchSize);
    }

    /// <summary>
    /// Raised on the training thread at every evaluation point (every <see cref="TrainingOptions.EvaluateEvery"/> steps
    /// and at the end), after the validation pass and before the step's progress report, with that report's values.
    /// The model then holds the parameters just evaluated and the trainer's state is consistent: this is the place to
    /// save checkpoints. An exception thrown by a handler ends <c>Train</c> with it.
    /// </summary>
    public event EventHandler<TrainingProgress>? Evaluated;

    /// <summary>
    /// Raised on the training thread before the first window of each epoch (0 = before the first step) and, when
    /// <c>Train</c> returns on an epoch boundary, once more for the epoch that would start next. The model then holds the
    /// parameters that epoch starts from, and <see cref="Epoch"/> and <see cref="Step"/> say where training is. This is
    /// how observers such as <c>Diagnostics.GradientFlowSchedule</c> sample training without the trainer knowing them;
    /// a handler must leave the model's parameters as it found them. An exception thrown by a handler ends <c>Train</c> with it.
    /// </summary>
    public event EventHandler? EpochStarting;

    /// <summary>The model being trained.</summary>
    public CharModel<float> Model => _model;

    /// <summary>The options.</summary>
    public TrainingOptions Options => _options;

    /// <summary>The optimizer, whose state a checkpoint saves.</summary>
    internal Optimizer<float> Optimizer { get; }

    /// <summary>The state carried between windows, one row per stream.</summary>
    internal ModelState<float> State { get; }

    // The setters below are the restore path of Checkpoint.RestoreTrainer: a trainer's position is what it trained.

    /// <summary>Optimizer steps taken in total (restored from a checkpoint by <see cref="Serialization.Checkpoint.RestoreTrainer"/>).</summary>
    public long Step { get; internal set; }

    /// <summary>The current epoch (0-based).</summary>
    public int Epoch { get; internal set; }

    /// <summary>The next window within the current epoch.</summary>
    internal int WindowInEpoch { get; set; }

    /// <summary>The first training loss seen, the reference for divergence; NaN before the first step.</summary>
    internal double InitialLoss { get; set; } = double.NaN;

    /// <summary>The best validation loss seen so far; +∞ before the first evaluation.</summary>
    public double BestValidationLoss { get; internal set; } = double.PositiveInfinity;

    /// <summary>The sum of the window losses of the current epoch so far (its first <see cref="WindowInEpoch"/> windows).</summary>
    internal double EpochLossSum { get; set; }

    /// <summary>
    /// The number of windows in one epoch of <paramref name="trainingLength"/> training characters under these options.
    /// </summary>
    /// <param name="trainingLength">N: the training characters.</param>
    /// <returns>Windows per epoch; 0 when the text is too short for one.</returns>
    public int WindowsPerEpoch(int trainingLength) => WindowsPerEpoch(_options, trainingLength);

    /// <summary>Evaluations in a row since the last new best validation loss, counted for <see cref="TrainingOptions.Patience"/>.</summary>
    internal int EvaluationsSinceBest { get; set; }

    /// <summary>
    /// Evaluations in a row without a new best since the best or the last plateau reduction, counted for
    /// <see cref="TrainingOptions.LearningRatePlateauPatience"/>.
    /// </summary>
    internal int PlateauEvaluations { get; set; }

    /// <summary>The product of the plateau reductions so far (1 before any), which multiplies every step's learning rate.</summary>
    internal double LearningRateScale { get; set; } = 1.0;

    /// <summary>Whether early stopping's patience has run out, so <c>Train</c> takes no further step.</summary>
    internal bool PatienceExhausted => _options.Patience is { } patience && EvaluationsSinceBest >= patience;

    /// <summary>
    /// The learning rate of the next step: the options' schedule and warm-up, times the reductions that
    /// <see cref="TrainingOptions.LearningRatePlateauFactor"/> has made so far.
    /// </summary>
    public double CurrentLearningRate => _options.LearningRateAt(Step, Epoch) * LearningRateScale;

    /// <summary>Trains on <paramref name="corpus"/>, holding out its last <see cref="TrainingOptions.ValidationFraction"/> for validation.</summary>
    /// <param name="corpus">The corpus; its vocabulary must match the model's size.</param>
    /// <param name="progress">Receives a report after every step and every evaluation.</param>
    /// <param name="cancellationToken">Checked between windows; on cancellation the trainer's state is consistent and can be saved.</param>
    /// <returns>What the call did.</returns>
    /// <exception cref="ArgumentException">The corpus is too short for one window, or its vocabulary does not match the model.</exception>
    /// <exception cref="TrainingDivergedException">The loss or gradients diverged; the model holds the last good parameters.</exception>
    /// <exception cref="OperationCanceledException">Cancelled between windows.</exception>
    public TrainingResult Train(Corpus corpus, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(corpus);
        ThrowHelper.CheckVocabularySize(corpus.Vocabulary.Count, _model.VocabularySize, nameof(corpus), "corpus");

        int trainingLength = corpus.TrainingLength(_options.ValidationFraction);
        return Train(corpus, 0, trainingLength, corpus, trainingLength, corpus.Length - trainingLength, progress, cancellationToken);
    }

    /// <summary>Trains on encoded text until a limit in the options is reached.</summary>
    /// <param name="training">(N): training ids.</param>
    /// <param name="validation">(M): validation ids; may be empty.</param>
    /// <param name="progress">Receives a report after every step and every evaluation.</param>
    /// <param name="cancellationToken">Checked between windows.</param>
    /// <returns>What the call did.</returns>
    /// <exception cref="ArgumentException">The training part is too short for one window, or an id is out of range.</exception>
    /// <exception cref="InvalidOperationException">The options set no step, epoch or time limit.</exception>
    /// <exception cref="TrainingDivergedException">The loss or gradients diverged; the model holds the last good parameters.</exception>
    /// <exception cref="OperationCanceledException">Cancelled between windows.</exception>
    public TrainingResult Train(ReadOnlyMemory<int> training, ReadOnlyMemory<int> validation, IProgress<TrainingProgress>? progress = null,
        CancellationToken cancellationToken = default) => TrainCore(training, validation, progress, cancellationToken);

    /// <summary>
    /// Trains on all of <paramref name="training"/> and validates on <paramref name="validation"/> (a separate text), reading
    /// both in their compact form (one or two bytes per id, as the corpus holds them).
    /// </summary>
    /// <param name="training">The training text; its vocabulary must match the model's size.</param>
    /// <param name="validation">The validation text, encoded with the same vocabulary.</param>
    /// <param name="progress">Receives a report after every step and every evaluation.</param>
    /// <param name="cancellationToken">Checked between windows.</param>
    /// <returns>What the call did.</returns>
    /// <exception cref="ArgumentException">A text is too short, or its vocabulary does not match the model.</exception>
    /// <exception cref="TrainingDivergedException">The loss or gradients diverged; the model holds the last good parameters.</exception>
    /// <exception cref="OperationCanceledException">Cancelled between windows.</exception>
    public TrainingResult Train(Corpus training, Corpus validation, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(validation);
        CheckVocabulary(training, nameof(training));
        CheckVocabulary(validation, nameof(validation));
        if (!training.Vocabulary.Equals(validation.Vocabulary))
        {
            ThrowHelper.ThrowArgument("The validation text is encoded with another vocabulary than the training text.", nameof(validation));
        }

        return Train(training, 0, training.Length, validation, 0, validation.Length, progress, cancellationToken);
    }

    // Both parts read in the corpora's own compact width: one generic loop per width, no 4-byte copy of a large corpus.
    private TrainingResult Train(Corpus training, int trainingStart, int trainingLength, Corpus validation, int validationStart, int validationLength,
        IProgress<TrainingProgress>? progress, CancellationToken cancellationToken) => (training.BytesPerId, validation.BytesPerId) switch
    {
        (1, 1) => TrainCore(training.CompactIds<byte>().Slice(trainingStart, trainingLength), validation.CompactIds<byte>().Slice(validationStart, validationLength), progress, cancellationToken),
        (2, 2) => TrainCore(training.CompactIds<ushort>().Slice(trainingStart, trainingLength), validation.CompactIds<ushort>().Slice(validationStart, validationLength), progress, cancellationToken),
        _ => TrainCore<int>(training.Ids.AsMemory(trainingStart, trainingLength), validation.Ids.AsMemory(validationStart, validationLength), progress, cancellationToken),
    };

    private void CheckVocabulary(Corpus corpus, string paramName)
    {
        ThrowHelper.CheckVocabularySize(corpus.Vocabulary.Count, _model.VocabularySize, paramName, "corpus");
    }

    private TrainingResult TrainCore<TId>(ReadOnlyMemory<TId> training, ReadOnlyMemory<TId> validation, IProgress<TrainingProgress>? progress,
        CancellationToken cancellationToken)
        where TId : unmanaged, IBinaryInteger<TId>
    {
        int sequenceLength = _options.SequenceLength, batchSize = _options.BatchSize;
        int streamLength = (training.Length - 1) / batchSize;
        int windowsPerEpoch = WindowsPerEpoch(_options, training.Length);
        if (windowsPerEpoch == 0)
        {
            ThrowHelper.ThrowArgument(
                $"The training text has {training.Length} characters, fewer than one window needs (B·T + 1 = {batchSize * sequenceLength + 1}); " +
                "use a longer text or a smaller batch or sequence length.", nameof(training));
        }

        if (_options.MaxSteps is null && _options.MaxEpochs is null && _options.MaxTime is null)
        {
            throw new InvalidOperationException("The options set no limit: set MaxSteps, MaxEpochs or MaxTime.");
        }

        if (validation.IsEmpty && (_options.Patience is not null || _options.LearningRatePlateauFactor is not null))
        {
            ThrowHelper.ThrowArgument(
                $"{(_options.Patience is not null ? "Early stopping (Patience)" : "Reduce-on-plateau (LearningRatePlateauFactor)")} needs a validation part " +
                "to watch, and there is none: hold out part of the text (ValidationFraction above 0) or give validation text.", nameof(validation));
        }

        WindowInEpoch = Math.Min(WindowInEpoch, windowsPerEpoch - 1);
        SaveLastGood();
        var clock = Stopwatch.StartNew();
        long firstStep = Step;
        double trainingLoss = double.NaN, validationLoss = double.NaN, gradientNorm = double.NaN;
        while (!LimitReached(clock.Elapsed) && !PatienceExhausted)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (WindowInEpoch == 0)
            {
                EpochStarting?.Invoke(this, EventArgs.Empty);
            }

            GatherWindow(training.Span, streamLength, WindowInEpoch * sequenceLength);
            double learningRate = CurrentLearningRate;
            (trainingLoss, gradientNorm) = TrainStep(_inputs, _targets, learningRate);
            EpochLossSum += trainingLoss;
            double epochMeanLoss = double.NaN;
            if (++WindowInEpoch == windowsPerEpoch)
            {
                epochMeanLoss = EpochLossSum / windowsPerEpoch;
                LogEpoch(_logger, Epoch, epochMeanLoss);
                Epoch++;
                WindowInEpoch = 0;
                EpochLossSum = 0;
                State.Clear();
            }

            double charactersPerSecond = (Step - firstStep) * sequenceLength * batchSize / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            bool evaluate = Step % _options.EvaluateEvery == 0 || LimitReached(clock.Elapsed);
            if (evaluate && validation.IsEmpty)
            {
                // No validation part: the model that passed the divergence check is the good one.
                SaveLastGood();
            }
            else if (evaluate)
            {
                validationLoss = Evaluate(validation.Span, _options.MaxValidationCharacters);
                if (double.IsFinite(validationLoss))
                {
                    SaveLastGood();
                }

                TrackImprovement(validationLoss);

                LogEvaluation(_logger, Step, Epoch, trainingLoss, validationLoss, charactersPerSecond);
            }

            var report = new TrainingProgress(Step, Epoch, (double)WindowInEpoch / windowsPerEpoch, trainingLoss, validationLoss,
                charactersPerSecond, gradientNorm, learningRate, evaluate, clock.Elapsed, epochMeanLoss);
            if (evaluate)
            {
                Evaluated?.Invoke(this, report);
            }

            progress?.Report(report);
        }

        if (WindowInEpoch == 0)
        {
            EpochStarting?.Invoke(this, EventArgs.Empty);
        }

        double speed = (Step - firstStep) * sequenceLength * batchSize / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
        return new TrainingResult(Step, Epoch, trainingLoss, validationLoss, BestValidationLoss, speed, clock.Elapsed, PatienceExhausted);
    }

    /// <summary>
    /// Zeroes the state carried between windows (h, and c for an LSTM, of every stream), as at the start of each epoch:
    /// the next <see cref="TrainStep"/> starts from h0 = c0 = 0. Use it between unrelated texts in your own loop.
    /// </summary>
    public void ResetState() => State.Clear();

    /// <summary>
    /// One optimizer step on one window, continuing from the state carried from the previous window: forward, backward, clipping,
    /// the divergence check and the update. <see cref="Train(ReadOnlyMemory{int}, ReadOnlyMemory{int}, IProgress{TrainingProgress}?, CancellationToken)"/>
    /// calls this for every window; call it directly to feed windows from your own pipeline.
    /// </summary>
    /// <param name="inputs">(T, B): input ids, time-major.</param>
    /// <param name="targets">
    /// (T, B): target ids. With <see cref="LossMode.LastStep"/> only the last row is used, and (B), the last row alone,
    /// is accepted too.
    /// </param>
    /// <param name="learningRate">The learning rate for this step.</param>
    /// <returns>The window's mean loss (nats per prediction) and the gradient norm before clipping.</returns>
    /// <exception cref="ArgumentException">A length does not match T·B or an id is out of range.</exception>
    /// <exception cref="TrainingDivergedException">The loss or gradients diverged; the model holds the last good parameters.</exception>
    public (double Loss, double GradientNorm) TrainStep(ReadOnlySpan<int> inputs, ReadOnlySpan<int> targets, double learningRate)
    {
        Dropout? dropout = _options.Dropout > 0 ? new Dropout(_options.Dropout, _options.Seed * 0x9E3779B97F4A7C15UL + (ulong)Step) : null;
        _model.ZeroGradients();
        int batchSize = _options.BatchSize;
        if (_options.LossMode == LossMode.LastStep && targets.Length == _options.SequenceLength * batchSize)
        {
            targets = targets[^batchSize..];
        }

        double loss = _model.Forward(inputs, targets, _options.SequenceLength, batchSize, State, State, _options.LossMode, dropout);
        _model.Backward();
        double gradientNorm = _options.ClipNorm is { } maxNorm
            ? GradientClipping.ClipByGlobalNorm(_buffers, maxNorm)
            : GradientClipping.GlobalNorm(_buffers);
        if (_options.ClipValue is { } clipValue)
        {
            GradientClipping.ClipByValue(_buffers, clipValue);
        }

        CheckDivergence(loss, gradientNorm);
        Optimizer.Step(learningRate);
        Step++;
        return (loss, gradientNorm);
    }

    /// <summary>
    /// The mean loss in nats per character of predicting <paramref name="ids"/>[1..] from <paramref name="ids"/>[..^1],
    /// read as one stream in windows of T with the state carried, from a zero state and without dropout.
    /// </summary>
    /// <param name="ids">The text as ids.</param>
    /// <param name="maxCharacters">Read at most this many characters (0 = all).</param>
    /// <returns>The mean loss, or NaN for a text of fewer than two characters.</returns>
    public double Evaluate(ReadOnlySpan<int> ids, int maxCharacters = 0) => Evaluate<int>(ids, maxCharacters);

    private double Evaluate<TId>(ReadOnlySpan<TId> ids, int maxCharacters)
        where TId : unmanaged, IBinaryInteger<TId>
    {
        if (maxCharacters > 0 && ids.Length > maxCharacters + 1)
        {
            ids = ids[..(maxCharacters + 1)];
        }

        // The model's own evaluation through one reusable inference view: the training activations stay untouched.
        _evaluator ??= new StreamEvaluator(_model, _options.SequenceLength);
        (long predicted, double logProbability) = _evaluator.Score(ids);
        return predicted == 0 ? double.NaN : -logProbability / predicted;
    }

    private static int WindowsPerEpoch(TrainingOptions options, int trainingLength) => options.EpochWindows switch
    {
        EpochWindows.ArticleCount => trainingLength / options.BatchSize / (options.SequenceLength + 1),
        _ => Math.Max(trainingLength - 1, 0) / options.BatchSize / options.SequenceLength,
    };

    /// <summary>Counts evaluations without a new best, for early stopping and reduce-on-plateau.</summary>
    private void TrackImprovement(double validationLoss)
    {
        if (validationLoss < BestValidationLoss)
        {
            BestValidationLoss = validationLoss;
            EvaluationsSinceBest = 0;
            PlateauEvaluations = 0;
            return;
        }

        EvaluationsSinceBest++;
        PlateauEvaluations++;
        if (_options.LearningRatePlateauFactor is { } factor && PlateauEvaluations >= _options.LearningRatePlateauPatience)
        {
            LearningRateScale *= factor;
            PlateauEvaluations = 0;
            LogPlateau(_logger, Step, LearningRateScale);
        }
    }

    private void GatherWindow<TId>(ReadOnlySpan<TId> training, int streamLength, int offset)
        where TId : unmanaged, IBinaryInteger<TId>
    {
        int batchSize = _options.BatchSize;
        for (int step = 0; step < _options.SequenceLength; step++)
        {
            for (int stream = 0; stream < batchSize; stream++)
            {
                int position = stream * streamLength + offset + step;
                _inputs[step * batchSize + stream] = int.CreateTruncating(training[position]);
                _targets[step * batchSize + stream] = int.CreateTruncating(training[position + 1]);
            }
        }
    }

    private bool LimitReached(TimeSpan elapsed) =>
        (_options.MaxSteps is { } maxSteps && Step >= maxSteps) ||
        (_options.MaxEpochs is { } maxEpochs && Epoch >= maxEpochs) ||
        (_options.MaxTime is { } maxTime && elapsed >= maxTime);

    private void CheckDivergence(double loss, double gradientNorm)
    {
        if (double.IsNaN(InitialLoss) && double.IsFinite(loss))
        {
            InitialLoss = loss;
        }

        string? reason = !double.IsFinite(loss) ? $"the loss became {loss}"
            : !double.IsFinite(gradientNorm) ? $"the gradient norm became {gradientNorm}"
            : loss > _options.DivergenceFactor * InitialLoss ? $"the loss rose to {loss:F3}, over {_options.DivergenceFactor}× its start ({InitialLoss:F3})"
            : null;
        if (reason is null)
        {
            return;
        }

        for (int buffer = 0; buffer < _buffers.Length; buffer++)
        {
            _lastGood[buffer].CopyTo(_buffers[buffer].Parameters, 0);
        }

        LogDivergence(_logger, Step, reason);
        throw new TrainingDivergedException(
            $"Training diverged at step {Step}: {reason}. The model was reset to its last good parameters; " +
            $"try a lower learning rate (now {_options.LearningRate}) or gradient clipping (--clip).")
        {
            Step = Step,
        };
    }

    private void SaveLastGood()
    {
        for (int buffer = 0; buffer < _buffers.Length; buffer++)
        {
            _buffers[buffer].Parameters.CopyTo(_lastGood[buffer], 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "step {Step} epoch {Epoch}: train {TrainingLoss:F4} nats/char, validation {ValidationLoss:F4} nats/char, {CharactersPerSecond:F0} chars/s")]
    private static partial void LogEvaluation(ILogger logger, long step, int epoch, double trainingLoss, double validationLoss, double charactersPerSecond);

    [LoggerMessage(Level = LogLevel.Information, Message = "epoch {Epoch}: mean training loss {MeanLoss:F4} nats/prediction")]
    private static partial void LogEpoch(ILogger logger, int epoch, double meanLoss);

    [LoggerMessage(Level = LogLevel.Warning, Message = "training option {Option} {Reason}")]
    private static partial void LogIneffectiveOption(ILogger logger, string option, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "step {Step}: validation loss on a plateau; learning rate now scaled by {Scale}")]
    private static partial void LogPlateau(ILogger logger, long step, double scale);

    [LoggerMessage(Level = LogLevel.Warning, Message = "training diverged at step {Step}: {Reason}")]
    private static partial void LogDivergence(ILogger logger, long step, string reason);
}
