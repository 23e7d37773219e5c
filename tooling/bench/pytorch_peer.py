#!/usr/bin/env python3
"""PyTorch peer for `pnpm bench`: the seed cell 5 BN-MLP, SGD momentum 0.9, one epoch of Fashion-MNIST.

Same work as steadygrad's benchmark: Flatten -> BN -> Dense 300 relu (He normal) -> BN -> Dense 100 relu
(He normal) -> BN -> Dense 10 softmax, sparse categorical cross-entropy, batch 32 or 256, shuffled, pixels
scaled to [0, 1]; then inference on the 10,000 test images. BatchNorm uses the Keras convention converted to
PyTorch (momentum 0.01 = 1 - 0.99, eps 1e-3). `--threads` (default 1, as the published peer figure) sets
torch.set_num_threads.

Prints one JSON line: {"system": "pytorch", "batchSize": ..., "epochSeconds": ..., "samplesPerSecond": ...,
"testAccuracy": ..., "inferenceSeconds": ..., "peakRssMb": ..., "torch": version}
"""
import argparse
import json
import os
import resource
import time

import numpy as np
import torch
from idx_data import find, read_idx


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--dir", default=os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist"))
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--samples", type=int, default=60000)
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)

    x_train = read_idx(find(args.dir, "train-images-idx3-ubyte"))[: args.samples]
    y_train = read_idx(find(args.dir, "train-labels-idx1-ubyte"))[: args.samples]
    x_test = read_idx(find(args.dir, "t10k-images-idx3-ubyte"))
    y_test = read_idx(find(args.dir, "t10k-labels-idx1-ubyte"))
    xt = torch.from_numpy(x_train.reshape(len(x_train), -1).astype(np.float32) / 255.0)
    yt = torch.from_numpy(y_train.astype(np.int64))
    xs = torch.from_numpy(x_test.reshape(len(x_test), -1).astype(np.float32) / 255.0)
    ys = torch.from_numpy(y_test.astype(np.int64))

    def bn(n):
        return torch.nn.BatchNorm1d(n, eps=1e-3, momentum=0.01)

    def dense(i, o, he=True):
        layer = torch.nn.Linear(i, o)
        if he:
            torch.nn.init.trunc_normal_(layer.weight, std=(2.0 / i) ** 0.5 / 0.87962566103423978, a=-2 * (2.0 / i) ** 0.5 / 0.87962566103423978, b=2 * (2.0 / i) ** 0.5 / 0.87962566103423978)
        else:
            torch.nn.init.xavier_uniform_(layer.weight)
        torch.nn.init.zeros_(layer.bias)
        return layer

    if args.model == "mlp":
        model = torch.nn.Sequential(
            bn(784), dense(784, 300), torch.nn.ReLU(),
            bn(300), dense(300, 100), torch.nn.ReLU(),
            bn(100), dense(100, 10, he=False),
        )
    else:
        # steadygrad's smallCnnModel (apps/demo/src/models.ts), NCHW: per block Conv 3x3 'same' without bias ->
        # BN (Keras momentum/eps) -> ReLU -> MaxPool 2x2, then Flatten -> Dense 64 relu -> Dense 10.
        xt = xt.reshape(-1, 1, 28, 28)
        xs = xs.reshape(-1, 1, 28, 28)
        layers = []
        channels = 1
        for f in (16, 32):
            layers += [
                torch.nn.Conv2d(channels, f, 3, padding=1, bias=False),
                torch.nn.BatchNorm2d(f, eps=1e-3, momentum=0.01),
                torch.nn.ReLU(),
                torch.nn.MaxPool2d(2),
            ]
            channels = f
        model = torch.nn.Sequential(
            *layers, torch.nn.Flatten(), dense(7 * 7 * 32, 64), torch.nn.ReLU(), dense(64, 10, he=False)
        )
    # Keras SGD momentum (v = mu v - lr g) equals PyTorch's form for a constant learning rate.
    opt = torch.optim.SGD(model.parameters(), lr=args.lr, momentum=0.9)
    loss_fn = torch.nn.CrossEntropyLoss()  # softmax + sparse categorical cross-entropy

    n = len(xt)
    perm = torch.randperm(n)
    model.train()
    t0 = time.perf_counter()
    for start in range(0, n, args.batch_size):
        idx = perm[start : start + args.batch_size]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(xt[idx]), yt[idx])
        loss.backward()
        opt.step()
    epoch = time.perf_counter() - t0

    model.eval()
    t1 = time.perf_counter()
    with torch.no_grad():
        correct = 0
        for start in range(0, len(xs), 1000):
            pred = model(xs[start : start + 1000]).argmax(1)
            correct += int((pred == ys[start : start + 1000]).sum())
    infer = time.perf_counter() - t1
    print(json.dumps({
        "system": "pytorch",
        "model": args.model,
        "batchSize": args.batch_size,
        "samples": n,
        "epochSeconds": epoch * 60000 / n,
        "samplesPerSecond": n / epoch,
        "testAccuracy": correct / len(xs),
        "inferenceSeconds": infer,
        "peakRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "torch": torch.__version__,
        "threads": args.threads,
    }))


if __name__ == "__main__":
    main()
