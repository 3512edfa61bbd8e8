"""The PyTorch CPU reference of `npm run bench`: the course's models in PyTorch, trained the way the library trains them.

Run by `npm run bench -- --with-pytorch` with the torch of .venv-bench (scripts/bench/requirements.txt); prints one JSON
object on stdout. Standalone: .venv-bench/bin/python scripts/bench_pytorch.py [--quick] [--mnist DIR].

The same architectures, batch sizes, optimisers, losses and thread count as lib/src (see lib/src/models and
lib/src/training); the differences are only those of the two libraries' conventions:
- Layouts: tfjs is channels-last (NHWC), PyTorch channels-first (NCHW). The generator's dense layer is reshaped to
  [7, 7, 128] in tfjs and to [128, 7, 7] here: a permutation of the same units, the same cost.
- tfjs `padding: "same"` of a 4×4 kernel with stride 2 pads 1 on each side for these sizes (28→14→7), which is
  Conv2d(padding=1); a 4×4 stride-2 transposed convolution with "same" doubles the size, which is
  ConvTranspose2d(padding=1): (n − 1)·2 − 2 + 4 = 2n.
- Batch norm: tfjs's momentum m weights the old moving average, PyTorch's weights the new batch: tfjs 0.9 ↔ PyTorch
  0.1. tfjs's default epsilon is 1e-3 (PyTorch's 1e-5): 1e-3 here.
- Adam: tfjs's default epsilon is 1e-7 (PyTorch's 1e-8): 1e-7 here.
- Initialisation: Glorot uniform weights and zero biases, as the library's layers (it does not change the cost).
- Losses are written the idiomatic PyTorch way (binary_cross_entropy_with_logits, softplus); the values equal the
  library's formulas.
A step includes what the library's step does: the batch gathered from the rows, forward, backward, Adam's update and
reading the loss (or the step's statistics) back as Python numbers.
"""
import argparse
import gzip
import json
import math
import os
import platform
import resource
import statistics
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torch.nn.functional as F
except ImportError as error:
    sys.exit(f"bench_pytorch.py needs torch ({error}). `npm run bench -- --with-pytorch` installs torch 2.13.0 in .venv-bench and runs this script with it.")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes and counts: checks that the script runs")
    parser.add_argument("--only", default="matmul,autoencoder,vae,dcgan,cgan,pca")
    parser.add_argument("--matmul-size", type=int)
    parser.add_argument("--warmup", type=int, help="warm-up steps of matMul and training")
    parser.add_argument("--steps", type=int, help="timed steps at most")
    parser.add_argument("--min-steps", type=int)
    parser.add_argument("--budget", type=float, help="seconds after which the timed steps stop (once min-steps ran)")
    parser.add_argument("--matmul-budget", type=float)
    parser.add_argument("--max-step-seconds", type=float, help="a warm-up step longer than this ends the measurement")
    parser.add_argument("--batch-autoencoder", type=int)
    parser.add_argument("--batch-vae", type=int)
    parser.add_argument("--batch-gan", type=int)
    parser.add_argument("--gan-filters", type=int, help="f of the DCGAN pair")
    parser.add_argument("--pca-rows", type=int)
    parser.add_argument("--pca-fits", type=int)
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="torch.set_num_threads (default: all cores)")
    parser.add_argument("--mnist", help="folder with train-images-idx3-ubyte and train-labels-idx1-ubyte (else random rows)")
    args = parser.parse_args()
    full = dict(matmul_size=1024, warmup=3, steps=30, min_steps=3, budget=30.0, matmul_budget=15.0, max_step_seconds=60.0, batch_autoencoder=256,
                batch_vae=250, batch_gan=128, gan_filters=32, pca_rows=60000, pca_fits=3)
    quick = dict(matmul_size=128, warmup=1, steps=2, min_steps=2, budget=1.0, matmul_budget=1.0, max_step_seconds=10.0, batch_autoencoder=16,
                 batch_vae=16, batch_gan=4, gan_filters=8, pca_rows=1000, pca_fits=1)
    for key, value in (quick if args.quick else full).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


# ---------------------------------------------------------------- timing

def timing_of(warmup, seconds, cut=False):
    """As timingOf in scripts/bench/measure.ts: with `cut`, the figures are the last warm-up step's."""
    measured = seconds or warmup[-1:]
    timing = {
        "warmup": len(warmup), "steps": len(seconds), "seconds": [round(s, 6) for s in seconds],
        "medianSeconds": round(statistics.median(measured), 6), "meanSeconds": round(statistics.fmean(measured), 6),
        "minSeconds": round(min(measured), 6), "maxSeconds": round(max(measured), 6), "warmupSeconds": [round(s, 6) for s in warmup],
    }
    if cut:
        timing["note"] = f"stopped after warm-up step {len(warmup)} ({warmup[-1]:.1f} s, over maxStepSeconds): the figures are that one step's"
    return timing


def time_steps(step, args, budget):
    """args.warmup untimed calls of step(), then up to args.steps timed ones, stopping once args.min_steps ran and budget
    seconds passed, or after a warm-up step longer than args.max_step_seconds (as timeRepeated in scripts/bench/measure.ts)."""
    warm = []
    for _ in range(args.warmup):
        started = time.perf_counter()
        step()
        warm.append(time.perf_counter() - started)
        if warm[-1] > args.max_step_seconds:
            return timing_of(warm, [], cut=True)
    steps, min_steps = args.steps, args.min_steps
    seconds = []
    budget_started = time.perf_counter()
    while len(seconds) < steps:
        started = time.perf_counter()
        step()
        now = time.perf_counter()
        seconds.append(now - started)
        if len(seconds) >= min_steps and now - budget_started > budget:
            break
    return timing_of(warm, seconds)


def significant(value, digits=4):
    return float(f"{value:.{digits - 1}e}") if value and math.isfinite(value) else value


def throughput(measurement_id, timing, per_step, details):
    return {"id": measurement_id, "value": significant(per_step / timing["medianSeconds"]),
            "meanValue": significant(per_step / timing["meanSeconds"]), "timing": timing, "details": details}


# ---------------------------------------------------------------- data

def read_idx(path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).reshape(shape)


def load_rows(mnist_dir, rows):
    """The first `rows` MNIST training images as [rows, 784] floats in [0, 1] and their labels; random ones if unreadable."""
    if mnist_dir:
        for suffix in ("", ".gz"):
            images = os.path.join(mnist_dir, "train-images-idx3-ubyte" + suffix)
            labels = os.path.join(mnist_dir, "train-labels-idx1-ubyte" + suffix)
            if os.path.exists(images) and os.path.exists(labels):
                x = read_idx(images)[:rows].reshape(-1, 784).float().div_(255)
                y = read_idx(labels)[:rows].long()
                if x.shape[0] == rows:
                    return x, y, f"MNIST ({images})"
    generator = torch.Generator().manual_seed(1)
    return torch.rand(rows, 784, generator=generator), torch.randint(0, 10, (rows,), generator=generator), "random rows (MNIST not found)"


class Rows:
    """Shuffled batches of rows, reshuffled every pass, as the library's minibatches (one gather per step)."""

    def __init__(self, x, y, batch_size):
        self.x, self.y, self.batch_size = x, y, batch_size
        self.order, self.position = torch.randperm(x.shape[0]), 0

    def next(self):
        if self.position + self.batch_size > self.x.shape[0]:
            self.order, self.position = torch.randperm(self.x.shape[0]), 0
        index = self.order[self.position:self.position + self.batch_size]
        self.position += self.batch_size
        return self.x[index], self.y[index]


# ---------------------------------------------------------------- models (lib/src/models)

def glorot(module):
    for m in module.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
    return module


def dense_stack(sizes, activation):
    """sizes[0] → … → sizes[-1]: `activation` after every layer but the last (linear), as denseStack."""
    layers = []
    for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(activation())
    return glorot(nn.Sequential(*layers))


def batch_norm(kind, features):
    # tfjs batchNormalization({ momentum: 0.9 }) (GAN_BATCH_NORM_MOMENTUM) with its default epsilon 1e-3.
    return kind(features, momentum=0.1, eps=1e-3)


class DcganGenerator(nn.Module):
    """dcganGenerator: dense 7·7·128 (no bias) → BN → ReLU → [128, 7, 7] → deconv 64 4×4 s2 (no bias) → BN → ReLU → deconv 1 4×4 s2 → sigmoid → 784."""

    def __init__(self, inputs, f=64):
        super().__init__()
        self.f = f
        self.project = nn.Linear(inputs, 7 * 7 * 2 * f, bias=False)
        self.project_bn = batch_norm(nn.BatchNorm1d, 7 * 7 * 2 * f)
        self.deconv1 = nn.ConvTranspose2d(2 * f, f, 4, stride=2, padding=1, bias=False)
        self.deconv1_bn = batch_norm(nn.BatchNorm2d, f)
        self.deconv2 = nn.ConvTranspose2d(f, 1, 4, stride=2, padding=1)
        glorot(self)

    def forward(self, z):
        h = F.relu(self.project_bn(self.project(z))).view(-1, 2 * self.f, 7, 7)
        h = F.relu(self.deconv1_bn(self.deconv1(h)))
        return torch.sigmoid(self.deconv2(h)).flatten(1)


class DcganDiscriminator(nn.Module):
    """dcganDiscriminator: 28×28 → 2x − 1 (+ one-hot maps) → conv 64 4×4 s2 → LReLU 0.2 → conv 128 4×4 s2 (no bias) → BN → LReLU → dense 1."""

    def __init__(self, classes=0, f=64):
        super().__init__()
        self.classes = classes
        self.conv1 = nn.Conv2d(1 + classes, f, 4, stride=2, padding=1)
        self.conv2 = nn.Conv2d(f, 2 * f, 4, stride=2, padding=1, bias=False)
        self.conv2_bn = batch_norm(nn.BatchNorm2d, 2 * f)
        self.logit = nn.Linear(7 * 7 * 2 * f, 1)
        glorot(self)

    def forward(self, rows):
        n = rows.shape[0]
        x = rows[:, :784].reshape(n, 1, 28, 28) * 2 - 1
        if self.classes:
            # The one-hot code stacked behind the image as `classes` constant feature maps, as the tfjs model does.
            maps = rows[:, 784:].reshape(n, self.classes, 1, 1).expand(n, self.classes, 28, 28)
            x = torch.cat([x, maps], dim=1)
        h = F.leaky_relu(self.conv1(x), 0.2)
        h = F.leaky_relu(self.conv2_bn(self.conv2(h)), 0.2)
        return self.logit(h.flatten(1))


def count_parameters(*modules):
    return sum(p.numel() for m in modules for p in m.parameters())


def adam(parameters, lr, beta1=0.9):
    return torch.optim.Adam(parameters, lr=lr, betas=(beta1, 0.999), eps=1e-7)


# ---------------------------------------------------------------- measurements

def matmul(args, data):
    n = args.matmul_size
    generator = torch.Generator().manual_seed(1)
    a = torch.randn(n, n, generator=generator)
    b = torch.randn(n, n, generator=generator)

    def step():
        torch.mm(a, b)[0, 0].item()

    timing = time_steps(step, args, args.matmul_budget)
    return throughput("matmul", timing, 2 * n ** 3 * 1e-9, {"n": n, "note": "one torch.mm(a, b) and a 1×1 read-back per repetition"})


def autoencoder(args, data):
    """denseAutoencoder({ activation: 'elu', codeSize: 30 }) with trainAutoencoder's step: BCE from logits summed over pixels, mean over the batch."""
    batch = args.batch_autoencoder
    encoder = dense_stack([784, 1000, 500, 250, 30], nn.ELU)
    decoder = dense_stack([30, 250, 500, 1000, 784], nn.ELU)
    optimizer = adam(list(encoder.parameters()) + list(decoder.parameters()), 1e-3)
    rows = Rows(data[0], data[1], batch)

    def step():
        x, _ = rows.next()
        logits = decoder(encoder(x))
        loss = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / x.shape[0]
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        loss.item()

    timing = time_steps(step, args, args.budget)
    return throughput("autoencoder", timing, batch, {"batchSize": batch, "optimizer": "Adam 1e-3, eps 1e-7", "parameters": count_parameters(encoder, decoder)})


def vae(args, data):
    """mlpVae (784-500-500-[μ, log σ²] of 50, tanh; Bernoulli decoder with the mean image's logits as output bias) with trainVae's step."""
    batch = args.batch_vae
    latent = 50
    encoder = dense_stack([784, 500, 500, 2 * latent], nn.Tanh)
    decoder = dense_stack([latent, 500, 500, 784], nn.Tanh)
    with torch.no_grad():
        m = data[0].mean(0).clamp(0.001, 0.999)
        decoder[-1].bias.copy_(torch.log(m / (1 - m)))
    optimizer = adam(list(encoder.parameters()) + list(decoder.parameters()), 1e-3)
    rows = Rows(data[0], data[1], batch)

    def step():
        probabilities, _ = rows.next()
        x = (torch.rand_like(probabilities) < probabilities).float()  # dynamic binarization, as binarize()
        mu, log_var = encoder(x).chunk(2, dim=1)
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
        logits = decoder(z)
        reconstruction = -F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
        kl = 0.5 * (mu.square() + log_var.exp() - 1 - log_var).sum(1)
        elbo = reconstruction - kl
        loss = -elbo.mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        # trainVae reads four numbers per step: ELBO, reconstruction, KL, loss.
        torch.stack([elbo.mean(), reconstruction.mean(), kl.mean(), loss]).tolist()

    timing = time_steps(step, args, args.budget)
    return throughput("vae", timing, batch, {"batchSize": batch, "optimizer": "Adam 1e-3, eps 1e-7", "parameters": count_parameters(encoder, decoder)})


class keeping_statistics:
    """Puts back a model's batch-norm moving statistics after the block, as the library's keepingStatistics does."""

    def __init__(self, model):
        self.model = model

    def __enter__(self):
        self.saved = [b.clone() for b in self.model.buffers()]

    def __exit__(self, *exc):
        with torch.no_grad():
            for buffer, saved in zip(self.model.buffers(), self.saved):
                buffer.copy_(saved)


def dcgan(args, data, conditional):
    """ganStep: D's update on a real batch and a batch of fakes (separate passes), then G's update on fresh z (non-saturating)."""
    batch = args.batch_gan
    classes = 10 if conditional else 0
    latent = 100
    generator = DcganGenerator(latent + classes, f=args.gan_filters)
    discriminator = DcganDiscriminator(classes, f=args.gan_filters)
    d_optimizer = adam(discriminator.parameters(), 2e-4, beta1=0.5)
    g_optimizer = adam(generator.parameters(), 2e-4, beta1=0.5)
    rows = Rows(data[0], data[1], batch)

    def conditioned(t, one_hot):
        return torch.cat([t, one_hot], dim=1) if conditional else t

    def step():
        real, labels = rows.next()
        one_hot = F.one_hot(labels, 10).float() if conditional else None
        # The discriminator's update: fakes from G in training mode, outside the gradient; G's statistics kept.
        with torch.no_grad(), keeping_statistics(generator):
            fake = generator(conditioned(torch.randn(batch, latent), one_hot))
        real_logits = discriminator(conditioned(real, one_hot))
        fake_logits = discriminator(conditioned(fake, one_hot))
        d_loss = F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()
        d_optimizer.zero_grad(set_to_none=True)
        d_loss.backward()
        d_optimizer.step()
        d_stats = torch.stack([d_loss.detach(), torch.sigmoid(real_logits).mean().detach(), torch.sigmoid(fake_logits).mean().detach()])
        # The generator's update through D (in training mode, its statistics kept); only G's weights get gradients.
        discriminator.requires_grad_(False)
        try:
            with keeping_statistics(discriminator):
                logits = discriminator(conditioned(generator(conditioned(torch.randn(batch, latent), one_hot)), one_hot))
                g_loss = F.softplus(-logits).mean()
                g_optimizer.zero_grad(set_to_none=True)
                g_loss.backward()
                g_optimizer.step()
        finally:
            discriminator.requires_grad_(True)
        # ganStep reads its four numbers once, at the end.
        torch.cat([d_stats, g_loss.detach().reshape(1)]).tolist()

    timing = time_steps(step, args, args.budget)
    result = throughput("cgan" if conditional else "dcgan", timing, 1, {
        "batchSize": batch, "filters": args.gan_filters, "optimizer": "Adam 2e-4, betas (0.5, 0.999), eps 1e-7, one per network",
        "samplesPerSecond": significant(batch / timing["medianSeconds"]),
        "parameters": {"generator": count_parameters(generator), "discriminator": count_parameters(discriminator)},
    })
    return result


def pca(args, data):
    """fitPca: mean and covariance (1/n) in float32, then the 784×784 symmetric eigendecomposition in float64, largest first."""
    x = data[0][:args.pca_rows]

    def fit(rows):
        mean = rows.mean(0)
        centred = rows - mean
        covariance = centred.T @ centred / rows.shape[0]
        values, vectors = torch.linalg.eigh(covariance.double())
        return values.flip(0), vectors.flip(1).float().T.contiguous()

    warmup = []
    if not args.quick:  # as the plan's pcaWarmup
        warm_started = time.perf_counter()
        fit(x[:min(1000, x.shape[0])])
        warmup.append(time.perf_counter() - warm_started)
    seconds = []
    for _ in range(args.pca_fits):
        started = time.perf_counter()
        fit(x)
        seconds.append(time.perf_counter() - started)
    timing = timing_of(warmup, seconds)
    return {"id": "pca", "value": round(timing["medianSeconds"], 3), "meanValue": round(timing["meanSeconds"], 3), "timing": timing,
            "details": {"rows": x.shape[0], "columns": 784, "fits": args.pca_fits, "method": "covariance by matmul (float32), torch.linalg.eigh (float64)"}}


MEASUREMENTS = {
    "matmul": matmul, "autoencoder": autoencoder, "vae": vae,
    "dcgan": lambda args, data: dcgan(args, data, False), "cgan": lambda args, data: dcgan(args, data, True), "pca": pca,
}


def main():
    args = parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(1)
    selected = [name for name in args.only.split(",") if name]
    unknown = [name for name in selected if name not in MEASUREMENTS]
    if unknown:
        sys.exit(f"bench_pytorch.py: unknown measurement(s) {', '.join(unknown)}; choose from {', '.join(MEASUREMENTS)}")
    rows = max(args.pca_rows if "pca" in selected else 0, args.batch_autoencoder, args.batch_vae, args.batch_gan, 1000)
    data = load_rows(args.mnist, rows)
    measurements = {}
    for name in selected:
        print(f"[bench pytorch] {name}", file=sys.stderr, flush=True)
        try:
            measurements[name] = MEASUREMENTS[name](args, data)
        except Exception as error:  # one failure must not lose the other figures
            measurements[name] = {"id": name, "skipped": f"failed: {type(error).__name__}: {error}"}
    # ru_maxrss is in KiB on Linux, in bytes on macOS.
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    measurements["peakMemory"] = {"id": "peakMemory", "value": round(peak), "details": {"source": "getrusage(RUSAGE_SELF).ru_maxrss of the script's process"}}
    print(json.dumps({
        "torch": torch.__version__,
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
        "interopThreads": torch.get_num_interop_threads(),
        "parallelInfo": torch.__config__.parallel_info(),
        "mkldnn": torch.backends.mkldnn.is_available(),
        "data": data[2],
        "quick": args.quick,
        "measurements": measurements,
    }))


if __name__ == "__main__":
    main()
