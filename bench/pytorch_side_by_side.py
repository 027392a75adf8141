#!/usr/bin/python3
"""PyTorch side by side with `peft-lab bench`: the same configurations, interleaved, on this machine.

Optional and not part of CI. It needs Debian's PyTorch (`apt-get install python3-torch
libopenblas0-openmp`); transformers and peft are not packaged there, so the GPT-2 and T5 below are
written out in plain torch (nanoGPT's layout; T5 as transformers' modeling_t5) with the shapes, the
initialisation scale, dropout, LoRA setting (r=8, alpha=16 on c_attn / q,v) and AdamW of
`peft-lab bench` (bench/workloads.ts, bench/t5Workloads.ts, plugins/lora/benchCases.ts).

Each measurement runs in its own process, so peak RSS is that configuration's alone; for every round
the script runs peft-lab then PyTorch on each configuration, and reports the median tokens/s over the
rounds, so drift in the machine's speed hits both sides alike. Around every measurement it records the
load average and the share of the CPU other processes used; rerun when that share reached 10%.

    /usr/bin/python3 bench/pytorch_side_by_side.py           # every configuration, 3 rounds
    /usr/bin/python3 bench/pytorch_side_by_side.py --rounds 5 --only gpt2-base-lora-train,gpt2-base-generate-b1
    /usr/bin/python3 bench/pytorch_side_by_side.py --out runs/side-by-side.json   # also the raw measurements

(Debian's python3, where python3-torch installs; another python3 first on PATH may not see it.)

Debian's torch links the reference BLAS and is ~40x slower unless OpenBLAS comes first on the library
path: the PyTorch children get LD_LIBRARY_PATH=/usr/lib/<arch>/openblas-openmp and, because OpenBLAS
0.3.21 misdetects these CPUs, OPENBLAS_CORETYPE=SkylakeX (AVX-512) or Haswell (AVX2) unless set.
"""

import argparse
import importlib.util
import json
import math
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
THREADS = 2
# As src/util/machineLoad.ts: from this share of the CPU used by other processes, a timing is taken under load.
BUSY_CPU_SHARE = 0.1

# The shapes of bench/workloads.ts (GPT-2) and bench/t5Workloads.ts (T5).
GPT2_CONFIGS = {
    "small": dict(n_layer=2, n_embd=128, n_head=4, vocab_size=4096, seq=64, batch=8),
    "base": dict(n_layer=4, n_embd=256, n_head=4, vocab_size=8192, seq=128, batch=8),
    "gpt2": dict(n_layer=12, n_embd=768, n_head=12, vocab_size=50257, seq=128, batch=8),
}
T5_CONFIGS = {
    "small": dict(num_layers=2, num_decoder_layers=2, d_model=128, d_ff=256, d_kv=32, num_heads=4, vocab_size=4096, seq=64, batch=8),
    "base": dict(num_layers=3, num_decoder_layers=3, d_model=256, d_ff=512, d_kv=64, num_heads=4, vocab_size=8192, seq=128, batch=8),
    "t5-small": dict(num_layers=6, num_decoder_layers=6, d_model=512, d_ff=2048, d_kv=64, num_heads=8, vocab_size=32128, seq=128, batch=8),
}

# name -> (model type, config, kind, method or generation batch); the table plus T5.
CASES = {
    "gpt2-base-lora-train": ("gpt2", "base", "train", "lora"),
    "gpt2-base-full-train": ("gpt2", "base", "train", "full"),
    "gpt2-small-lora-train": ("gpt2", "small", "train", "lora"),
    "gpt2-base-generate-b1": ("gpt2", "base", "generate", 1),
    "gpt2-base-generate-b8": ("gpt2", "base", "generate", 8),
    "t5-base-lora-train": ("t5", "base", "train", "lora"),
    "t5-base-full-train": ("t5", "base", "train", "full"),
    "t5-base-generate-b1": ("t5", "base", "generate", 1),
    "t5-base-generate-b8": ("t5", "base", "generate", 8),
}

TRAIN_STEPS, TRAIN_WARMUP = 10, 2
# Generation runs are short (tens of ms at batch 1): 20 of them after one warm-up keep the median steady.
GEN_RUNS, GEN_WARMUP, PROMPT_TOKENS, NEW_TOKENS = 20, 1, 16, 32


# ----------------------------------------------------------------------------------------------
# The machine


def isa():
    flags = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = line
                    break
    except OSError:
        pass
    return "AVX-512" if " avx512f" in flags else "AVX2" if " avx2" in flags else "generic"


def load1():
    return os.getloadavg()[0]


def cpu_ticks():
    """All CPUs' busy and total time from /proc/stat, in seconds (None where there is no /proc)."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return None
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    hz = os.sysconf("SC_CLK_TCK")
    busy = user + nice + system + irq + softirq + steal
    return busy / hz, (busy + idle + iowait) / hz


def children_cpu():
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def torch_env():
    env = dict(os.environ)
    arch = platform.machine() + "-linux-gnu"
    lib = f"/usr/lib/{arch}/openblas-openmp"
    if os.path.isdir(lib):
        env["LD_LIBRARY_PATH"] = lib + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    if "OPENBLAS_CORETYPE" not in env:
        env["OPENBLAS_CORETYPE"] = "SkylakeX" if isa() == "AVX-512" else "Haswell"
    env["OMP_NUM_THREADS"] = str(THREADS)
    return env


# ----------------------------------------------------------------------------------------------
# Models (imported lazily: the parent process never loads torch)


def build_models():
    import torch
    import torch.nn as nn
    import torch.nn.functional as F

    class LoraLinear(nn.Module):
        """peft's LoRA on a frozen linear layer: W x + (alpha / r) * B A dropout(x), B starting at zero."""

        def __init__(self, base, r=8, alpha=16):
            super().__init__()
            self.base = base
            for p in base.parameters():
                p.requires_grad_(False)
            self.lora_A = nn.Parameter(torch.empty(r, base.in_features))
            nn.init.kaiming_uniform_(self.lora_A, a=math.sqrt(5))
            self.lora_B = nn.Parameter(torch.zeros(base.out_features, r))
            self.scaling = alpha / r

        def forward(self, x):
            return self.base(x) + (x @ self.lora_A.t() @ self.lora_B.t()) * self.scaling

    # -- GPT-2, nanoGPT's layout with HF's parameter names; attention written out (torch 1.13 has no SDPA)

    class Gpt2Attention(nn.Module):
        def __init__(self, c, dropout):
            super().__init__()
            self.n_head, self.n_embd = c["n_head"], c["n_embd"]
            self.c_attn = nn.Linear(self.n_embd, 3 * self.n_embd)
            self.c_proj = nn.Linear(self.n_embd, self.n_embd)
            self.attn_dropout, self.resid_dropout = nn.Dropout(dropout), nn.Dropout(dropout)

        def forward(self, x, cache=None):
            B, T, C = x.shape
            q, k, v = self.c_attn(x).split(C, dim=2)
            heads = lambda t: t.view(B, T, self.n_head, C // self.n_head).transpose(1, 2)  # [B, H, T, D]
            q, k, v = heads(q), heads(k), heads(v)
            if cache is not None:
                if "k" in cache:
                    k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
                cache["k"], cache["v"] = k, v
            S = k.shape[2]
            att = (q @ k.transpose(-2, -1)) / math.sqrt(k.shape[-1])  # [B, H, T, S]
            if T > 1:
                mask = torch.ones(T, S, dtype=torch.bool).tril(S - T)
                att = att.masked_fill(~mask, float("-inf"))
            att = self.attn_dropout(F.softmax(att, dim=-1))
            y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
            return self.resid_dropout(self.c_proj(y))

    class Gpt2Block(nn.Module):
        def __init__(self, c, dropout):
            super().__init__()
            self.ln_1, self.ln_2 = nn.LayerNorm(c["n_embd"]), nn.LayerNorm(c["n_embd"])
            self.attn = Gpt2Attention(c, dropout)
            self.c_fc = nn.Linear(c["n_embd"], 4 * c["n_embd"])
            self.mlp_proj = nn.Linear(4 * c["n_embd"], c["n_embd"])
            self.mlp_dropout = nn.Dropout(dropout)

        def forward(self, x, cache=None):
            x = x + self.attn(self.ln_1(x), cache)
            return x + self.mlp_dropout(self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh")))

    class Gpt2(nn.Module):
        def __init__(self, c, dropout):
            super().__init__()
            self.wte = nn.Embedding(c["vocab_size"], c["n_embd"])
            self.wpe = nn.Embedding(max(1024, c["seq"]), c["n_embd"])
            self.drop = nn.Dropout(dropout)
            self.h = nn.ModuleList(Gpt2Block(c, dropout) for _ in range(c["n_layer"]))
            self.ln_f = nn.LayerNorm(c["n_embd"])
            for name, p in self.named_parameters():  # HF's init: normal(0, 0.02), norms at 1/0
                if not name.endswith("bias") and "ln_" not in name:
                    nn.init.normal_(p, 0.0, 0.02)
                elif name.endswith("bias"):
                    nn.init.zeros_(p)

        def forward(self, ids, caches=None, past=0):
            T = ids.shape[1]
            x = self.drop(self.wte(ids) + self.wpe(torch.arange(past, past + T)))  # [B, T, C]
            for i, block in enumerate(self.h):
                x = block(x, caches[i] if caches is not None else None)
            return self.ln_f(x) @ self.wte.weight.t()  # [B, T, V], the head tied to the embedding

        def lora(self):
            for p in self.parameters():
                p.requires_grad_(False)
            for block in self.h:
                block.attn.c_attn = LoraLinear(block.attn.c_attn)

        def loss(self, batch):
            logits = self(batch["ids"])
            return F.cross_entropy(logits[:, :-1].reshape(-1, logits.shape[-1]), batch["ids"][:, 1:].reshape(-1))

        def generate(self, prompt, new_tokens):
            caches = [dict() for _ in self.h]
            logits = self(prompt, caches)
            out, past = [], prompt.shape[1]
            for _ in range(new_tokens):
                nxt = logits[:, -1].argmax(-1, keepdim=True)
                out.append(nxt)
                logits = self(nxt, caches, past)
                past += 1
            return torch.cat(out, 1)

    # -- T5 as transformers' modeling_t5: RMS norm without bias, no attention scaling, relative
    #    position bias in each stack's first layer, relu feed-forward, tied head scaled by d_model^-0.5

    def relative_bucket(rel, bidirectional, num_buckets=32, max_distance=128):
        buckets = torch.zeros_like(rel)
        if bidirectional:
            num_buckets //= 2
            buckets += (rel > 0).long() * num_buckets
            rel = rel.abs()
        else:
            rel = -torch.clamp(rel, max=0)
        max_exact = num_buckets // 2
        large = max_exact + (torch.log(rel.float() / max_exact + 1e-20) / math.log(max_distance / max_exact) * (num_buckets - max_exact)).long()
        large = torch.clamp(large, max=num_buckets - 1)
        return buckets + torch.where(rel < max_exact, rel, large)

    class T5Norm(nn.Module):
        def __init__(self, d):
            super().__init__()
            self.weight = nn.Parameter(torch.ones(d))

        def forward(self, x):
            return self.weight * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6)

    class T5Attention(nn.Module):
        def __init__(self, c, has_bias, bidirectional):
            super().__init__()
            self.h, self.dk = c["num_heads"], c["d_kv"]
            inner = self.h * self.dk
            self.q, self.k = nn.Linear(c["d_model"], inner, bias=False), nn.Linear(c["d_model"], inner, bias=False)
            self.v, self.o = nn.Linear(c["d_model"], inner, bias=False), nn.Linear(inner, c["d_model"], bias=False)
            self.bidirectional = bidirectional
            self.relative_attention_bias = nn.Embedding(32, self.h) if has_bias else None

        def bias(self, T, S, past):
            ctx = torch.arange(past, past + T)[:, None]
            mem = torch.arange(S)[None, :]
            b = self.relative_attention_bias(relative_bucket(mem - ctx, self.bidirectional))  # [T, S, H]
            return b.permute(2, 0, 1).unsqueeze(0)  # [1, H, T, S]

        def forward(self, x, kv=None, bias=None, mask=None, cache=None, cross=False):
            B, T, _ = x.shape
            heads = lambda t: t.view(B, -1, self.h, self.dk).transpose(1, 2)  # [B, H, T, D]
            q = heads(self.q(x))
            if cross and cache is not None and "k" in cache:
                k, v = cache["k"], cache["v"]
            else:
                src = kv if cross else x
                k, v = heads(self.k(src)), heads(self.v(src))
                if cache is not None and not cross and "k" in cache:
                    k, v = torch.cat([cache["k"], k], 2), torch.cat([cache["v"], v], 2)
                if cache is not None:
                    cache["k"], cache["v"] = k, v
            scores = q @ k.transpose(-2, -1)  # [B, H, T, S]
            if bias is not None:
                scores = scores + bias
            if mask is not None:
                scores = scores.masked_fill(~mask, float("-inf"))
            y = (F.softmax(scores.float(), dim=-1) @ v).transpose(1, 2).reshape(B, T, self.h * self.dk)
            return self.o(y)

    class T5Layer(nn.Module):
        def __init__(self, c, first, decoder, dropout):
            super().__init__()
            self.self_norm, self.ff_norm = T5Norm(c["d_model"]), T5Norm(c["d_model"])
            self.self_attn = T5Attention(c, first, not decoder)
            self.cross_norm = T5Norm(c["d_model"]) if decoder else None
            self.cross_attn = T5Attention(c, False, False) if decoder else None
            self.wi, self.wo = nn.Linear(c["d_model"], c["d_ff"], bias=False), nn.Linear(c["d_ff"], c["d_model"], bias=False)
            self.drop = nn.Dropout(dropout)

        def forward(self, x, bias, mask=None, enc=None, cache=None):
            x = x + self.drop(self.self_attn(self.self_norm(x), bias=bias, mask=mask, cache=cache and cache["self"]))
            if self.cross_attn is not None:
                x = x + self.drop(self.cross_attn(self.cross_norm(x), kv=enc, cache=cache and cache["cross"], cross=True))
            return x + self.drop(self.wo(self.drop(F.relu(self.wi(self.ff_norm(x))))))

    class T5(nn.Module):
        def __init__(self, c, dropout):
            super().__init__()
            self.c = c
            self.shared = nn.Embedding(c["vocab_size"], c["d_model"])
            self.encoder = nn.ModuleList(T5Layer(c, i == 0, False, dropout) for i in range(c["num_layers"]))
            self.decoder = nn.ModuleList(T5Layer(c, i == 0, True, dropout) for i in range(c["num_decoder_layers"]))
            self.enc_norm, self.dec_norm = T5Norm(c["d_model"]), T5Norm(c["d_model"])
            self.drop = nn.Dropout(dropout)
            d, dk, h, ff = c["d_model"], c["d_kv"], c["num_heads"], c["d_ff"]
            for name, p in self.named_parameters():  # T5PreTrainedModel._init_weights
                if name.endswith("norm.weight"):
                    continue
                if name == "shared.weight":
                    std = 1.0
                elif name.endswith(("q.weight",)):
                    std = (d * dk) ** -0.5
                elif name.endswith(("k.weight", "v.weight")):
                    std = d**-0.5
                elif name.endswith("o.weight"):
                    std = (h * dk) ** -0.5
                elif name.endswith("wi.weight"):
                    std = d**-0.5
                elif name.endswith("wo.weight"):
                    std = ff**-0.5
                else:
                    std = d**-0.5
                nn.init.normal_(p, 0.0, std)

        def encode(self, ids):
            x = self.drop(self.shared(ids))  # [B, S, d]
            bias = self.encoder[0].self_attn.bias(ids.shape[1], ids.shape[1], 0)
            for layer in self.encoder:
                x = layer(x, bias)
            return self.drop(self.enc_norm(x))

        def decode(self, ids, enc, caches=None, past=0):
            T = ids.shape[1]
            S = past + T
            x = self.drop(self.shared(ids))
            bias = self.decoder[0].self_attn.bias(T, S, past)
            mask = torch.ones(T, S, dtype=torch.bool).tril(S - T) if T > 1 else None
            for i, layer in enumerate(self.decoder):
                x = layer(x, bias, mask, enc, caches[i] if caches is not None else None)
            x = self.drop(self.dec_norm(x)) * self.c["d_model"] ** -0.5
            return x @ self.shared.weight.t()  # [B, T, V]

        def lora(self):
            for p in self.parameters():
                p.requires_grad_(False)
            for layer in [*self.encoder, *self.decoder]:
                for attn in [layer.self_attn, layer.cross_attn]:
                    if attn is not None:
                        attn.q, attn.v = LoraLinear(attn.q), LoraLinear(attn.v)

        def loss(self, batch):
            labels = batch["labels"]
            start = torch.zeros(labels.shape[0], 1, dtype=labels.dtype)
            logits = self.decode(torch.cat([start, labels[:, :-1]], 1), self.encode(batch["ids"]))
            return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1))

        def generate(self, prompt, new_tokens):
            enc = self.encode(prompt)
            caches = [{"self": {}, "cross": {}} for _ in self.decoder]
            nxt = torch.zeros(prompt.shape[0], 1, dtype=torch.long)
            out = []
            for past in range(new_tokens):
                nxt = self.decode(nxt, enc, caches, past)[:, -1].argmax(-1, keepdim=True)
                out.append(nxt)
            return torch.cat(out, 1)

    return torch, Gpt2, T5


# ----------------------------------------------------------------------------------------------
# One PyTorch measurement (in a child process)


def torch_measure(case):
    torch, Gpt2, T5 = build_models()
    torch.set_num_threads(THREADS)
    torch.manual_seed(1)
    model_type, config, kind, arg = CASES[case]
    c = (GPT2_CONFIGS if model_type == "gpt2" else T5_CONFIGS)[config]
    Model = Gpt2 if model_type == "gpt2" else T5
    times = []
    if kind == "train":
        model = Model(c, dropout=0.1)
        if arg == "lora":
            model.lora()
        model.train()
        params = [p for p in model.parameters() if p.requires_grad]
        opt = torch.optim.AdamW(params, lr=1e-4, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0)
        targets = max(1, c["seq"] // 2)
        tokens = c["batch"] * (c["seq"] + (targets if model_type == "t5" else 0))
        for i in range(TRAIN_WARMUP + TRAIN_STEPS):
            batch = {"ids": torch.randint(0, c["vocab_size"], (c["batch"], c["seq"])), "labels": torch.randint(0, c["vocab_size"], (c["batch"], targets))}
            t0 = time.perf_counter()
            loss = model.loss(batch)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            loss.item()
            if i >= TRAIN_WARMUP:
                times.append(time.perf_counter() - t0)
        tokens_per_s = tokens / statistics.median(times)
        detail = {"trainable": sum(p.numel() for p in params), "tokens_per_step": tokens}
    else:
        model = Model(c, dropout=0.0).eval()
        with torch.inference_mode():
            for i in range(GEN_WARMUP + GEN_RUNS):
                prompt = torch.randint(0, c["vocab_size"], (arg, PROMPT_TOKENS))
                t0 = time.perf_counter()
                out = model.generate(prompt, NEW_TOKENS)
                if i >= GEN_WARMUP:
                    times.append(time.perf_counter() - t0)
                assert out.shape == (arg, NEW_TOKENS)
        tokens_per_s = arg * NEW_TOKENS / statistics.median(times)
        detail = {"batch": arg, "prompt_tokens": PROMPT_TOKENS, "new_tokens": NEW_TOKENS}
    return {
        "tokens_per_s": round(tokens_per_s),
        "step_ms": round(1000 * statistics.median(times), 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "backend": f"torch {torch.__version__}, {torch.get_num_threads()} threads",
        "detail": detail,
    }


# ----------------------------------------------------------------------------------------------
# The interleaved run (parent process)


def peft_lab_command(case):
    model_type, config, kind, arg = CASES[case]
    cmd = ["node", os.path.join(ROOT, "bin", "peft-lab.mjs"), "bench", kind, "--model-type", model_type, "--config", config]
    if kind == "train":
        return cmd + ["--method", arg, "--steps", str(TRAIN_STEPS), "--warmup", str(TRAIN_WARMUP)]
    # One warm-up run, as GEN_WARMUP here (bench generate's default; it takes no --warmup).
    return cmd + ["--batch", str(arg), "--runs", str(GEN_RUNS), "--new-tokens", str(NEW_TOKENS), "--prompt-tokens", str(PROMPT_TOKENS)]


def run_json(cmd, env=None):
    """Runs one measurement; records the load average and the share of the CPU other processes used
    meanwhile (the machine's busy time less the measurement's own), as peft-lab's results do."""
    before, ticks0, own0 = load1(), cpu_ticks(), children_cpu()
    p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed (exit {p.returncode}):\n{p.stderr.strip()[-2000:]}")
    ticks1, own = cpu_ticks(), children_cpu() - own0
    r = json.loads(p.stdout.strip().splitlines()[-1])
    r["load_before"], r["load_after"] = before, load1()
    if ticks0 and ticks1 and ticks1[1] > ticks0[1]:
        r["others_cpu_share"] = round(min(1.0, max(0.0, (ticks1[0] - ticks0[0] - own) / (ticks1[1] - ticks0[1]))), 3)
    return r


def summarize(case, runs):
    side = lambda who, key: statistics.median(r[who][key] for r in runs)
    ours, theirs = side("peft_lab", "tokens_per_s"), side("pytorch", "tokens_per_s")
    return {
        "case": case,
        "peft_lab_tokens_per_s": round(ours),
        "pytorch_tokens_per_s": round(theirs),
        "ratio": round(ours / theirs, 2),
        "peft_lab_peak_rss_mb": max(r["peft_lab"]["peak_rss_mb"] for r in runs),
        "pytorch_peak_rss_mb": max(r["pytorch"]["peak_rss_mb"] for r in runs),
        "max_load": round(max(max(r[w]["load_before"], r[w]["load_after"]) for r in runs for w in ("peft_lab", "pytorch")), 2),
        "max_others_cpu_share": max((r[w].get("others_cpu_share", 0.0) for r in runs for w in ("peft_lab", "pytorch")), default=0.0),
    }


def table(rows, machine):
    lines = [
        f"Interleaved on {machine['cpu']} ({machine['isa']}), {THREADS} threads each; medians over {machine['rounds']} rounds.",
        "",
        "| configuration | peft-lab tok/s | PyTorch tok/s | ratio | peak RSS peft-lab / PyTorch (MB) | others' CPU, max | load avg, max |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in rows:
        lines.append(
            f"| {r['case']} | {r['peft_lab_tokens_per_s']:,} | {r['pytorch_tokens_per_s']:,} | {r['ratio']:.2f}× "
            f"| {r['peft_lab_peak_rss_mb']:.0f} / {r['pytorch_peak_rss_mb']:.0f} | {100 * r['max_others_cpu_share']:.0f}% | {r['max_load']:.2f} |"
        )
    return "\n".join(lines)


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds per configuration (default 3)")
    ap.add_argument("--only", default="", help=f"comma-separated subset of: {', '.join(CASES)}")
    ap.add_argument("--out", default="", help="also write the raw measurements and the table as JSON here")
    ap.add_argument("--torch-one", default="", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.torch_one:
        print(json.dumps(torch_measure(a.torch_one)))
        return
    if importlib.util.find_spec("torch") is None:
        raise SystemExit(f"no PyTorch for {sys.executable}: install Debian's python3-torch and run this with /usr/bin/python3")
    cases = [c for c in a.only.split(",") if c] or list(CASES)
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        raise SystemExit(f"--only: unknown configuration {', '.join(unknown)}; valid: {', '.join(CASES)}")
    if a.rounds < 1:
        raise SystemExit(f"--rounds must be at least 1, got {a.rounds}")
    env = torch_env()
    raw = {c: [] for c in cases}
    for rnd in range(a.rounds):
        for c in cases:
            ours = run_json(peft_lab_command(c))
            theirs = run_json([sys.executable, os.path.abspath(__file__), "--torch-one", c], env)
            raw[c].append({"peft_lab": ours, "pytorch": theirs})
            print(f"round {rnd + 1}/{a.rounds} {c}: peft-lab {ours['tokens_per_s']:,} tok/s, PyTorch {theirs['tokens_per_s']:,} (load {theirs['load_after']:.2f})", file=sys.stderr)
    machine = {"cpu": cpu_name(), "isa": isa(), "rounds": a.rounds, "threads": THREADS, "cores": os.cpu_count()}
    rows = [summarize(c, raw[c]) for c in cases]
    text = table(rows, machine)
    print(text)
    # The load average counts the measured process's own threads; the CPU share of other processes does not.
    if any(r["max_others_cpu_share"] >= BUSY_CPU_SHARE for r in rows):
        print(f"\nOther processes used {100 * BUSY_CPU_SHARE:.0f}% or more of the CPU during some measurements: rerun on an idle machine.")
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"machine": machine, "rows": rows, "raw": raw, "table": text}, f, indent=1)


if __name__ == "__main__":
    main()
