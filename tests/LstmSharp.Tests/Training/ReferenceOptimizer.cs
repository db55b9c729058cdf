using LstmSharp.Training;

namespace LstmSharp.Tests.Training;

/// <summary>
/// PyTorch's optimizers written straight from the algorithm boxes in the torch.optim documentation: scalar double,
/// one element at a time, over one flat vector (every rule is element-wise, so the buffers can be concatenated).
/// Deliberately the documented form (for Adam: m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ), θ −= γm̂/(√v̂ + ε)), not the
/// library's arithmetic order.
/// </summary>
public sealed class ReferenceOptimizer(OptimizerCase setting, int length)
{
    private readonly double[] _first = new double[length];    // b (SGD, RMSprop momentum), m (Adam), state_sum (Adagrad)
    private readonly double[] _second = new double[length];   // v (RMSprop, Adam)
    private readonly double[] _third = new double[length];    // g_ave (centered RMSprop), b (RMSprop with momentum)
    private long _t;
    private bool _initialized;

    /// <summary>One step of the documented algorithm: θ updated in place from the gradients ∇.</summary>
    public void Step(double[] theta, double[] gradients, double gamma)
    {
        OptimizerCase c = setting;
        if (!_initialized && c.Kind == OptimizerKind.Adagrad)
        {
            Array.Fill(_first, c.InitialAccumulatorValue);   // state_sum_0 ← τ
        }

        _initialized = true;
        _t++;
        for (int i = 0; i < theta.Length; i++)
        {
            double g = gradients[i];
            switch (c.Kind)
            {
                case OptimizerKind.Sgd:
                    if (c.WeightDecay != 0) { g += c.WeightDecay * theta[i]; }
                    if (c.Momentum != 0)
                    {
                        _first[i] = _t > 1 ? c.Momentum * _first[i] + (1 - c.Dampening) * g : g;
                        g = c.Nesterov ? g + c.Momentum * _first[i] : _first[i];
                    }

                    theta[i] -= gamma * g;
                    break;

                case OptimizerKind.Adagrad:
                    double decayed = gamma / (1 + (_t - 1) * c.LearningRateDecay);
                    if (c.WeightDecay != 0) { g += c.WeightDecay * theta[i]; }
                    _first[i] += g * g;
                    theta[i] -= decayed * g / (Math.Sqrt(_first[i]) + c.Epsilon);
                    break;

                case OptimizerKind.RmsProp:
                    if (c.WeightDecay != 0) { g += c.WeightDecay * theta[i]; }
                    _second[i] = c.Alpha * _second[i] + (1 - c.Alpha) * g * g;
                    double vTilde = _second[i];
                    if (c.Centered)
                    {
                        _first[i] = _first[i] * c.Alpha + (1 - c.Alpha) * g;
                        vTilde -= _first[i] * _first[i];
                    }

                    if (c.Momentum > 0)
                    {
                        _third[i] = c.Momentum * _third[i] + g / (Math.Sqrt(vTilde) + c.Epsilon);
                        theta[i] -= gamma * _third[i];
                    }
                    else
                    {
                        theta[i] -= gamma * g / (Math.Sqrt(vTilde) + c.Epsilon);
                    }

                    break;

                default:
                    if (c.Kind == OptimizerKind.AdamW)
                    {
                        theta[i] -= gamma * c.WeightDecay * theta[i];
                    }
                    else if (c.WeightDecay != 0)
                    {
                        g += c.WeightDecay * theta[i];
                    }

                    _first[i] = c.Beta1 * _first[i] + (1 - c.Beta1) * g;
                    _second[i] = c.Beta2 * _second[i] + (1 - c.Beta2) * g * g;
                    double mHat = _first[i] / (1 - Math.Pow(c.Beta1, _t));
                    double vHat = _second[i] / (1 - Math.Pow(c.Beta2, _t));
                    theta[i] -= gamma * mHat / (Math.Sqrt(vHat) + c.Epsilon);
                    break;
            }
        }
    }
}
