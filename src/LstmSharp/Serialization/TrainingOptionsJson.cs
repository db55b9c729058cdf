using System.Text;
using System.Text.Json;
using LstmSharp.Layers;
using LstmSharp.Training;

namespace LstmSharp.Serialization;

/// <summary>
/// <see cref="TrainingOptions"/> as compact JSON for a checkpoint's metadata, written and read by hand with
/// System.Text.Json's reader and writer so it stays trimming- and AOT-safe and rejects malformed input.
/// </summary>
internal static class TrainingOptionsJson
{
    public static string Write(TrainingOptions options)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            writer.WriteNumber("seq_length", options.SequenceLength);
            writer.WriteNumber("batch_size", options.BatchSize);
            writer.WriteString("loss", options.LossMode == LossMode.LastStep ? "last_step" : "every_step");
            writer.WriteString("epoch_windows", options.EpochWindows == EpochWindows.ArticleCount ? "article" : "all");
            writer.WriteString("optimizer", options.Optimizer.ToString());
            writer.WriteNumber("lr", options.LearningRate);
            writer.WriteString("eps_placement", options.EpsilonPlacement == EpsilonPlacement.InsideRoot ? "inside_root" : "outside_root");
            WriteOptional(writer, "clip_norm", options.ClipNorm);
            WriteOptional(writer, "clip_value", options.ClipValue);
            writer.WriteNumber("dropout", options.Dropout);
            writer.WriteNumber("validation_fraction", options.ValidationFraction);
            writer.WriteNumber("evaluate_every", options.EvaluateEvery);
            writer.WriteNumber("max_validation_characters", options.MaxValidationCharacters);
            writer.WriteNumber("divergence_factor", options.DivergenceFactor);
            writer.WriteNumber("seed", options.Seed);
            // Optimizer hyper-parameters under PyTorch's names; eps and weight_decay are null for the optimizer's default.
            writer.WriteNumber("momentum", options.Momentum);
            writer.WriteNumber("dampening", options.Dampening);
            writer.WriteBoolean("nesterov", options.Nesterov);
            writer.WriteStartArray("betas");
            writer.WriteNumberValue(options.Beta1);
            writer.WriteNumberValue(options.Beta2);
            writer.WriteEndArray();
            WriteOptional(writer, "eps", options.Epsilon);
            WriteOptional(writer, "weight_decay", options.WeightDecay);
            writer.WriteNumber("alpha", options.Alpha);
            writer.WriteBoolean("centered", options.Centered);
            writer.WriteNumber("lr_decay", options.AdagradLearningRateDecay);
            writer.WriteNumber("initial_accumulator_value", options.InitialAccumulatorValue);
            writer.WriteNumber("warmup_steps", options.WarmupSteps);
            WriteIfPresent(writer, "patience", options.Patience);
            WriteOptional(writer, "lr_plateau_factor", options.LearningRatePlateauFactor);
            writer.WriteNumber("lr_plateau_patience", options.LearningRatePlateauPatience);
            WriteIfPresent(writer, "max_steps", options.MaxSteps);
            WriteIfPresent(writer, "max_epochs", options.MaxEpochs);

            if (options.Schedule is not null)
            {
                writer.WritePropertyName("schedule");
                WriteSchedule(writer, options.Schedule);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static TrainingOptions Read(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 4 });
            JsonElement root = document.RootElement;
            var options = new TrainingOptions
            {
                SequenceLength = root.GetProperty("seq_length").GetInt32(),
                BatchSize = root.GetProperty("batch_size").GetInt32(),
                // loss, epoch_windows and eps_placement came later: a checkpoint without them trained with the defaults.
                LossMode = ReadChoice(root, "loss", LossMode.EveryStep, ("every_step", LossMode.EveryStep), ("last_step", LossMode.LastStep)),
                EpochWindows = ReadChoice(root, "epoch_windows", EpochWindows.AllWindows, ("all", EpochWindows.AllWindows), ("article", EpochWindows.ArticleCount)),
                Optimizer = Enum.Parse<OptimizerKind>(root.GetProperty("optimizer").GetString() ?? ""),
                LearningRate = root.GetProperty("lr").GetDouble(),
                EpsilonPlacement = ReadChoice(root, "eps_placement", EpsilonPlacement.OutsideRoot,
                    ("outside_root", EpsilonPlacement.OutsideRoot), ("inside_root", EpsilonPlacement.InsideRoot)),
                ClipNorm = ReadOptional(root, "clip_norm"),
                ClipValue = ReadOptional(root, "clip_value"),
                Dropout = root.GetProperty("dropout").GetDouble(),
                ValidationFraction = root.GetProperty("validation_fraction").GetDouble(),
                EvaluateEvery = root.GetProperty("evaluate_every").GetInt32(),
                MaxValidationCharacters = root.GetProperty("max_validation_characters").GetInt32(),
                DivergenceFactor = root.GetProperty("divergence_factor").GetDouble(),
                Seed = root.GetProperty("seed").GetUInt64(),
                MaxSteps = root.TryGetProperty("max_steps", out JsonElement maxSteps) ? maxSteps.GetInt64() : null,
                MaxEpochs = root.TryGetProperty("max_epochs", out JsonElement maxEpochs) ? maxEpochs.GetInt32() : null,
                Schedule = root.TryGetProperty("schedule", out JsonElement schedule) ? ReadSchedule(schedule) : null,
            };
            // Fields added after the first checkpoints: absent means the default.
            var defaults = new TrainingOptions();
            JsonElement betas = root.TryGetProperty("betas", out JsonElement found) ? found : default;
            if (betas.ValueKind != JsonValueKind.Undefined && betas.GetArrayLength() != 2)
            {
                throw new FormatException("betas must hold two numbers");
            }

            options = options with
            {
                Momentum = ReadOptional(root, "momentum") ?? defaults.Momentum,
                Dampening = ReadOptional(root, "dampening") ?? defaults.Dampening,
                Nesterov = root.TryGetProperty("nesterov", out JsonElement nesterov) && nesterov.GetBoolean(),
                Beta1 = betas.ValueKind == JsonValueKind.Undefined ? defaults.Beta1 : betas[0].GetDouble(),
                Beta2 = betas.ValueKind == JsonValueKind.Undefined ? defaults.Beta2 : betas[1].GetDouble(),
                Epsilon = ReadOptional(root, "eps"),
                WeightDecay = ReadOptional(root, "weight_decay"),
                Alpha = ReadOptional(root, "alpha") ?? defaults.Alpha,
                Centered = root.TryGetProperty("centered", out JsonElement centered) && centered.GetBoolean(),
                AdagradLearningRateDecay = ReadOptional(root, "lr_decay") ?? defaults.AdagradLearningRateDecay,
                InitialAccumulatorValue = ReadOptional(root, "initial_accumulator_value") ?? defaults.InitialAccumulatorValue,
                WarmupSteps = root.TryGetProperty("warmup_steps", out JsonElement warmup) ? warmup.GetInt64() : 0,
                Patience = root.TryGetProperty("patience", out JsonElement patience) ? patience.GetInt32() : null,
                LearningRatePlateauFactor = ReadOptional(root, "lr_plateau_factor"),
                LearningRatePlateauPatience = root.TryGetProperty("lr_plateau_patience", out JsonElement plateauPatience)
                    ? plateauPatience.GetInt32() : defaults.LearningRatePlateauPatience,
            };
            options.Validate();
            return options;
        }
        catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException
            or FormatException or ArgumentException)
        {
            throw new InvalidDataException($"The checkpoint's training options are malformed: {exception.Message}", exception);
        }
    }

    private static void WriteSchedule(Utf8JsonWriter writer, LearningRateSchedule schedule)
    {
        writer.WriteStartObject();
        switch (schedule)
        {
            case ConstantSchedule constant:
                writer.WriteString("type", "constant");
                writer.WriteNumber("lr", constant.LearningRate);
                break;
            case StepDecaySchedule stepDecay:
                writer.WriteString("type", "step_decay");
                writer.WriteNumber("lr", stepDecay.LearningRate);
                writer.WriteNumber("factor", stepDecay.DecayFactor);
                writer.WriteNumber("every_epochs", stepDecay.DecayEveryEpochs);
                writer.WriteNumber("start_epoch", stepDecay.StartEpoch);
                break;
            case ExponentialSchedule exponential:
                writer.WriteString("type", "exponential");
                writer.WriteNumber("lr", exponential.LearningRate);
                writer.WriteNumber("gamma", exponential.GammaPerStep);
                break;
            case CosineSchedule cosine:
                writer.WriteString("type", "cosine");
                writer.WriteNumber("lr", cosine.LearningRate);
                writer.WriteNumber("total_steps", cosine.TotalSteps);
                writer.WriteNumber("min_lr", cosine.MinLearningRate);
                writer.WriteNumber("warmup_steps", cosine.WarmupSteps);
                break;
            default:
                ThrowHelper.ThrowArgument($"A {schedule.GetType().Name} cannot be saved in a checkpoint.", nameof(schedule));
                break;
        }

        writer.WriteEndObject();
    }

    private static LearningRateSchedule ReadSchedule(JsonElement element) => element.GetProperty("type").GetString() switch
    {
        "constant" => new ConstantSchedule(element.GetProperty("lr").GetDouble()),
        "step_decay" => new StepDecaySchedule(element.GetProperty("lr").GetDouble(), element.GetProperty("factor").GetDouble(),
            element.GetProperty("every_epochs").GetInt32(), element.GetProperty("start_epoch").GetInt32()),
        "exponential" => new ExponentialSchedule(element.GetProperty("lr").GetDouble(), element.GetProperty("gamma").GetDouble()),
        "cosine" => new CosineSchedule(element.GetProperty("lr").GetDouble(), element.GetProperty("total_steps").GetInt64(),
            element.GetProperty("min_lr").GetDouble(), element.GetProperty("warmup_steps").GetInt64()),
        var type => throw new FormatException($"unknown schedule type '{type}'"),
    };

    private static void WriteOptional(Utf8JsonWriter writer, string name, double? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    // Limits that are off when null are left out (the reader takes a missing key as null).
    private static void WriteIfPresent(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
    }

    private static TValue ReadChoice<TValue>(JsonElement root, string name, TValue absent, params (string Name, TValue Value)[] choices)
    {
        if (!root.TryGetProperty(name, out JsonElement element))
        {
            return absent;
        }

        string? text = element.GetString();
        foreach ((string choice, TValue value) in choices)
        {
            if (text == choice)
            {
                return value;
            }
        }

        throw new FormatException($"unknown {name} '{text}'");
    }

    private static double? ReadOptional(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement element) && element.ValueKind != JsonValueKind.Null ? element.GetDouble() : null;
}
