"""A small linear-model core: hashed n-gram features and logistic regression in numpy.

Shared by the learned components (reportable-event detection, sub-event typing). Why linear
models over hashed n-grams: they score a sentence in tens of microseconds on one core, train
in seconds from a thousand labels, and their weights fit in a few hundred kilobytes, so they
ship in the package (``data/models/``) and load on first use; nothing is downloaded.

Pieces:
- ``Featurizer``: word 1-2-grams (optionally character n-grams) hashed into ``2**n_bits``
  slots with CRC-32 (stable across runs and machines, unlike ``hash()``), plus named extra
  features (``{"old_date": 1.0}``) hashed the same way under a ``x=`` prefix.
- ``train``: binary (sigmoid) or multinomial (softmax) logistic regression with L2,
  L-BFGS from scipy when it is installed, plain gradient descent with momentum otherwise.
- ``LinearModel``: scores features; ``save``/``load`` keep only the slots seen in training,
  weights quantised to int8 with one scale per class (a model of 30,000 used slots is about
  150 KB compressed).
"""

from __future__ import annotations

import io
import json
import math
import re
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Where the package's trained models live (one ``<name>.npz`` each).
MODELS_DIR = Path(__file__).parent / "data" / "models"
# Format tag written into each model file; bumped when the layout changes.
FORMAT = "frontlines-linear/1"

_YEAR_RE = re.compile(r"(?<!\w)(?:1[89]|20)\d\d(?!\w)")
_NUMBER_RE = re.compile(r"(?<![a-z])\d[\d,.]*")
_WORD_RE = re.compile(r"\w+")
# any digit that the number patterns could rewrite (both match ``\d`` only)
_DIGIT_RE = re.compile(r"\d")


def tokens(text: str, lowercase: bool = True) -> list[str]:
    """Word tokens of ``text`` (runs of letters and digits; "Syria's" is "syria", "s");
    numbers become ``_year_`` (1800-2099) or ``_num_`` so that a model learns "killed _num_"
    once, not one weight per figure. Regular expressions only (no Python loop per
    character): tokenising is most of the cost of scoring a sentence."""
    t = text.lower() if lowercase else text
    if _DIGIT_RE.search(t):  # (a Python test of each character cost more than the rest)
        t = _NUMBER_RE.sub(" _num_ ", _YEAR_RE.sub(" _year_ ", t))
    return _WORD_RE.findall(t)


def _slot(key: str, mask: int) -> int:
    return zlib.crc32(key.encode("utf-8")) & mask


@dataclass(frozen=True)
class Featurizer:
    """Text (and named extras) to a sparse feature map ``{slot: value}``.

    Text features are binary (present or not) and scaled by 1/sqrt(count) when ``normalize``
    so that long and short sentences weigh alike; extras keep the value given.
    """

    n_bits: int = 20
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] | None = None
    lowercase: bool = True
    normalize: bool = True

    @property
    def n_features(self) -> int:
        return 1 << self.n_bits

    def keys(self, text: str) -> set[str]:
        """The text's feature keys (before hashing): ``w:`` word n-grams, ``c:`` char n-grams."""
        toks = tokens(text, self.lowercase)
        lo, hi = self.word_ngrams
        keys: set[str] = set()
        if lo <= 1 <= hi:
            keys.update(["w:" + t for t in toks])
        if lo <= 2 <= hi:
            keys.update([f"w:{a} {b}" for a, b in zip(toks, toks[1:])])
        for n in range(max(lo, 3), hi + 1):
            keys.update(["w:" + " ".join(toks[i : i + n]) for i in range(len(toks) - n + 1)])
        if self.char_ngrams:
            clo, chi = self.char_ngrams
            for t in toks:
                padded = f"<{t}>"
                for n in range(clo, chi + 1):
                    keys.update(["c:" + padded[i : i + n] for i in range(len(padded) - n + 1)])
        return keys

    def features(self, text: str, extras: Mapping[str, float] | None = None) -> dict[int, float]:
        """The sparse feature map of ``text`` plus ``extras`` (name -> value; zeros dropped)."""
        mask = self.n_features - 1
        keys = self.keys(text)
        v = 1.0 / math.sqrt(len(keys)) if (self.normalize and keys) else 1.0
        crc = zlib.crc32
        feats = dict.fromkeys([crc(k.encode()) & mask for k in keys], v)
        if len(feats) < len(keys):  # hash collisions add up, as they would in a sum
            feats = {}
            for k in keys:
                sl = crc(k.encode()) & mask
                feats[sl] = feats.get(sl, 0.0) + v
        if extras:
            for name, value in extras.items():
                if value:
                    sl = crc(("x=" + name).encode()) & mask
                    feats[sl] = feats.get(sl, 0.0) + float(value)
        return feats

    def matrix(self, texts: Sequence[str], extras: Sequence[Mapping[str, float]] | None = None):
        """A scipy CSR matrix (rows = texts) for training; needs scipy."""
        from scipy import sparse

        rows, cols, vals = [], [], []
        for i, text in enumerate(texts):
            f = self.features(text, extras[i] if extras is not None else None)
            rows.extend([i] * len(f))
            cols.extend(f.keys())
            vals.extend(f.values())
        return sparse.csr_matrix((vals, (rows, cols)), shape=(len(texts), self.n_features), dtype="float64")

    def config(self) -> dict[str, Any]:
        return {
            "n_bits": self.n_bits,
            "word_ngrams": list(self.word_ngrams),
            "char_ngrams": list(self.char_ngrams) if self.char_ngrams else None,
            "lowercase": self.lowercase,
            "normalize": self.normalize,
        }

    @classmethod
    def from_config(cls, cfg: Mapping[str, Any]) -> Featurizer:
        return cls(
            n_bits=int(cfg["n_bits"]),
            word_ngrams=tuple(cfg["word_ngrams"]),
            char_ngrams=tuple(cfg["char_ngrams"]) if cfg.get("char_ngrams") else None,
            lowercase=bool(cfg.get("lowercase", True)),
            normalize=bool(cfg.get("normalize", True)),
        )


@dataclass
class LinearModel:
    """A trained linear model over a ``Featurizer``'s slots.

    ``slots`` (sorted) are the feature slots with a weight; ``weights`` has one row per slot
    and one column per class score (one column for a binary model: the score of
    ``classes[1]``); ``bias`` one value per column.
    """

    featurizer: Featurizer
    classes: tuple[str, ...]
    slots: Any  # np.ndarray[int64], sorted
    weights: Any  # np.ndarray[float32] (n_slots, n_columns)
    bias: Any  # np.ndarray[float32] (n_columns,)
    meta: dict[str, Any] = field(default_factory=dict)
    _index: dict[int, int] | None = field(default=None, repr=False, compare=False)
    _binary_w: dict[int, float] | None = field(default=None, repr=False, compare=False)

    @property
    def binary(self) -> bool:
        return len(self.classes) == 2 and self.weights.shape[1] == 1

    def _rows(self) -> dict[int, int]:
        if self._index is None:
            self._index = {int(s): i for i, s in enumerate(self.slots.tolist())}
        return self._index

    def decision(self, feats: Mapping[int, float]):
        """Raw scores (one per column) of a feature map."""
        import numpy as np

        index = self._rows()
        rows, vals = [], []
        for s, v in feats.items():
            r = index.get(s)
            if r is not None:
                rows.append(r)
                vals.append(v)
        if not rows:
            return self.bias.astype("float64")
        return np.asarray(vals, dtype="float64") @ self.weights[rows] + self.bias

    def proba(self, text: str, extras: Mapping[str, float] | None = None):
        """Binary model: P(classes[1]) as a float. Multinomial: one probability per class."""
        return self.proba_features(self.featurizer.features(text, extras))

    def proba_features(self, feats: Mapping[int, float]):
        if self.binary:  # a plain dict sum: about 3x faster than numpy on ~50 features
            if self._binary_w is None:
                self._binary_w = dict(zip(self.slots.tolist(), self.weights[:, 0].tolist()))
            w = self._binary_w
            # (a list, not a generator: the same sum in the same order, a third faster)
            return _sigmoid(float(self.bias[0]) + sum([v * w.get(s, 0.0) for s, v in feats.items()]))
        return _softmax(self.decision(feats))

    def predict(self, text: str, extras: Mapping[str, float] | None = None) -> str:
        """The most probable class (binary: ``classes[1]`` when P >= 0.5)."""
        p = self.proba(text, extras)
        if self.binary:
            return self.classes[1] if p >= 0.5 else self.classes[0]
        return self.classes[int(p.argmax())]

    def top_features(self, names: Iterable[str], column: int = 0) -> list[tuple[str, float]]:
        """Weights of the given feature keys (``w:killed``, ``x=old_date``), for inspection."""
        mask = self.featurizer.n_features - 1
        index = self._rows()
        out = []
        for k in names:
            r = index.get(_slot(k, mask))
            out.append((k, float(self.weights[r, column]) if r is not None else 0.0))
        return out

    # -- files ----------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write the model as a compressed .npz: used slots, int8 weights, scales, metadata."""
        import numpy as np

        w = np.asarray(self.weights, dtype="float64")
        scale = np.abs(w).max(axis=0) / 127.0
        scale[scale == 0] = 1.0
        q = np.rint(w / scale).astype("int8")
        keep = np.any(q != 0, axis=1)
        meta = dict(self.meta)
        meta.update(format=FORMAT, classes=list(self.classes), featurizer=self.featurizer.config())
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            slots=np.asarray(self.slots, dtype="int64")[keep].astype("uint32"),
            weights=q[keep],
            scale=scale.astype("float32"),
            bias=np.asarray(self.bias, dtype="float32"),
            meta=np.frombuffer(json.dumps(meta, sort_keys=True).encode("utf-8"), dtype="uint8"),
        )
        path.write_bytes(buf.getvalue())
        return path

    @classmethod
    def load(cls, path: str | Path) -> LinearModel:
        """Read a model written by ``save`` (no pickles)."""
        import numpy as np

        with np.load(Path(path), allow_pickle=False) as z:
            meta = json.loads(bytes(z["meta"]).decode("utf-8"))
            if meta.get("format") != FORMAT:
                raise ValueError(f"{path}: not a {FORMAT} model (format {meta.get('format')!r})")
            weights = z["weights"].astype("float32") * z["scale"]
            slots = z["slots"].astype("int64")
            bias = z["bias"].astype("float32")
        return cls(
            featurizer=Featurizer.from_config(meta["featurizer"]),
            classes=tuple(meta["classes"]),
            slots=slots,
            weights=weights,
            bias=bias,
            meta=meta,
        )


def model_path(name: str) -> Path:
    """The package's file for the model called ``name``."""
    return MODELS_DIR / f"{name}.npz"


def load_model(name: str) -> LinearModel:
    """The package's model ``name`` (call it lazily, on first use; callers keep the result)."""
    path = model_path(name)
    if not path.exists():
        raise FileNotFoundError(f"{path}: no trained model {name!r} (see training/ to rebuild it)")
    return LinearModel.load(path)


# -- training -------------------------------------------------------------------------------
def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def _softmax(z):
    import numpy as np

    e = np.exp(z - z.max())
    return e / e.sum()


def train(
    featurizer: Featurizer,
    texts: Sequence[str],
    labels: Sequence[str],
    extras: Sequence[Mapping[str, float]] | None = None,
    classes: Sequence[str] | None = None,
    l2: float = 1e-3,
    max_iter: int = 300,
    class_weight: str | None = "balanced",
    meta: Mapping[str, Any] | None = None,
    sample_weight: Sequence[float] | None = None,
) -> LinearModel:
    """Fit logistic regression on ``texts`` -> ``labels`` (two classes: binary, sigmoid;
    more: multinomial, softmax). ``l2`` is the penalty on the weights (not the bias) added
    to the mean log loss; ``class_weight="balanced"`` weighs each class by n/(k*n_class).
    """
    import numpy as np

    classes = tuple(classes) if classes is not None else tuple(sorted(set(labels)))
    if len(classes) < 2:
        raise ValueError("need at least two classes to train")
    lookup = {c: i for i, c in enumerate(classes)}
    y = np.array([lookup[c] for c in labels])
    X = featurizer.matrix(texts, extras)
    used = np.unique(X.indices)
    X = X[:, used].tocsr()  # train on the used slots only
    n, d = X.shape
    k = len(classes)
    if class_weight == "balanced":
        counts = np.bincount(y, minlength=k).astype("float64")
        sw = (n / (k * np.maximum(counts, 1)))[y]
    else:
        sw = np.ones(n)
    if sample_weight is not None:
        sw = sw * np.asarray(sample_weight, dtype="float64")
    sw = sw / sw.sum()
    cols = 1 if k == 2 else k
    Y = (y == 1).astype("float64")[:, None] if k == 2 else np.eye(k)[y]

    def loss_grad(theta):
        W = theta[: d * cols].reshape(d, cols)
        b = theta[d * cols :]
        Z = X @ W + b
        if cols == 1:
            P = 1.0 / (1.0 + np.exp(-Z))
            ll = np.logaddexp(0.0, Z) - Y * Z
        else:
            Z = Z - Z.max(axis=1, keepdims=True)
            lse = np.log(np.exp(Z).sum(axis=1, keepdims=True))
            P = np.exp(Z - lse)
            ll = (lse - Z) * Y
        loss = float((sw[:, None] * ll).sum()) + 0.5 * l2 * float((W * W).sum())
        G = sw[:, None] * (P - Y)
        gW = X.T @ G + l2 * W
        gb = G.sum(axis=0)
        return loss, np.concatenate([np.asarray(gW).ravel(), gb])

    theta = np.zeros(d * cols + cols)
    try:
        from scipy.optimize import minimize

        res = minimize(loss_grad, theta, jac=True, method="L-BFGS-B", options={"maxiter": max_iter})
        theta = res.x
    except ImportError:  # no scipy: gradient descent with Nesterov momentum
        theta = _descend(loss_grad, theta, max_iter)
    W = theta[: d * cols].reshape(d, cols).astype("float32")
    b = theta[d * cols :].astype("float32")
    info = dict(meta or {})
    info.update(n_train=int(n), l2=l2, max_iter=max_iter, class_weight=class_weight)
    return LinearModel(featurizer, classes, used.astype("int64"), W, b, info)


def _descend(loss_grad, theta, max_iter: int, lr: float = 0.5, momentum: float = 0.9):
    import numpy as np

    v = np.zeros_like(theta)
    for _ in range(max_iter * 3):
        _, g = loss_grad(theta + momentum * v)
        v = momentum * v - lr * g
        theta = theta + v
    return theta


# -- evaluation -------------------------------------------------------------------------------
def binary_scores(y_true: Sequence[int], p: Sequence[float], threshold: float = 0.5) -> dict[str, float]:
    """Precision, recall, F1 at ``threshold`` and ROC AUC of probabilities ``p`` for 0/1 labels."""
    tp = sum(1 for t, q in zip(y_true, p) if t and q >= threshold)
    fp = sum(1 for t, q in zip(y_true, p) if not t and q >= threshold)
    fn = sum(1 for t, q in zip(y_true, p) if t and q < threshold)
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {"precision": prec, "recall": rec, "f1": f1, "auc": auc(y_true, p), "n": len(p)}


def auc(y_true: Sequence[int], p: Sequence[float]) -> float:
    """ROC AUC by the rank-sum formula (ties count half)."""
    pairs = sorted(zip(p, y_true))
    n_pos = sum(1 for _, t in pairs if t)
    n_neg = len(pairs) - n_pos
    if not n_pos or not n_neg:
        return float("nan")
    rank_sum, i = 0.0, 0
    while i < len(pairs):
        j = i
        while j < len(pairs) and pairs[j][0] == pairs[i][0]:
            j += 1
        avg_rank = (i + j + 1) / 2.0  # ranks i+1..j
        rank_sum += avg_rank * sum(1 for _, t in pairs[i:j] if t)
        i = j
    return (rank_sum - n_pos * (n_pos + 1) / 2.0) / (n_pos * n_neg)
