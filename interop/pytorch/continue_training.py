#!/usr/bin/env python3
"""Continue training an LstmSharp checkpoint in PyTorch, then hand the model back to LstmSharp.

Loads the checkpoint (a safetensors file whose tensors already carry nn.LSTM/nn.GRU/nn.RNN names under `rnn.` and
nn.Linear names under `head.`) into those modules, trains it with torch.optim on a text, and saves a state dict that
`lstmsharp import` reads back, plus the vocabulary it needs:

    /usr/bin/python3 interop/pytorch/continue_training.py --checkpoint model.safetensors --text input.txt \
        --steps 200 --out torch.safetensors --vocabulary-out vocab.json
    lstmsharp import --pytorch torch.safetensors --vocabulary vocab.json --cell lstm --out back.safetensors

The same script runs unchanged on several processes (DistributedDataParallel: gloo on CPU, nccl on GPUs), each
process training its own share of the streams:

    torchrun --nproc_per_node 4 interop/pytorch/continue_training.py --checkpoint model.safetensors ...

It needs only PyTorch (Debian's python3-torch works): safetensors files are read and written here in a few lines.
"""
import argparse
import json
import math
import os
import struct

import torch
import torch.distributed as dist
import torch.nn as nn
import torch.nn.functional as F

DTYPES = {"F32": torch.float32, "F64": torch.float64, "F16": torch.float16, "BF16": torch.bfloat16}
CELLS = {"lstm": nn.LSTM, "gru": nn.GRU, "rnn": nn.RNN}


def read_safetensors(path):
    """Tensors and __metadata__ of a safetensors file (8-byte little-endian header length, JSON header, raw data)."""
    with open(path, "rb") as f:
        (length,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(length))
        data = f.read()
    metadata = header.pop("__metadata__", {}) or {}
    tensors = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        dtype = DTYPES[info["dtype"]]
        values = torch.frombuffer(bytearray(data[start:end]), dtype=dtype) if end > start else torch.empty(0, dtype=dtype)
        tensors[name] = values.reshape(info["shape"]).clone()
    return tensors, metadata


def write_safetensors(path, tensors, metadata=None):
    """Writes F32 tensors as safetensors, atomically (a temporary file, then a rename)."""
    header, blobs, offset = {}, [], 0
    for name in sorted(tensors):
        values = tensors[name].detach().to(torch.float32).contiguous().cpu()
        blob = values.numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(values.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    if metadata:
        header["__metadata__"] = metadata
    encoded = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    encoded += b" " * (-len(encoded) % 8)
    temporary = f"{path}.{os.getpid()}.tmp"
    with open(temporary, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)
    os.replace(temporary, path)


class CharRnn(nn.Module):
    """One-hot characters → nn.LSTM/GRU/RNN (time-major) → nn.Linear: LstmSharp's CharModel, tensor for tensor."""

    def __init__(self, cell, vocabulary_size, hidden_size, layers):
        super().__init__()
        self.vocabulary_size = vocabulary_size
        self.rnn = CELLS[cell](vocabulary_size, hidden_size, layers)
        self.head = nn.Linear(hidden_size, vocabulary_size)

    def forward(self, ids, state=None):
        """ids (T, B) → logits (T, B, V) and the final state."""
        inputs = F.one_hot(ids, self.vocabulary_size).to(self.head.weight.dtype)
        outputs, state = self.rnn(inputs, state)
        return self.head(outputs), state


def load_checkpoint(path):
    """The model, its vocabulary (a list of characters) and the vocabulary's JSON from an LstmSharp checkpoint."""
    tensors, metadata = read_safetensors(path)
    cell = metadata["model.cell"]
    vocabulary_json = metadata["model.vocabulary"]
    characters = json.loads(vocabulary_json)["characters"]
    model = CharRnn(cell, len(characters), int(metadata["model.hidden_size"]), int(metadata["model.num_layers"]))
    # The checkpoint also holds optimizer and trainer state (optimizer.*, trainer.*): only the model's tensors load.
    model.load_state_dict({name: value for name, value in tensors.items() if name.startswith(("rnn.", "head."))}, strict=True)
    return model, cell, characters, vocabulary_json


def encode(text, characters):
    index = {character: i for i, character in enumerate(characters)}
    missing = sorted(set(text) - index.keys())
    if missing:
        raise SystemExit(f"the text has characters the checkpoint's vocabulary lacks: {missing!r}")
    return torch.tensor([index[c] for c in text], dtype=torch.long)


def score(model, ids):
    """Mean nats per character of predicting ids[1:] from ids[:-1], from a zero state, in float64."""
    with torch.no_grad():
        logits, _ = model.double()(ids[:-1].unsqueeze(1))
        nats = F.cross_entropy(logits.squeeze(1), ids[1:], reduction="mean").item()
    model.float()
    return nats


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--checkpoint", required=True, help="the LstmSharp checkpoint to start from")
    parser.add_argument("--text", required=True, help="the UTF-8 text to train on")
    parser.add_argument("--out", required=True, help="the state dict to write (safetensors) for `lstmsharp import`")
    parser.add_argument("--vocabulary-out", help="write the vocabulary JSON `lstmsharp import --vocabulary` reads")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--seq-length", type=int, default=64)
    parser.add_argument("--batch", type=int, default=16, help="streams per process")
    parser.add_argument("--optimizer", choices=["adam", "adamw", "sgd", "rmsprop", "adagrad"], default="adam")
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--clip", type=float, default=5.0, help="global gradient-norm clip (0: none)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--score-text", help="after training, score this text (default: --text) and print nats/char")
    parser.add_argument("--score-out", help="write the score as JSON: {\"nats_per_char\": …, \"text\": …, \"cell\": …}")
    args = parser.parse_args()

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    distributed = world > 1
    if distributed:
        dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")
    device = torch.device(f"cuda:{int(os.environ.get('LOCAL_RANK', '0'))}" if torch.cuda.is_available() else "cpu")
    torch.manual_seed(args.seed)

    model, cell, characters, vocabulary_json = load_checkpoint(args.checkpoint)
    model.to(device)
    with open(args.text, encoding="utf-8") as f:
        ids = encode(f.read(), characters)
    trained = nn.parallel.DistributedDataParallel(model) if distributed else model

    optimizers = {"adam": torch.optim.Adam, "adamw": torch.optim.AdamW, "sgd": torch.optim.SGD,
                  "rmsprop": torch.optim.RMSprop, "adagrad": torch.optim.Adagrad}
    optimizer = optimizers[args.optimizer](trained.parameters(), lr=args.lr)

    # char-rnn's layout, as LstmSharp trains: world·B contiguous streams, this process reading its own B of them in
    # windows of T, the state carried from window to window (detached: truncated BPTT) and reset at each epoch.
    streams = world * args.batch
    stream_length = (len(ids) - 1) // streams
    windows = stream_length // args.seq_length
    if windows == 0:
        raise SystemExit(f"the text has {len(ids)} characters, too few for {streams} streams of {args.seq_length}")
    mine = torch.arange(rank * args.batch, (rank + 1) * args.batch) * stream_length
    state = None
    for step in range(args.steps):
        window = step % windows
        if window == 0:
            state = None
        positions = mine.unsqueeze(0) + window * args.seq_length + torch.arange(args.seq_length).unsqueeze(1)   # (T, B)
        inputs, targets = ids[positions].to(device), ids[positions + 1].to(device)
        logits, state = trained(inputs, state)
        state = tuple(s.detach() for s in state) if isinstance(state, tuple) else state.detach()
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        if args.clip > 0:
            nn.utils.clip_grad_norm_(trained.parameters(), args.clip)
        optimizer.step()
        if rank == 0 and (step + 1) % max(1, args.steps // 10) == 0:
            print(f"step {step + 1}/{args.steps}: train {loss.item():.4f} nats/char", flush=True)

    if rank == 0:
        model.cpu()
        write_safetensors(args.out, model.state_dict())
        if args.vocabulary_out:
            with open(args.vocabulary_out, "w", encoding="utf-8") as f:
                f.write(vocabulary_json)
        if args.score_text or args.score_out:
            path = args.score_text or args.text
            with open(path, encoding="utf-8") as f:
                nats = score(model, encode(f.read(), characters))
            print(f"score {path}: {nats:.6f} nats/char ({nats / math.log(2):.6f} bits/char)")
            if args.score_out:
                with open(args.score_out, "w", encoding="utf-8") as f:
                    json.dump({"nats_per_char": nats, "text": path, "cell": cell}, f)
        print(f"wrote {args.out}: `lstmsharp import --pytorch {args.out} --vocabulary {args.vocabulary_out or 'VOCAB'} --cell {cell} --out CKPT`")
    if distributed:
        dist.barrier()
        dist.destroy_process_group()


if __name__ == "__main__":
    main()
