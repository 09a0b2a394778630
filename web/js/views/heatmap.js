// heatmap.js: the movie-movie cosine similarity matrix of a chosen set of up
// to 200 movies (the most rated, or the most rated whose titles match a
// search), drawn on a canvas in viridis colours. Titles label both axes when
// they fit; denser maps label every few rows, and the pointer shows the rest.
// Below it, a "similar movies" picker over the whole catalog.

import { h, replaceChildren, dataTable, formatCount, formatNumber, movieName } from '../dom.js';
import { LIMITS, noGenresNote } from '../subsets.js';
import { createLatest, debounce } from '../tasks.js';
import { viridis, prefersDarkText } from '../viridis.js';
import { genreChips } from './catalog.js';

const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const MIN_CELL = 2;
const MAX_CELL = 56;
/** Cells at least this wide get their value printed inside. */
const MIN_CELL_FOR_VALUES = 34;
const SEARCH_DELAY_MS = 250;

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

// Computes cell size, font, label widths and label spacing for `labels` in
// `availableWidth` CSS pixels. labelStep > 1 labels every labelStep-th row.
function computeLayout(context, labels, availableWidth) {
  const n = labels.length;
  const fontSize = n > 20 ? 11 : 13;
  context.font = `${fontSize}px ${FONT_FAMILY}`;
  const widest = Math.max(...labels.map((label) => context.measureText(label).width), 20);
  const labelWidth = Math.ceil(Math.min(widest, Math.max(90, availableWidth * 0.3), 190));
  const gap = 6;
  const cell = Math.max(MIN_CELL, Math.min(MAX_CELL, Math.floor((availableWidth - labelWidth - gap - 4) / n)));
  const labelStep = cell >= fontSize + 1 ? 1 : Math.ceil((fontSize + 2) / cell);
  return {
    n,
    fontSize,
    cell,
    labelWidth,
    labelStep,
    gridX: labelWidth + gap,
    gridY: labelWidth + gap,
    width: labelWidth + gap + n * cell + 4,
    height: labelWidth + gap + n * cell + 4,
  };
}

// Paints one pixel per cell; drawHeatmap scales it up without smoothing.
function paintCells(n, values) {
  const cells = document.createElement('canvas');
  cells.width = Math.max(1, n);
  cells.height = Math.max(1, n);
  const context = cells.getContext('2d');
  const image = context.createImageData(cells.width, cells.height);
  for (let i = 0; i < n * n; i++) {
    const [r, g, b] = viridis(values[i]);
    image.data.set([r, g, b, 255], 4 * i);
  }
  context.putImageData(image, 0, 0);
  return cells;
}

function drawLabel(context, layout, text, i, axis, { bold, backdrop }) {
  const { cell, gridX, gridY, labelWidth, fontSize } = layout;
  context.font = `${bold ? '700 ' : ''}${fontSize}px ${FONT_FAMILY}`;
  const fitted = fitText(context, text, labelWidth);
  const textWidth = context.measureText(fitted).width;
  context.save();
  if (axis === 'row') {
    context.translate(labelWidth, gridY + (i + 0.5) * cell);
  } else {
    context.translate(gridX + (i + 0.5) * cell, labelWidth);
    context.rotate(-Math.PI / 2);
  }
  // Rows read right-aligned to the grid; columns read upwards from it.
  const x = axis === 'row' ? -textWidth : 0;
  if (backdrop) {
    context.fillStyle = 'rgba(255, 255, 255, 0.92)';
    context.fillRect(x - 2, -fontSize * 0.65, textWidth + 4, fontSize * 1.3);
  }
  context.fillStyle = bold ? '#b0174a' : layout.labelColor;
  context.textAlign = 'left';
  context.textBaseline = 'middle';
  context.fillText(fitted, x, 0);
  context.restore();
}

function drawHeatmap(canvas, layout, cells, labels, values, hover) {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(layout.width * ratio);
  canvas.height = Math.round(layout.height * ratio);
  canvas.style.width = `${layout.width}px`;
  canvas.style.height = `${layout.height}px`;

  const context = canvas.getContext('2d');
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  context.clearRect(0, 0, layout.width, layout.height);
  const { n, cell, gridX, gridY, labelStep } = layout;

  context.imageSmoothingEnabled = false;
  context.drawImage(cells, gridX, gridY, n * cell, n * cell);

  if (cell >= MIN_CELL_FOR_VALUES) {
    context.font = `${Math.min(13, Math.floor(cell / 3))}px ${FONT_FAMILY}`;
    context.textAlign = 'center';
    context.textBaseline = 'middle';
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const value = values[i * n + j];
        context.fillStyle = prefersDarkText(value) ? '#1b1b1b' : '#ffffff';
        context.fillText(value.toFixed(2), gridX + (j + 0.5) * cell, gridY + (i + 0.5) * cell);
      }
    }
  }

  layout.labelColor = getComputedStyle(canvas).color || '#222';
  for (let i = 0; i < n; i += labelStep) {
    drawLabel(context, layout, labels[i], i, 'row', { bold: false, backdrop: false });
    drawLabel(context, layout, labels[i], i, 'col', { bold: false, backdrop: false });
  }

  if (hover) {
    // The hovered row and column are named even where labels are skipped.
    drawLabel(context, layout, labels[hover.row], hover.row, 'row', { bold: true, backdrop: true });
    drawLabel(context, layout, labels[hover.col], hover.col, 'col', { bold: true, backdrop: true });
    context.strokeStyle = '#ff3b6b';
    context.lineWidth = 2;
    const size = Math.max(cell, 6);
    const offset = (size - cell) / 2;
    context.strokeRect(gridX + hover.col * cell - offset + 1, gridY + hover.row * cell - offset + 1, size - 2, size - 2);
  }
}

// ---------------------------------------------------------------------------
// View
// ---------------------------------------------------------------------------

export function createHeatmapView(app, root) {
  const { core, state } = app;
  const latestMap = createLatest();
  const latestPicker = createLatest();
  const latestSimilar = createLatest();

  const canvas = h('canvas', { id: 'heatmap-canvas', class: 'heatmap', role: 'img' });
  const readout = h('p', { class: 'readout', 'data-testid': 'heatmap-readout', 'aria-live': 'polite' });
  const canvasWrap = h('div', { class: 'scroll canvas-wrap' }, canvas);
  const noteArea = h('div');
  const legend = h('div', { class: 'legend', 'aria-hidden': 'true' },
    h('span', {}, '0 (no shared genre)'), h('span', { class: 'legend-bar' }), h('span', {}, '1 (same genres)'));
  const similarArea = h('div', { class: 'similar' });

  let labels = [];
  let values = new Float64Array(0);
  let cells = null;
  let layout = null;
  let hover = null;

  const defaultReadout = 'Point at a cell to read the similarity of its two movies.';

  // -- Heatmap controls -----------------------------------------------------

  const countInput = h('input', {
    id: 'heatmap-count', type: 'number', min: 2, max: 200, step: 1,
    onchange: () => {
      const errors = state.set({ hn: countInput.value });
      if (errors.length) {
        app.log.warn(`Invalid number of heatmap movies: ${errors.join('; ')}`);
        countInput.value = String(state.get().hn);
      }
    },
  });
  const searchInput = h('input', {
    id: 'heatmap-search', type: 'search', placeholder: 'e.g. star wars', autocomplete: 'off',
  });
  searchInput.addEventListener('input', debounce(app.tracker, () => state.set({ hq: searchInput.value.trim() }), SEARCH_DELAY_MS));
  const mapControls = h('div', { class: 'controls' },
    h('label', { class: 'field narrow' }, h('span', { class: 'field-label' }, 'Movies shown'), countInput),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Pick by title'), searchInput));

  function redraw() {
    if (labels.length === 0 || !cells) return;
    const available = Math.max(260, canvasWrap.clientWidth || root.clientWidth || 600);
    layout = computeLayout(canvas.getContext('2d'), labels, available);
    drawHeatmap(canvas, layout, cells, labels, values, hover);
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
    if (same || (!hover && !cell) || !layout) return;
    hover = cell;
    readout.textContent = cell
      ? `${labels[cell.row]} × ${labels[cell.col]}: ${formatNumber(values[cell.row * layout.n + cell.col], 3)}`
      : defaultReadout;
    drawHeatmap(canvas, layout, cells, labels, values, hover);
  }

  canvas.addEventListener('pointermove', (event) => showCell(cellAt(event)));
  canvas.addEventListener('pointerdown', (event) => showCell(cellAt(event)));
  canvas.addEventListener('pointerleave', () => showCell(null));

  let resizeFrame = 0;
  new ResizeObserver(() => {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(redraw);
  }).observe(canvasWrap);

  async function renderMap() {
    const isCurrent = latestMap.next();
    const { hn: count, hq: query } = state.get();
    countInput.value = String(count);
    if (document.activeElement !== searchInput) searchInput.value = query;
    const data = await core.call('heatmap', { query, count });
    if (!isCurrent()) return;

    labels = data.movies.map(movieName);
    values = data.values;
    cells = paintCells(labels.length, values);
    hover = null;
    canvas.setAttribute('aria-label', `Similarity heatmap of ${labels.length} movies by genre`);
    readout.textContent = labels.length ? defaultReadout : '';
    canvasWrap.hidden = labels.length === 0;

    const shown = formatCount(labels.length);
    let note;
    if (query) {
      note = data.matches === 0
        ? `No title contains “${query}”. Clear the search to see the most rated movies.`
        : `Showing ${data.matches > labels.length ? `the ${shown} most rated of ` : ''}${formatCount(data.matches)} movies whose titles contain “${query}”.`;
    } else if (labels.length < data.totalMovies) {
      note = `Subset: showing the ${shown} most rated of ${formatCount(data.totalMovies)} movies.`;
    }
    redraw();
    if (layout && layout.labelStep > 1) {
      note = `${note ?? ''} Labels are thinned out to one movie in ${layout.labelStep}; point at a cell to name its two movies.`.trim();
    }
    replaceChildren(noteArea, note ? h('p', { class: 'subset-note', 'data-testid': 'subset-note' }, note) : null);
  }

  // -- Similar movies picker ------------------------------------------------

  const movieSelect = h('select', { id: 'similar-movie', onchange: () => state.set({ movie: Number(movieSelect.value) }) });
  const pickerSearch = h('input', { id: 'similar-search', type: 'search', placeholder: 'Find a title', autocomplete: 'off' });
  const topInput = h('input', {
    id: 'similar-top', type: 'number', min: 1, max: 50, step: 1,
    onchange: () => {
      const errors = state.set({ similar: topInput.value });
      if (errors.length) app.log.warn(errors.join('; '));
    },
  });
  const pickerNote = h('p', { class: 'subset-note' });
  const similarTable = h('div');

  async function renderPickerOptions() {
    const isCurrent = latestPicker.next();
    const query = pickerSearch.value.trim();
    const picked = await core.call('pickMovies', { query, limit: LIMITS.similarPicker, include: state.get().movie });
    if (!isCurrent()) return;
    movieSelect.replaceChildren(...picked.rows.map((movie) => h('option', { value: movie.id }, movieName(movie))));
    const chosen = state.get().movie;
    if (chosen !== null && picked.rows.some((movie) => movie.id === chosen)) movieSelect.value = String(chosen);
    if (query) {
      pickerNote.textContent = picked.matches === 0
        ? `No title contains “${query}”.`
        : `${formatCount(picked.matches)} titles contain “${query}”; the list holds the ${formatCount(Math.min(picked.matches, LIMITS.similarPicker))} most rated.`;
    } else {
      pickerNote.textContent = picked.matches > picked.rows.length
        ? `The list holds the ${picked.rows.length} most rated movies; search to find any other.`
        : '';
    }
  }
  pickerSearch.addEventListener('input', debounce(app.tracker, renderPickerOptions, SEARCH_DELAY_MS));

  async function renderSimilar() {
    const isCurrent = latestSimilar.next();
    const topN = state.get().similar;
    topInput.value = String(topN);
    let result;
    try {
      result = await core.call('similar', { movieId: state.get().movie, topN });
    } catch (error) {
      if (!isCurrent()) return;
      app.log.error(error.message);
      result = { movie: null, rows: [] };
    }
    if (!isCurrent()) return;
    if (result.movie && [...movieSelect.options].some((option) => option.value === String(result.movie.id))) {
      movieSelect.value = String(result.movie.id);
    }
    replaceChildren(similarTable, dataTable({
      testId: 'similar-table',
      caption: result.movie ? `Most similar to ${movieName(result.movie)}` : null,
      columns: [{ label: '#', className: 'num' }, { label: 'Title' }, { label: 'Genres' }, { label: 'Similarity', className: 'num' }],
      rows: result.rows.map((row, i) => [
        { content: String(i + 1), className: 'num' },
        { content: movieName(row.movie), header: true },
        genreChips(row.movie.genres),
        { content: formatNumber(row.similarity, 3), className: 'num' },
      ]),
    }));
  }

  state.subscribe((changed) => {
    if (app.summary.genres === 0) return;
    if (changed.has('hn') || changed.has('hq')) app.tracker.track(renderMap());
    if (changed.has('movie')) app.tracker.track(renderPickerOptions().then(renderSimilar));
    else if (changed.has('similar')) app.tracker.track(renderSimilar());
  });

  return {
    async render({ fresh }) {
      if (app.summary.genres === 0) {
        labels = [];
        replaceChildren(root, noGenresNote());
        return;
      }
      if (fresh) {
        state.set({ hq: '', movie: null });
        pickerSearch.value = '';
      }
      replaceChildren(similarArea,
        h('h3', {}, 'Similar movies'),
        h('div', { class: 'controls' },
          h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Find a movie'), pickerSearch),
          h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Movie'), movieSelect),
          h('label', { class: 'field narrow' }, h('span', { class: 'field-label' }, 'Top N'), topInput)),
        pickerNote,
        similarTable);
      replaceChildren(root, mapControls, noteArea, canvasWrap, legend, readout, similarArea);
      await Promise.all([renderMap(), renderPickerOptions().then(renderSimilar)]);
    },
  };
}
