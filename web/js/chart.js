// chart.js: the RMSE-per-epoch line chart on a canvas.

const FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

// Rounds a span to a tick step of 1, 2 or 5 times a power of ten.
function niceStep(span, targetTicks) {
  const raw = span / Math.max(1, targetTicks);
  const power = 10 ** Math.floor(Math.log10(raw));
  const scaled = raw / power;
  for (const factor of [1, 2, 5]) {
    if (scaled <= factor) return factor * power;
  }
  return 10 * power;
}

/**
 * Draws RMSE values (epoch 1 first) against an x axis that runs to
 * totalEpochs, in the canvas's CSS width and the given CSS height.
 */
export function drawRmseChart(canvas, rmse, totalEpochs, { height = 220 } = {}) {
  const width = Math.max(240, canvas.parentElement?.clientWidth || 600);
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;

  const context = canvas.getContext('2d');
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, width, height);

  const style = getComputedStyle(canvas);
  const textColor = style.color || '#333';
  const lineColor = style.getPropertyValue('--chart-line').trim() || '#2c728e';
  const gridColor = style.getPropertyValue('--chart-grid').trim() || '#e3e3e8';

  const left = 44;
  const right = 12;
  const top = 10;
  const bottom = 34;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;

  const finite = rmse.filter(Number.isFinite);
  const yMaxRaw = finite.length ? Math.max(...finite.slice(0, 2000), ...finite.slice(-1)) : 1;
  const yStep = niceStep(yMaxRaw, 5);
  const yMax = Math.max(yStep, Math.ceil(yMaxRaw / yStep) * yStep);
  const xMax = Math.max(1, totalEpochs, rmse.length);
  // Epochs are whole numbers, so the x ticks are too.
  const xStep = Math.max(1, niceStep(xMax, 5));

  const xOf = (epoch) => left + (epoch / xMax) * plotWidth;
  const yOf = (value) => top + plotHeight - (Math.min(value, yMax) / yMax) * plotHeight;

  // Grid and axis labels.
  context.font = FONT;
  context.strokeStyle = gridColor;
  context.fillStyle = textColor;
  context.lineWidth = 1;
  context.textAlign = 'right';
  context.textBaseline = 'middle';
  for (let y = 0; y <= yMax + 1e-9; y += yStep) {
    const py = Math.round(yOf(y)) + 0.5;
    context.beginPath();
    context.moveTo(left, py);
    context.lineTo(left + plotWidth, py);
    context.stroke();
    context.fillText(Number(y.toFixed(6)).toString(), left - 6, py);
  }
  context.textAlign = 'center';
  context.textBaseline = 'top';
  for (let x = 0; x <= xMax; x += xStep) {
    context.fillText(String(x), xOf(x), top + plotHeight + 6);
  }
  context.fillText('epoch', left + plotWidth / 2, top + plotHeight + 20);
  context.save();
  context.translate(12, top + plotHeight / 2);
  context.rotate(-Math.PI / 2);
  context.fillText('RMSE', 0, -6);
  context.restore();

  // The curve, at most one point per CSS pixel.
  if (finite.length === 0) return;
  const stride = Math.max(1, Math.floor(rmse.length / plotWidth));
  context.strokeStyle = lineColor;
  context.lineWidth = 2;
  context.lineJoin = 'round';
  context.beginPath();
  let started = false;
  for (let i = 0; i < rmse.length; i += stride) {
    if (!Number.isFinite(rmse[i])) continue;
    const px = xOf(i + 1);
    const py = yOf(rmse[i]);
    if (started) context.lineTo(px, py);
    else context.moveTo(px, py);
    started = true;
  }
  const last = rmse.length - 1;
  if (Number.isFinite(rmse[last])) context.lineTo(xOf(last + 1), yOf(rmse[last]));
  context.stroke();
}
