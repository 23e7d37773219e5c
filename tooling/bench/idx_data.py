"""Fashion-MNIST IDX files for the bench's Python peers (pytorch_peer.py, keras_peer.py): one reader, no
framework import, so each peer imports only its own framework."""
import gzip
import os
import struct

import numpy as np


def read_idx(path):
    """An IDX file (gzipped or not) as a uint8 array of its declared dimensions."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    magic = struct.unpack(">I", data[:4])[0]
    ndim = magic & 0xFF
    dims = struct.unpack(">" + "I" * ndim, data[4 : 4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def find(directory, stem):
    """`stem.gz` or `stem` in `directory`."""
    for name in (stem + ".gz", stem):
        p = os.path.join(directory, name)
        if os.path.exists(p):
            return p
    raise FileNotFoundError(f"{stem}(.gz) not found in {directory}")
