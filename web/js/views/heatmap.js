// heatmap.js: the movie-movie cosine similarity matrix drawn on a canvas in
// viridis colours, with titles on both axes and the value under the pointer,
// plus a "similar movies" picker.

import { h, replaceChildren, dataTable, formatNumber } from '../dom.js';
import { LIMITS, displayMovies, subsetNote } from '../subsets.js';
import { viridisCss, prefersDarkText } from '../viridis.js';
import { genreChips } from './catalog.js';

const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const MIN_CELL = 12;
const MAX_CELL = 56;
/** Cells at least this wide get their value printed inside. */
const MIN_CELL_FOR_VALUES = 34;

// ---------------------------------------------------------------------------
// Layout and drawing
// ---------------------------------------------------------------------------

// Shortens text with an ellipsis until it fits maxWidth pixels.
function fitText(context, text, maxWidth) {
  if (context.measureText(text).width <= maxWidth) return text;
  let low = 0;
  let high = text.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (context.measureText(`${text.slice(0, mid)}…`).width <= maxWidth) low = mid;
    else high = mid - 1;
  }
  return `${text.slice(0, low)}…`;
}

// Computes cell size, font and label widths for `n` labels in `availableWidth` CSS pixels.
function computeLayout(context, labels, availableWidth) {
  const n = labels.length;
  const fontSize = n > 20 ? 11 : 13;
  context.font = `${fontSize}px ${FONT_FAMILY}`;
  const widest = Math.max(...labels.map((label) => context.measureText(label).width), 20);
  const labelWidth = Math.ceil(Math.min(widest, Math.max(90, availableWidth * 0.36), 190));
  const gap = 6;
  const cell = Math.max(MIN_CELL, Math.min(MAX_CELL, Math.floor((availableWidth - labelWidth - gap - 4) / n)));
  return {
    n,
    fontSize,
    cell,
    labelWidth,
    gridX: labelWidth + gap,
    gridY: labelWidth + gap,
    width: labelWidth + gap + n * cell + 4,
    height: labelWidth + gap + n * cell + 4,
  };
}

function drawHeatmap(canvas, layout, labels, values, hover) {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(layout.width * ratio);
  canvas.height = Math.round(layout.height * ratio);
  canvas.style.width = `${layout.width}px`;
  canvas.style.height = `${layout.height}px`;

  const context = canvas.getContext('2d');
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, layout.width, layout.height);
  const { n, cell, gridX, gridY, labelWidth, fontSize } = layout;

  // Cells, row-major: values[i * n + j] is row i, column j.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const value = values[i * n + j];
      context.fillStyle = viridisCss(value);
      context.fillRect(gridX + j * cell, gridY + i * cell, cell, cell);
      if (cell >= MIN_CELL_FOR_VALUES) {
        context.fillStyle = prefersDarkText(value) ? '#1b1b1b' : '#ffffff';
        context.font = `${Math.min(13, Math.floor(cell / 3))}px ${FONT_FAMILY}`;
        context.textAlign = 'center';
        context.textBaseline = 'middle';
        context.fillText(value.toFixed(2), gridX + (j + 0.5) * cell, gridY + (i + 0.5) * cell);
      }
    }
  }

  // Row labels go on the left, right-aligned. Column labels go on top, reading upwards.
  const labelColor = getComputedStyle(canvas).color || '#222';
  context.textBaseline = 'middle';
  for (let i = 0; i < n; i++) {
    const active = hover && (hover.row === i || hover.col === i);
    context.font = `${active ? '600 ' : ''}${fontSize}px ${FONT_FAMILY}`;
    context.fillStyle = labelColor;
    const text = fitText(context, labels[i], labelWidth);

    context.textAlign = 'right';
    context.fillText(text, labelWidth, gridY + (i + 0.5) * cell);

    context.save();
    context.translate(gridX + (i + 0.5) * cell, labelWidth);
    context.rotate(-Math.PI / 2);
    context.textAlign = 'left';
    context.fillText(text, 0, 0);
    context.restore();
  }

  if (hover) {
    context.strokeStyle = '#ff3b6b';
    context.lineWidth = 2;
    context.strokeRect(gridX + hover.col * cell + 1, gridY + hover.row * cell + 1, cell - 2, cell - 2);
  }
}

// ---------------------------------------------------------------------------
// View
// ---------------------------------------------------------------------------

export function createHeatmapView(app, root) {
  const { core, state } = app;
  const canvas = h('canvas', { id: 'heatmap-canvas', class: 'heatmap', role: 'img' });
  const readout = h('p', { class: 'readout', 'data-testid': 'heatmap-readout', 'aria-live': 'polite' });
  const canvasWrap = h('div', { class: 'scroll canvas-wrap' }, canvas);
  const noteArea = h('div');
  const legend = h('div', { class: 'legend', 'aria-hidden': 'true' },
    h('span', {}, '0 (no shared genre)'), h('span', { class: 'legend-bar' }), h('span', {}, '1 (same genres)'));
  const similarArea = h('div', { class: 'similar' });

  let movies = [];
  let labels = [];
  let values = new Float64Array(0);
  let layout = null;
  let hover = null;

  const defaultReadout = 'Point at a cell to read the similarity of its two movies.';

  function redraw() {
    if (movies.length === 0) return;
    const available = Math.max(260, canvasWrap.clientWidth || root.clientWidth || 600);
    layout = computeLayout(canvas.getContext('2d'), labels, available);
    drawHeatmap(canvas, layout, labels, values, hover);
  }

  function cellAt(event) {
    if (!layout) return null;
    const rect = canvas.getBoundingClientRect();
    const x = event.clientX - rect.left - layout.gridX;
    const y = event.clientY - rect.top - layout.gridY;
    const col = Math.floor(x / layout.cell);
    const row = Math.floor(y / layout.cell);
    if (x < 0 || y < 0 || row >= layout.n || col >= layout.n) return null;
    return { row, col };
  }

  function showCell(cell) {
    const same = hover && cell && hover.row === cell.row && hover.col === cell.col;
    if (same) return;
    hover = cell;
    if (cell) {
      const value = values[cell.row * layout.n + cell.col];
      readout.textContent = `${labels[cell.row]} × ${labels[cell.col]}: ${formatNumber(value, 3)}`;
    } else {
      readout.textContent = defaultReadout;
    }
    drawHeatmap(canvas, layout, labels, values, hover);
  }

  canvas.addEventListener('pointermove', (event) => showCell(cellAt(event)));
  canvas.addEventListener('pointerdown', (event) => showCell(cellAt(event)));
  canvas.addEventListener('pointerleave', () => showCell(null));

  let resizeFrame = 0;
  new ResizeObserver(() => {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(redraw);
  }).observe(canvasWrap);

  // -- Similar movies picker ------------------------------------------------

  const movieSelect = h('select', { id: 'similar-movie', onchange: () => state.set({ movie: Number(movieSelect.value) }) });
  const topInput = h('input', {
    id: 'similar-top', type: 'number', min: 1, max: 50, step: 1,
    onchange: () => {
      const errors = state.set({ similar: topInput.value });
      if (errors.length) app.log.warn(errors.join('; '));
    },
  });
  const pickerNote = h('p', { class: 'subset-note' });
  const similarTable = h('div');

  function chosenMovieId(candidates) {
    const requested = state.get().movie;
    if (requested !== null && core.movieIndex(requested) >= 0) return requested;
    return core.catalog()[candidates[0]].id;
  }

  function renderPickerOptions() {
    const catalog = core.catalog();
    const candidates = displayMovies(core, LIMITS.similarPicker);
    const movieId = chosenMovieId(candidates);
    const chosenIndex = core.movieIndex(movieId);
    const list = candidates.includes(chosenIndex) ? candidates : [chosenIndex, ...candidates];
    movieSelect.replaceChildren(...list.map((m) => h('option', { value: catalog[m].id }, catalog[m].title || `#${catalog[m].id}`)));
    movieSelect.value = String(movieId);
    pickerNote.textContent = candidates.length < core.movieCount
      ? `The list holds the ${candidates.length} most rated movies.`
      : '';
  }

  function renderSimilar() {
    const topN = state.get().similar;
    topInput.value = String(topN);
    const movieId = chosenMovieId(displayMovies(core, LIMITS.similarPicker));
    movieSelect.value = String(movieId);
    let rows;
    try {
      rows = core.similarMovies(movieId, topN);
    } catch (error) {
      app.log.error(error.message);
      rows = [];
    }
    replaceChildren(similarTable, dataTable({
      testId: 'similar-table',
      columns: [{ label: '#', className: 'num' }, { label: 'Title' }, { label: 'Genres' }, { label: 'Similarity', className: 'num' }],
      rows: rows.map((row, i) => [
        { content: String(i + 1), className: 'num' },
        { content: row.title || `#${row.movieId}`, header: true },
        genreChips(row.genres),
        { content: formatNumber(row.similarity, 3), className: 'num' },
      ]),
    }));
  }

  state.subscribe((changed) => {
    if (changed.has('movie') || changed.has('similar')) renderSimilar();
  });

  return {
    render() {
      const catalog = core.catalog();
      movies = displayMovies(core, LIMITS.heatmapMovies);
      labels = movies.map((m) => catalog[m].title || `#${catalog[m].id}`);
      values = core.similarityMatrix(movies);
      hover = null;
      canvas.setAttribute('aria-label', `Similarity heatmap of ${movies.length} movies by genre`);
      readout.textContent = defaultReadout;
      replaceChildren(noteArea, subsetNote([{ shown: movies.length, total: core.movieCount, order: 'most rated', noun: 'movies' }]));

      renderPickerOptions();
      replaceChildren(similarArea,
        h('h3', {}, 'Similar movies'),
        h('div', { class: 'controls' },
          h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Movie'), movieSelect),
          h('label', { class: 'field narrow' }, h('span', { class: 'field-label' }, 'Top N'), topInput)),
        pickerNote,
        similarTable);

      replaceChildren(root, noteArea, canvasWrap, legend, readout, similarArea);
      redraw();
      renderSimilar();
    },
  };
}
