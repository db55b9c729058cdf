namespace LstmSharp.Training;

/// <summary>The optimizers, each with the update rule and defaults of its <c>torch.optim</c> namesake.</summary>
public enum OptimizerKind
{
    /// <summary>Stochastic gradient descent with optional (Nesterov) momentum, <c>torch.optim.SGD</c>.</summary>
    Sgd,

    /// <summary>Adagrad, <c>torch.optim.Adagrad</c>.</summary>
    Adagrad,

    /// <summary>RMSprop, optionally centered and with momentum, <c>torch.optim.RMSprop</c>.</summary>
    RmsProp,

    /// <summary>Adam with L2 weight decay added to the gradient, <c>torch.optim.Adam</c>.</summary>
    Adam,

    /// <summary>Adam with decoupled weight decay, <c>torch.optim.AdamW</c>.</summary>
    AdamW,
}
