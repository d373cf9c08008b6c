"""Synthetic fingerprints, made offline, any number of them, for scale tests (never for
accuracy claims: those use the real FVC prints).

A master finger is grown the way SFinGe does it, in short:

1. an orientation field from a pattern class, by the zero-pole model (Sherlock and Monro):
   cores and deltas turn the ridges around them (arch: none; loop: one core, one delta;
   whorl: two cores, two deltas);
2. a ridge frequency near 1/9 pixel (500 ppi), varying slowly across the finger;
3. ridges grown from random seeds by repeated Gabor filtering along the local orientation,
   inside an elliptical finger shape.

An impression of a master is that image turned and shifted, distorted by a smooth random
displacement (skin is elastic), with its contrast, noise and blur changed, and cut to the
sensor's window.

    from policenet.demo.synthetic_prints import master, impression
    finger = master(seed=7)
    png_bytes = impression(finger, seed=1)
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from PIL import Image

Image2D = npt.NDArray[np.float64]

SIZE = 384  # pixels of the master at 500 ppi
WINDOW = 320  # pixels of an impression (a small single-finger sensor)
BINS = 16  # orientations the Gabor filters are drawn for


@dataclass(frozen=True, slots=True)
class Master:
    ridges: Image2D  # -1..1, ridges positive, 0 outside the finger
    mask: npt.NDArray[np.bool_]
    pattern: str


def _orientation(rng: np.random.Generator, pattern: str) -> Image2D:
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    z = x + 1j * y
    centre = SIZE / 2
    if pattern == "arch":
        # Ridges across the finger, raised in the middle: y = h exp(-(x - c)^2 / 2s^2).
        height, spread = rng.uniform(40, 80), rng.uniform(60, 90)
        slope = -height * (x - centre) / spread**2 * np.exp(-((x - centre) ** 2) / (2 * spread**2))
        return np.asarray(np.arctan(slope))
    shift = rng.normal(0, 15, 2)
    if pattern == "loop":
        cores = [complex(centre + shift[0], centre - 40 + shift[1])]
        side = rng.choice([-1, 1])
        deltas = [complex(centre + side * 90 + shift[0], centre + 70 + shift[1])]
    else:
        cores = [
            complex(centre - 25 + shift[0], centre - 30 + shift[1]),
            complex(centre + 25 + shift[0], centre + 10 + shift[1]),
        ]
        deltas = [
            complex(centre - 110 + shift[0], centre + 90 + shift[1]),
            complex(centre + 110 + shift[0], centre + 90 + shift[1]),
        ]
    theta = np.zeros_like(x)
    for d in deltas:
        theta += np.angle(z - d)
    for c in cores:
        theta -= np.angle(z - c)
    return np.asarray(theta / 2 + rng.normal(0, 0.1))


def _gabor(angle: float, period: float) -> Image2D:
    half = 8
    y, x = np.mgrid[-half : half + 1, -half : half + 1].astype(np.float64)
    # Ridges run along ``angle``: the wave goes across them.
    across = -x * math.sin(angle) + y * math.cos(angle)
    along = x * math.cos(angle) + y * math.sin(angle)
    kernel = np.exp(-(across**2 + along**2) / (2 * 4.0**2)) * np.cos(2 * math.pi * across / period)
    return np.asarray(kernel - kernel.mean())


def _convolve(image: Image2D, kernel: Image2D) -> Image2D:
    padded = np.zeros_like(image)
    k = kernel.shape[0]
    padded[:k, :k] = kernel
    padded = np.roll(padded, (-(k // 2), -(k // 2)), axis=(0, 1))
    return np.asarray(np.real(np.fft.ifft2(np.fft.fft2(image) * np.fft.fft2(padded))))


def master(seed: int, pattern: str | None = None) -> Master:
    """A master finger: its ridge pattern at 500 ppi."""
    rng = np.random.default_rng(seed)
    chosen = pattern or str(rng.choice(["arch", "loop", "loop", "whorl"]))
    theta = _orientation(rng, chosen) % np.pi
    period = 9.0 + rng.normal(0, 0.4)
    kernels = [_gabor(b * np.pi / BINS, period) for b in range(BINS)]
    bins = np.round(theta / (np.pi / BINS)).astype(int) % BINS
    y, x = np.mgrid[0:SIZE, 0:SIZE].astype(np.float64)
    mask = ((x - SIZE / 2) / (SIZE * 0.40)) ** 2 + ((y - SIZE / 2) / (SIZE * 0.48)) ** 2 <= 1
    image = np.zeros((SIZE, SIZE))
    seeds = rng.integers(0, SIZE, (SIZE * SIZE // 600, 2))
    image[seeds[:, 0], seeds[:, 1]] = rng.choice([-1.0, 1.0], len(seeds))
    for _ in range(12):
        filtered = np.zeros_like(image)
        for b, kernel in enumerate(kernels):
            chosen_here = bins == b
            if chosen_here.any():
                filtered[chosen_here] = _convolve(image, kernel)[chosen_here]
        image = np.clip(filtered / (np.abs(filtered).max() + 1e-9) * 3, -1, 1)
    image[~mask] = 0
    return Master(image, mask, chosen)


def impression(finger: Master, seed: int, *, image_format: str = "PNG") -> bytes:
    """One impression of a master, as a sensor would give it (500 ppi)."""
    rng = np.random.default_rng(seed)
    # Skin is elastic: a smooth random displacement of a few pixels.
    coarse = rng.normal(0, 3.0, (2, 6, 6))
    field = [
        np.asarray(
            Image.fromarray(c.astype(np.float32), mode="F").resize(
                (SIZE, SIZE), Image.Resampling.BICUBIC
            )
        )
        for c in coarse
    ]
    y, x = np.mgrid[0:SIZE, 0:SIZE]
    sy = np.clip(np.round(y + field[0]).astype(int), 0, SIZE - 1)
    sx = np.clip(np.round(x + field[1]).astype(int), 0, SIZE - 1)
    skin = finger.ridges[sy, sx]
    pressure = rng.uniform(0.7, 1.0)
    grey = 255 - (np.clip(skin * pressure, 0, 1) * rng.uniform(150, 220))
    picture = Image.fromarray(grey.astype(np.uint8), mode="L")
    picture = picture.rotate(
        float(rng.uniform(-20, 20)), resample=Image.Resampling.BICUBIC, fillcolor=255
    )
    left = int((SIZE - WINDOW) / 2 + rng.uniform(-25, 25))
    top = int((SIZE - WINDOW) / 2 + rng.uniform(-25, 25))
    picture = picture.crop((left, top, left + WINDOW, top + WINDOW))
    noisy = np.asarray(picture, dtype=np.float64) + rng.normal(
        0, rng.uniform(4, 12), (WINDOW, WINDOW)
    )
    out = Image.fromarray(np.clip(noisy, 0, 255).astype(np.uint8), mode="L")
    buffer = io.BytesIO()
    out.save(buffer, image_format)
    return buffer.getvalue()
