"""PyTorch as an oracle for LstmSharp (run by PyTorchOracleTests with Debian's /usr/bin/python3 and python3-torch).

    pytorch_oracle.py DIR

1. Every DIR/lsharp_*.state.safetensors (a state dict LstmSharp wrote) is loaded with load_state_dict(strict=True)
   into the docs' CharRnn (nn.LSTM/nn.GRU/nn.RNN + nn.Linear) and run on the inputs of the matching .io file; the
   largest absolute differences from LstmSharp's logits and final states go to DIR/results.json.
2. For every case in DIR/cases.json, a seeded random CharRnn is saved as DIR/torch_<name>.state.safetensors (the state
   dict only, laid out as safetensors.torch.save_file does) with its inputs and PyTorch's outputs in
   DIR/torch_<name>.io.safetensors, for LstmSharp to load and compare.

The safetensors package is not a Debian package, so the format (8-byte length, JSON header, raw data) is read and
written here directly.
"""
import json
import pathlib
import struct
import sys

import numpy as np
import torch
from torch import nn

DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64}
NAMES = {np.dtype(v): k for k, v in DTYPES.items()}
CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


class CharRnn(nn.Module):  # as in docs/interop.md
    def __init__(self, V, H, L, cell=nn.LSTM):
        super().__init__()
        self.V = V
        self.rnn = cell(V, H, num_layers=L)
        self.head = nn.Linear(H, V)

    def forward(self, ids, state=None):
        x = nn.functional.one_hot(ids, self.V).to(self.head.weight.dtype)
        y, state = self.rnn(x, state)
        return self.head(y), state


def load(path):
    raw = pathlib.Path(path).read_bytes()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + n])
    data = raw[8 + n:]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype=DTYPES[entry["dtype"]]).reshape(entry["shape"])
        tensors[name] = torch.from_numpy(array.copy())
    return tensors


def save(path, tensors, metadata=None):
    header, chunks, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name in sorted(tensors):
        array = np.ascontiguousarray(tensors[name].detach().cpu().numpy())
        blob = array.astype(array.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {"dtype": NAMES[array.dtype], "shape": list(array.shape), "data_offsets": [offset, offset + len(blob)]}
        chunks.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    pathlib.Path(path).write_bytes(struct.pack("<Q", len(text)) + text + b"".join(chunks))


def run(model, cell, io):
    state = (io["h0"], io["c0"]) if cell == "lstm" else io["h0"]
    with torch.no_grad():
        logits, final = model(io["ids"], state)
    h_n, c_n = final if cell == "lstm" else (final, None)
    return logits, h_n, c_n


def build(cell, state_dict):
    layers = sum(1 for key in state_dict if key.startswith("rnn.weight_hh_l"))
    V, H = state_dict["head.weight"].shape
    model = CharRnn(V, H, layers, CELLS[cell])
    model = model.to(state_dict["head.weight"].dtype)
    model.load_state_dict(state_dict, strict=True)
    return model


def check(directory):
    results = []
    for state_path in sorted(directory.glob("lsharp_*.state.safetensors")):
        name = state_path.name[len("lsharp_"):-len(".state.safetensors")]
        cell = name.split("_")[0]
        io = load(directory / f"lsharp_{name}.io.safetensors")
        model = build(cell, load(state_path))
        logits, h_n, c_n = run(model, cell, io)
        entry = {
            "case": name,
            "dtype": str(model.head.weight.dtype),
            "logits": float((logits - io["logits"]).abs().max()),
            "h_n": float((h_n - io["h_n"]).abs().max()),
        }
        if c_n is not None:
            entry["c_n"] = float((c_n - io["c_n"]).abs().max())
        results.append(entry)
    return results


def make(directory, cases):
    for case in cases:
        torch.manual_seed(case["seed"])
        dtype = torch.float64 if case["dtype"] == "F64" else torch.float32
        cell, V, H, L, T, B = case["cell"], case["V"], case["H"], case["L"], case["T"], case["B"]
        model = CharRnn(V, H, L, CELLS[cell]).to(dtype)
        with torch.no_grad():
            for parameter in model.parameters():
                parameter.uniform_(-0.8, 0.8)   # out of the gates' linear region
        io = {"ids": torch.randint(0, V, (T, B)), "h0": torch.rand(L, B, H, dtype=dtype) * 2 - 1}
        if cell == "lstm":
            io["c0"] = torch.rand(L, B, H, dtype=dtype) * 2 - 1
        logits, h_n, c_n = run(model, cell, io)
        io.update(logits=logits, h_n=h_n)
        if c_n is not None:
            io["c_n"] = c_n
        save(directory / f"torch_{case['name']}.state.safetensors", model.state_dict(), {"format": "pt"})
        save(directory / f"torch_{case['name']}.io.safetensors", io)


def main():
    directory = pathlib.Path(sys.argv[1])
    results = check(directory)
    make(directory, json.loads((directory / "cases.json").read_text()))
    (directory / "results.json").write_text(json.dumps({"torch": torch.__version__, "checked": results}))


if __name__ == "__main__":
    main()
