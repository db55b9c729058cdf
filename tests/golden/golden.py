#!/usr/bin/env python3
# README: independent golden values for tests/LstmSharp.Tests/Golden. Pure Python 3 (no numpy), 60-digit `decimal`
# arithmetic: the forward pass of tiny LSTM/GRU/RNN CharModels (PyTorch semantics) on "hello world", and the
# gradients of chosen parameters and initial states by central finite differences (step 1e-25), so nothing here
# shares code or derivations with the C# backward pass.
# Regenerate with:  python3 tests/golden/golden.py > tests/LstmSharp.Tests/Golden/GoldenTests.Expected.cs
# (a self-check comparing two finite-difference steps is printed on stderr).
"""
Fixed model (the C# test builds the same one):

* text "hello world"; vocabulary = sorted distinct characters " dehlorw" (V = 8); ids index it.
  inputs = ids[0 .. T-1], targets = ids[1 .. T], T = 10, B = 1.
* every named tensor, in state-dict order s = 0, 1, ... (rnn.weight_ih_l0, rnn.weight_hh_l0, rnn.bias_ih_l0,
  rnn.bias_hh_l0, [the same for l1], head.weight, head.bias), is filled by
      value(s, i, j) = (((37*i + 11*j + 23*s) % 17) - 8) / 16
  with (i, j) the (row, column) of a matrix, and (i, 0) for element i of a vector. The values k/16 are exact in
  binary, so the C# double model holds exactly these weights.
* initial state: zeros (the C# test passes null), or for layer l, unit u
      h0 = (((5*u + 3*l + 2) % 7) - 3) / 8        c0 (LSTM only) = (((3*u + 5*l + 4) % 7) - 3) / 8
* LSTM: i, f, g, o = σ, σ, tanh, σ of (W_ih x + b_ih + W_hh h + b_hh), c' = f c + i g, h' = o tanh(c').
  GRU:  r, z = σ(...), n = tanh(W_in x + b_in + r (W_hn h + b_hn)), h' = (1 - z) n + z h.
  RNN:  h' = tanh(W_ih x + b_ih + W_hh h + b_hh).
  head: logits = W h + b; loss = mean over rows of (ln Σ exp(logits) - logits[target]).
  EveryStep: rows are all T steps. LastStep: only the last step, target ids[T].
"""

import sys
from decimal import Decimal, getcontext

getcontext().prec = 60

TEXT = "hello world"
VOCABULARY = sorted(set(TEXT))
IDS = [VOCABULARY.index(ch) for ch in TEXT]
SEQUENCE_LENGTH = len(IDS) - 1
INPUTS = IDS[:-1]
TARGETS = IDS[1:]
STEP = Decimal("1e-25")
CHECK_STEP = Decimal("1e-20")
GATE_COUNT = {"Lstm": 4, "Gru": 3, "Rnn": 1}
ONE = Decimal(1)


def sigmoid(x):
    return ONE / (ONE + (-x).exp())


def tanh(x):
    e = (2 * x).exp()
    return (e - ONE) / (e + ONE)


def weight_value(s, i, j):
    return Decimal(((37 * i + 11 * j + 23 * s) % 17) - 8) / 16


def tensor_shapes(cell, layers, hidden):
    """State-dict order: name -> (rows, columns); columns is 1 for a vector."""
    gates = GATE_COUNT[cell] * hidden
    vocabulary = len(VOCABULARY)
    shapes = []
    for layer in range(layers):
        inputs = vocabulary if layer == 0 else hidden
        shapes += [
            (f"rnn.weight_ih_l{layer}", gates, inputs),
            (f"rnn.weight_hh_l{layer}", gates, hidden),
            (f"rnn.bias_ih_l{layer}", gates, 1),
            (f"rnn.bias_hh_l{layer}", gates, 1),
        ]
    shapes += [("head.weight", vocabulary, hidden), ("head.bias", vocabulary, 1)]
    return shapes


def build(cell, layers, hidden, nonzero_initial):
    """Flat row-major parameters and initial states, keyed by name."""
    values = {}
    for s, (name, rows, columns) in enumerate(tensor_shapes(cell, layers, hidden)):
        values[name] = [weight_value(s, i, j) for i in range(rows) for j in range(columns)]
    for layer in range(layers):
        h0 = [Decimal(((5 * u + 3 * layer + 2) % 7) - 3) / 8 if nonzero_initial else Decimal(0) for u in range(hidden)]
        values[f"h0_l{layer}"] = h0
        if cell == "Lstm":
            c0 = [Decimal(((3 * u + 5 * layer + 4) % 7) - 3) / 8 if nonzero_initial else Decimal(0) for u in range(hidden)]
            values[f"c0_l{layer}"] = c0
    return values


def affine(weight, bias, columns, x, row):
    total = bias[row]
    for k in range(columns):
        total += weight[row * columns + k] * x[k]
    return total


def loss(cell, layers, hidden, mode, values):
    vocabulary = len(VOCABULARY)
    gates = GATE_COUNT[cell] * hidden
    sequence = []
    for ident in INPUTS:
        one_hot = [Decimal(0)] * vocabulary
        one_hot[ident] = ONE
        sequence.append(one_hot)

    for layer in range(layers):
        columns = vocabulary if layer == 0 else hidden
        w_ih, w_hh = values[f"rnn.weight_ih_l{layer}"], values[f"rnn.weight_hh_l{layer}"]
        b_ih, b_hh = values[f"rnn.bias_ih_l{layer}"], values[f"rnn.bias_hh_l{layer}"]
        h = list(values[f"h0_l{layer}"])
        c = list(values[f"c0_l{layer}"]) if cell == "Lstm" else None
        outputs = []
        for x in sequence:
            gi = [affine(w_ih, b_ih, columns, x, row) for row in range(gates)]
            gh = [affine(w_hh, b_hh, hidden, h, row) for row in range(gates)]
            if cell == "Lstm":
                new_h, new_c = [], []
                for u in range(hidden):
                    i = sigmoid(gi[u] + gh[u])
                    f = sigmoid(gi[hidden + u] + gh[hidden + u])
                    g = tanh(gi[2 * hidden + u] + gh[2 * hidden + u])
                    o = sigmoid(gi[3 * hidden + u] + gh[3 * hidden + u])
                    cu = f * c[u] + i * g
                    new_c.append(cu)
                    new_h.append(o * tanh(cu))
                h, c = new_h, new_c
            elif cell == "Gru":
                new_h = []
                for u in range(hidden):
                    r = sigmoid(gi[u] + gh[u])
                    z = sigmoid(gi[hidden + u] + gh[hidden + u])
                    n = tanh(gi[2 * hidden + u] + r * gh[2 * hidden + u])
                    new_h.append((ONE - z) * n + z * h[u])
                h = new_h
            else:
                h = [tanh(gi[u] + gh[u]) for u in range(hidden)]
            outputs.append(h)
        sequence = outputs

    if mode == "EveryStep":
        rows, targets = sequence, TARGETS
    else:
        rows, targets = sequence[-1:], TARGETS[-1:]
    w, b = values["head.weight"], values["head.bias"]
    total = Decimal(0)
    for h, target in zip(rows, targets):
        logits = [affine(w, b, hidden, h, row) for row in range(vocabulary)]
        total += sum(logit.exp() for logit in logits).ln() - logits[target]
    return total / len(rows)


def chosen_entries(cell, layers, hidden):
    """(name, flat index): first, middle and last of every tensor, one unused input column, every initial-state entry."""
    entries = []
    for name, rows, columns in tensor_shapes(cell, layers, hidden):
        count = rows * columns
        picks = [0, count // 2, count - 1]
        if name == "rnn.weight_ih_l0":
            unused = [ident for ident in range(len(VOCABULARY)) if ident not in INPUTS]
            picks.append(unused[0])  # row 0 of a column no input selects: exactly zero gradient
        entries += [(name, index) for index in sorted(set(picks))]
    for layer in range(layers):
        entries += [(f"h0_l{layer}", u) for u in range(hidden)]
        if cell == "Lstm":
            entries += [(f"c0_l{layer}", u) for u in range(hidden)]
    return entries


def central_difference(case, values, name, index, step):
    cell, layers, hidden, mode = case[1:5]
    saved = values[name][index]
    values[name][index] = saved + step
    plus = loss(cell, layers, hidden, mode, values)
    values[name][index] = saved - step
    minus = loss(cell, layers, hidden, mode, values)
    values[name][index] = saved
    return (plus - minus) / (2 * step)


# (C# name, cell, layers, hidden size, loss mode, non-zero initial state)
CASES = [
    ("LstmOneLayerEveryStep", "Lstm", 1, 3, "EveryStep", False),
    ("LstmOneLayerLastStep", "Lstm", 1, 3, "LastStep", True),
    ("LstmTwoLayersEveryStep", "Lstm", 2, 3, "EveryStep", True),
    ("LstmTwoLayersLastStep", "Lstm", 2, 3, "LastStep", False),
    ("GruOneLayerEveryStep", "Gru", 1, 3, "EveryStep", False),
    ("GruOneLayerLastStep", "Gru", 1, 3, "LastStep", True),
    ("GruTwoLayersEveryStep", "Gru", 2, 3, "EveryStep", True),
    ("GruTwoLayersLastStep", "Gru", 2, 3, "LastStep", False),
    ("RnnOneLayerEveryStep", "Rnn", 1, 3, "EveryStep", False),
    ("RnnOneLayerLastStep", "Rnn", 1, 3, "LastStep", True),
    ("RnnTwoLayersEveryStep", "Rnn", 2, 3, "EveryStep", True),
    ("RnnTwoLayersLastStep", "Rnn", 2, 3, "LastStep", False),
]


def literal(value):
    if value == 0:
        return "0.0"
    return f"{value:.19e}".replace("e+", "E+").replace("e-", "E-")


def main():
    out = sys.stdout
    out.write("// <auto-generated>\n")
    out.write("// Produced by `python3 tests/golden/golden.py` (60-digit decimal arithmetic; gradients by central finite\n")
    out.write("// differences with step 1e-25), independently of the C# forward and backward passes. Do not edit by hand:\n")
    out.write("// regenerate with  python3 tests/golden/golden.py > tests/LstmSharp.Tests/Golden/GoldenTests.Expected.cs\n")
    out.write("// </auto-generated>\n")
    out.write("using LstmSharp.Layers;\n\nnamespace LstmSharp.Tests.Golden;\n\n")
    out.write("public sealed partial class GoldenTests\n{\n")
    out.write(f"    private const string Text = \"{TEXT}\";\n\n")
    out.write("    private static readonly GoldenCase[] Cases =\n    [\n")
    worst_self_check = Decimal(0)
    for case in CASES:
        name, cell, layers, hidden, mode, nonzero = case
        values = build(cell, layers, hidden, nonzero)
        value = loss(cell, layers, hidden, mode, values)
        out.write(f"        new(\"{name}\", CellType.{cell}, {layers}, {hidden}, LossMode.{mode}, {'true' if nonzero else 'false'}, {literal(value)},\n")
        out.write("        [\n")
        for tensor, index in chosen_entries(cell, layers, hidden):
            gradient = central_difference(case, values, tensor, index, STEP)
            check = central_difference(case, values, tensor, index, CHECK_STEP)
            scale = max(abs(gradient), Decimal("1e-30"))
            worst_self_check = max(worst_self_check, abs(gradient - check) / scale)
            out.write(f"            new(\"{tensor}\", {index}, {literal(gradient)}),\n")
        out.write("        ]),\n")
        print(f"{name}: loss {value:.25e}", file=sys.stderr)
    out.write("    ];\n}\n")
    print(f"self-check: worst relative difference between steps 1e-25 and 1e-20: {worst_self_check:.3e}", file=sys.stderr)


if __name__ == "__main__":
    main()
