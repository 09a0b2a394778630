// viridis.js: the viridis colour map (dark purple at 0, yellow at 1), as nine
// evenly spaced samples of matplotlib's viridis joined by linear interpolation.

const SAMPLES = [
  [0x44, 0x01, 0x54],
  [0x47, 0x2d, 0x7b],
  [0x3b, 0x52, 0x8b],
  [0x2c, 0x72, 0x8e],
  [0x21, 0x91, 0x8c],
  [0x28, 0xae, 0x80],
  [0x5e, 0xc9, 0x62],
  [0xad, 0xdc, 0x30],
  [0xfd, 0xe7, 0x25],
];

/** Returns [r, g, b] (0-255) for t in [0, 1]. Values outside the range are clamped. */
export function viridis(t) {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (SAMPLES.length - 1);
  const i = Math.min(Math.floor(x), SAMPLES.length - 2);
  const f = x - i;
  const a = SAMPLES[i];
  const b = SAMPLES[i + 1];
  return [0, 1, 2].map((c) => Math.round(a[c] + (b[c] - a[c]) * f));
}

/** Returns the CSS colour string for t in [0, 1]. */
export function viridisCss(t) {
  const [r, g, b] = viridis(t);
  return `rgb(${r}, ${g}, ${b})`;
}

/** Returns true when dark text reads better than white text on the colour for t. */
export function prefersDarkText(t) {
  const [r, g, b] = viridis(t);
  return 0.299 * r + 0.587 * g + 0.114 * b > 140;
}
