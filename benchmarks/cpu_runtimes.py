"""Why the ONNX int8 backend is what it is: other CPU runtimes on the same model and windows.

The bundled model alone (no normalising, no decoding), run by the Tagger's runners, on the windows the Tagger makes of
the shared sample article, one at a time, one thread, arms alternating in one process,
medians of ``--runs`` after a warm-up:

- ONNX Runtime, dynamic int8 as `farsiner.infer.onnx_backend` builds it (the default);
- ONNX Runtime fp32, the same export unquantised;
- ONNX Runtime fp32 after its BERT optimiser (fused LayerNorm, GELU), and that quantised too;
- ONNX Runtime with 4-bit block-quantised weights (MatMulNBits; needs ``onnx_ir``);
- PyTorch fp32, and PyTorch's own dynamic int8 (``torch.ao.quantization.quantize_dynamic``).

    OMP_NUM_THREADS=1 python benchmarks/cpu_runtimes.py [--runs 5]

It prints a table and writes it to benchmarks/cpu-runtimes-results.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # before torch is imported
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("FARSINER_SHARED_DATA", REPO.parent / "shared" / "data"))
ARTICLE = SHARED / "samples" / "qom-industrial-clusters.txt"
RESULTS = REPO / "benchmarks" / "cpu-runtimes-results.md"


def onnx_arms(model, folder: Path) -> dict[str, Path]:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model

    from farsiner.infer.onnx_backend import export_fp32_onnx, onnx_model_path
    from farsiner.infer.tagger import bundled_model_path

    arms = {"ONNX Runtime, dynamic int8 (farsiner's)": onnx_model_path(bundled_model_path())}
    fp32 = export_fp32_onnx(model, folder / "fp32.onnx")
    arms["ONNX Runtime, fp32"] = fp32
    fused = folder / "fused.onnx"
    optimize_model(str(fp32), model_type="bert", num_heads=model.config.num_attention_heads,
                   hidden_size=model.config.hidden_size, opt_level=1).save_model_to_file(str(fused))
    arms["ONNX Runtime, fp32, BERT fusions"] = fused
    fused_int8 = folder / "fused-int8.onnx"
    quantize_dynamic(str(fused), str(fused_int8), weight_type=QuantType.QUInt8, per_channel=True,
                     extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})
    arms["ONNX Runtime, BERT fusions + dynamic int8"] = fused_int8
    try:
        from onnxruntime.quantization.matmul_nbits_quantizer import DefaultWeightOnlyQuantConfig, MatMulNBitsQuantizer
    except ImportError as e:
        print(f"skipping MatMulNBits ({e}): pip install onnx_ir")
    else:
        nbits = folder / "nbits4.onnx"
        config = DefaultWeightOnlyQuantConfig(block_size=32, is_symmetric=True, accuracy_level=4, bits=4)
        quantizer = MatMulNBitsQuantizer(onnx.load(str(fp32)), algo_config=config)
        quantizer.process()
        quantizer.model.save_model_to_file(str(nbits), use_external_data_format=False)
        arms["ONNX Runtime, 4-bit weights (MatMulNBits)"] = nbits
    return arms


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(1)

    from farsiner.infer.model_folder import load_model_folder
    from farsiner.infer.onnx_backend import OnnxRunner
    from farsiner.infer.predict import TorchRunner
    from farsiner.infer.tagger import Tagger, bundled_model_path
    from farsiner.infer.windows import plan_windows

    model, tokenizer, settings = load_model_folder(bundled_model_path())
    tagger = Tagger(model, tokenizer, settings)
    text = ARTICLE.read_text(encoding="utf-8")
    windows = [w.input_ids for w in plan_windows(tagger._document(text), tokenizer, tagger.max_tokens, tagger.stride)]

    with tempfile.TemporaryDirectory() as tmp:
        # The Tagger's own runners, one window at a time (batch 1: no padding).
        runners = {name: OnnxRunner(path, threads=1) for name, path in onnx_arms(model, Path(tmp)).items()}
        runners["PyTorch fp32"] = TorchRunner(model)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch.ao's deprecation notice
            quantized = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)
        runners["PyTorch dynamic int8"] = TorchRunner(quantized)
        times: dict[str, list[float]] = {name: [] for name in runners}
        for run in runners.values():
            run(windows, 1, tokenizer.pad_token_id)  # warm-up
        for r in range(args.runs):
            for name, run in runners.items():
                start = time.perf_counter()
                run(windows, 1, tokenizer.pad_token_id)
                times[name].append(time.perf_counter() - start)
            print(f"run {r + 1}/{args.runs} done")

    ours = statistics.median(times["ONNX Runtime, dynamic int8 (farsiner's)"])
    lines = [
        "# The model alone on CPU: ONNX Runtime int8 against the other runtimes tried",
        "",
        f"The bundled model on the {len(windows)} windows ({sum(map(len, windows)):,} pieces) the Tagger makes of the shared "
        f"sample article, one window at a time, one thread, arms alternating in one process; medians of {args.runs} after a warm-up.",
        "",
        "| runtime | ms | × farsiner's |",
        "|---|---:|---:|",
    ]
    for name, ts in times.items():
        median = statistics.median(ts)
        lines.append(f"| {name} | {1000 * median:,.0f} | {median / ours:.2f} |")
    lines += [
        "",
        f"- machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end; "
        f"torch {torch.__version__}",
        "",
        "Command: `OMP_NUM_THREADS=1 python benchmarks/cpu_runtimes.py`",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    RESULTS.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
