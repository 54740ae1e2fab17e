"""The ONNX Runtime backend of the Tagger: a model folder exported once to ONNX, int8-quantised, and cached.

Dynamic quantisation stores the weights as int8 and quantises the activations
of each run as they come; static quantisation (activation ranges calibrated in
advance) is known to wreck NER accuracy, so it is not offered. The file lives
beside the model (``onnx/<key>/``) where that folder is writable, else under
``$FARSINER_CACHE`` or ``~/.cache/farsiner`` (``onnx/<key>/``); the key changes
with config.json, the weights' size and mtime, and the recipe below.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path

# Part of the cache key: bump it when the export or the quantisation changes.
RECIPE = "torchscript-opset17-dynamic-quint8-per-channel-fp32-ffn-out-v1"
ONNX_FILE = "model-int8.onnx"
# The feed-forward down-projection of each encoder layer (not the attention's output projection).
FFN_OUTPUT_MATMUL = re.compile(r"/layer\.\d+/output/dense/MatMul$")


def require_onnx_backend():
    """onnxruntime (with onnx, which its quantiser and our export need), or an ImportError that says what to install."""
    try:
        import onnx  # noqa: F401
        import onnxruntime
    except ImportError as e:
        raise ImportError(f"the ONNX backend needs onnxruntime and onnx, farsiner dependencies ({e}): pip install onnxruntime onnx") from e
    return onnxruntime


def onnx_backend_installed() -> bool:
    try:
        require_onnx_backend()
    except ImportError:
        return False
    return True


def model_key(model_dir: str | Path) -> str:
    """A hash of what identifies the weights: config.json, and the safetensors' size and mtime."""
    model_dir = Path(model_dir)
    h = hashlib.sha256(RECIPE.encode())
    h.update((model_dir / "config.json").read_bytes())
    weights = model_dir / "model.safetensors"
    if weights.exists():
        st = weights.stat()
        h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def local_model_dir(name_or_path: str | Path) -> Path:
    """The folder holding the model: the path itself, or a hub id's downloaded snapshot.

    For a hub id the weights are fetched (or found in the hub cache) here: the
    cache key hashes them, and the export reads them.
    """
    if Path(name_or_path).is_dir():
        return Path(name_or_path)
    from huggingface_hub import hf_hub_download

    return Path(hf_hub_download(str(name_or_path), "model.safetensors")).parent


def _writable(folder: Path) -> bool:
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


def cache_candidates(name_or_path: str | Path, model_dir: Path, key: str) -> list[Path]:
    """Where the ONNX file may live, in order: beside a local model, then the user cache."""
    user_cache = Path(os.environ.get("FARSINER_CACHE") or "~/.cache/farsiner").expanduser() / "onnx" / key
    if not Path(name_or_path).is_dir():  # never write into the hub's download cache
        return [user_cache]
    return [model_dir / "onnx" / key, user_cache]


def onnx_model_path(name_or_path: str | Path, cache_dir: str | Path | None = None) -> Path:
    """The int8 ONNX file of a model folder, built on first use (from its PyTorch weights) and reused after.

    ``cache_dir`` overrides where the file is looked for and built.
    """
    model_dir = local_model_dir(name_or_path)
    key = model_key(model_dir)
    folders = [Path(cache_dir) / key] if cache_dir else cache_candidates(name_or_path, model_dir, key)
    for folder in folders:
        if (folder / ONNX_FILE).is_file():
            return folder / ONNX_FILE
    target = next((f for f in folders if _writable(f)), None)
    if target is None:
        raise PermissionError(f"no writable folder for the ONNX model among {[str(f) for f in folders]}")
    from farsiner.infer.model_folder import load_model_folder

    model, _, _ = load_model_folder(model_dir)  # fp32 on the CPU, loaded only to export
    build_int8_onnx(model, target / ONNX_FILE)
    return target / ONNX_FILE


def export_fp32_onnx(model, path: str | Path) -> Path:
    """``model`` (fp32, on the CPU) as an ONNX graph with dynamic batch and sequence axes."""
    import torch

    # Two rows of different lengths so that batch and sequence stay dynamic.
    ids = torch.tensor([[0, 5, 6, 7, 2, 1], [0, 5, 6, 7, 8, 2]])
    mask = torch.tensor([[1, 1, 1, 1, 1, 0], [1, 1, 1, 1, 1, 1]])
    axes = {0: "batch", 1: "sequence"}
    with warnings.catch_warnings(), torch.inference_mode():
        warnings.simplefilter("ignore")  # tracer warnings about python control flow on shapes
        # The TorchScript exporter: no onnxscript needed, and it exports BERT reliably.
        torch.onnx.export(
            model,
            (ids, mask),
            str(path),
            dynamo=False,
            input_names=["input_ids", "attention_mask"],
            output_names=["logits"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "logits": axes},
            opset_version=17,
        )
    return Path(path)


def build_int8_onnx(model, out_path: str | Path) -> Path:
    """Export ``model`` (fp32, on the CPU) to ONNX and quantise its weights to int8, atomically.

    Both steps write into a temporary folder beside ``out_path``; only the
    finished file is renamed into place, so a crash never leaves a half-written one.
    """
    require_onnx_backend()
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".onnx-build.", dir=out_path.parent))
    try:
        fp32_path = export_fp32_onnx(model, tmp / "model.onnx")
        int8_path = tmp / ONNX_FILE
        # The down-projections read GELU outputs with a long tail, which per-tensor
        # activation quantisation rounds badly; in fp32 they cost ~2% of the speed
        # and keep the F1 of the fp32 model. QUInt8 weights: QInt8 lost ~0.5-1 F1 on
        # PEYMA test (the u8*s8 kernels of AVX2 CPUs without VNNI can saturate).
        keep_fp32 = [n.name for n in onnx.load(str(fp32_path)).graph.node if FFN_OUTPUT_MATMUL.search(n.name)]
        root = logging.getLogger()
        level = root.level
        root.setLevel(max(level, logging.ERROR))  # the quantiser's advice to pre-process, on the root logger
        try:
            quantize_dynamic(str(fp32_path), str(int8_path), weight_type=QuantType.QUInt8, per_channel=True, nodes_to_exclude=keep_fp32)
        finally:
            root.setLevel(level)
        os.replace(int8_path, out_path)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return out_path


def inference_session(path: str | Path, threads: int | None = None):
    """An ORT session on the CPU with full graph optimisation and as many threads as torch uses."""
    ort = require_onnx_backend()
    import torch

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    # torch.get_num_threads() follows OMP_NUM_THREADS and torch.set_num_threads.
    options.intra_op_num_threads = threads or torch.get_num_threads()
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


class OnnxRunner:
    """Same call as `TorchRunner`: each sequence's label log-probabilities per piece, in input order.

    It runs one sequence at a time, whatever ``batch_size``: dynamic quantisation
    scales activations per tensor, so the rows of a batch (and its padding) would
    change each other's results, and a text's entities would depend on what it is
    batched with. On one CPU thread this is also faster than padded batches of
    32 (7.5 s against 9.4 s for 300 PEYMA test sentences).
    """

    def __init__(self, path: str | Path, threads: int | None = None):
        self.path = Path(path)
        self.session = inference_session(path, threads)

    @classmethod
    def from_model_folder(cls, name_or_path: str | Path, cache_dir: str | Path | None = None, threads: int | None = None) -> "OnnxRunner":
        path = onnx_model_path(name_or_path, cache_dir)
        try:
            return cls(path, threads)
        except Exception as err:  # noqa: BLE001 - ORT raises its own types (InvalidProtobuf, Fail, ...)
            # A truncated or corrupt cached file (a full disk, a copy cut short): build it again, once.
            warnings.warn(f"the cached ONNX model {path} could not be loaded ({type(err).__name__}); rebuilding it")
            path.unlink(missing_ok=True)
            return cls(onnx_model_path(name_or_path, cache_dir), threads)

    def __call__(self, sequences: Sequence[Sequence[int]], batch_size: int, pad_id: int):
        import numpy as np

        out = []
        for seq in sequences:
            ids = np.asarray([seq], dtype=np.int64)
            (logits,) = self.session.run(["logits"], {"input_ids": ids, "attention_mask": np.ones_like(ids)})
            shifted = logits[0] - logits[0].max(-1, keepdims=True)
            out.append(shifted - np.log(np.exp(shifted).sum(-1, keepdims=True)))  # log-softmax
        return out
