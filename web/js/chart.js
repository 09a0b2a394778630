// chart.js: the RMSE-per-epoch line chart on a canvas. A run whose error
// explodes gets a logarithmic y axis, so the numbers stay readable, and a
// mark at the epoch where training diverged.

const FONT = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const DIVERGED_COLOR = '#b3261e';

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

// Label of the power of ten 10^exponent: "0.01" to "1000" in full, "1e6" beyond.
function decadeLabel(exponent) {
  if (exponent >= -2 && exponent <= 3) return String(10 ** exponent).replace(/(\.\d*?[1-9])0+$/, '$1');
  return `1e${exponent}`;
}

// Chooses the y axis: { log, ticks: [{ value, label }], toUnit(value) in [0, 1] }.
// A log axis reaches down to a tenth of the rating scale, so that an
// exploded error reads against the size of ordinary ones.
function yAxis(finite, useLog, ratingMax) {
  if (!useLog) {
    const yMaxRaw = finite.length ? Math.max(...finite.slice(0, 2000), ...finite.slice(-1)) : 1;
    const yStep = niceStep(yMaxRaw, 5);
    const yMax = Math.max(yStep, Math.ceil(yMaxRaw / yStep) * yStep);
    const ticks = [];
    for (let y = 0; y <= yMax + 1e-9; y += yStep) ticks.push({ value: y, label: Number(y.toFixed(6)).toString() });
    return { log: false, ticks, toUnit: (value) => Math.min(value, yMax) / yMax };
  }

  let low = ratingMax / 10;
  let high = ratingMax;
  for (const value of finite) {
    if (value > 0) {
      low = Math.min(low, value);
      high = Math.max(high, value);
    }
  }
  const lowExponent = Math.floor(Math.log10(low));
  const highExponent = Math.max(lowExponent + 1, Math.ceil(Math.log10(high)));
  const step = Math.max(1, Math.ceil((highExponent - lowExponent) / 5));
  const top = lowExponent + step * Math.ceil((highExponent - lowExponent) / step);
  const ticks = [];
  for (let e = lowExponent; e <= top; e += step) ticks.push({ value: 10 ** e, label: decadeLabel(e) });
  const toUnit = (value) => {
    if (!(value > 0)) return 0;
    return Math.min(1, Math.max(0, (Math.log10(value) - lowExponent) / (top - lowExponent)));
  };
  return { log: true, ticks, toUnit };
}

/**
 * Draws RMSE values (epoch 1 first) against an x axis that runs to
 * totalEpochs, in the given CSS width and height.
 * Options: width (CSS pixels, by default the parent's width), ratingMax (an
 * RMSE above 4 times it switches to a log axis) and divergedAt (the epoch whose
 * RMSE exploded, marked on the chart, or null).
 */
export function drawRmseChart(canvas, rmse, totalEpochs, { width: givenWidth = null, height = 220, ratingMax = 5, divergedAt = null } = {}) {
  const width = Math.max(240, givenWidth || canvas.parentElement?.clientWidth || 600);
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

  const finite = rmse.filter(Number.isFinite);
  const largest = finite.length ? Math.max(...finite.slice(0, 2000), ...finite.slice(-1)) : 0;
  const axis = yAxis(finite, divergedAt !== null || largest > 4 * ratingMax, ratingMax);
  canvas.dataset.yScale = axis.log ? 'log' : 'linear';
  canvas.setAttribute('aria-label', `Training RMSE per epoch${axis.log ? ', on a log scale' : ''}` +
    `${divergedAt !== null ? `; training diverged at epoch ${divergedAt}` : ''}`);

  // The left margin fits the widest tick label.
  context.font = FONT;
  const labelWidth = Math.max(...axis.ticks.map((tick) => context.measureText(tick.label).width));
  const left = Math.max(40, Math.ceil(labelWidth) + 26);
  const right = 12;
  const top = 12;
  const bottom = 34;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const xMax = Math.max(1, totalEpochs, rmse.length);
  // Epochs are whole numbers, so the x ticks are too.
  const xStep = Math.max(1, niceStep(xMax, 5));
  const xOf = (epoch) => left + (epoch / xMax) * plotWidth;
  const yOf = (value) => top + plotHeight - axis.toUnit(value) * plotHeight;

  // Grid and axis labels.
  context.strokeStyle = gridColor;
  context.fillStyle = textColor;
  context.lineWidth = 1;
  context.textAlign = 'right';
  context.textBaseline = 'middle';
  for (const tick of axis.ticks) {
    const py = Math.round(yOf(tick.value)) + 0.5;
    context.beginPath();
    context.moveTo(left, py);
    context.lineTo(left + plotWidth, py);
    context.stroke();
    context.fillText(tick.label, left - 6, py);
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
  context.fillText(axis.log ? 'RMSE (log scale)' : 'RMSE', 0, -6);
  context.restore();

  // The curve, at most one point per CSS pixel, and a dot on the last finite point.
  if (finite.length > 0) {
    const stride = Math.max(1, Math.floor(rmse.length / plotWidth));
    context.strokeStyle = lineColor;
    context.fillStyle = lineColor;
    context.lineWidth = 2;
    context.lineJoin = 'round';
    context.beginPath();
    let started = false;
    let lastPoint = null;
    for (let i = 0; i < rmse.length; i += stride) {
      if (!Number.isFinite(rmse[i])) continue;
      const px = xOf(i + 1);
      const py = yOf(rmse[i]);
      if (started) context.lineTo(px, py);
      else context.moveTo(px, py);
      started = true;
      lastPoint = [px, py];
    }
    const last = rmse.length - 1;
    if (Number.isFinite(rmse[last])) {
      lastPoint = [xOf(last + 1), yOf(rmse[last])];
      context.lineTo(...lastPoint);
    }
    context.stroke();
    if (lastPoint) {
      context.beginPath();
      context.arc(lastPoint[0], lastPoint[1], 3, 0, 2 * Math.PI);
      context.fill();
    }
  }

  if (divergedAt !== null) drawDivergedMark(context, { xOf, top, plotHeight, left, plotWidth, divergedAt, value: rmse[divergedAt - 1] });
}

// Draws a dashed red line at the diverged epoch, labelled with the epoch. A
// non-finite RMSE has no point on the curve, so the label names it.
function drawDivergedMark(context, { xOf, top, plotHeight, left, plotWidth, divergedAt, value }) {
  const px = Math.round(xOf(divergedAt)) + 0.5;
  context.save();
  context.strokeStyle = DIVERGED_COLOR;
  context.fillStyle = DIVERGED_COLOR;
  context.lineWidth = 1.5;
  context.setLineDash([4, 3]);
  context.beginPath();
  context.moveTo(px, top);
  context.lineTo(px, top + plotHeight);
  context.stroke();
  context.setLineDash([]);

  const label = `diverged at epoch ${divergedAt}${Number.isFinite(value) ? '' : ' (RMSE ∞)'}`;
  context.font = `600 ${FONT}`;
  const textWidth = context.measureText(label).width;
  const fitsRight = px + 6 + textWidth <= left + plotWidth;
  const x = fitsRight ? px + 6 : Math.max(left + 2, px - 6 - textWidth);
  context.textAlign = 'left';
  context.textBaseline = 'top';
  context.fillStyle = 'rgba(255, 255, 255, 0.9)';
  context.fillRect(x - 3, top + 2, textWidth + 6, 17);
  context.fillStyle = DIVERGED_COLOR;
  context.fillText(label, x, top + 4);
  context.restore();
}
