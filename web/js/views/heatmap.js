// heatmap.js: the movie-movie cosine similarity matrix of a chosen set of up
// to 200 movies (the most rated, or the most rated whose titles match a
// search), drawn on a canvas in viridis colours. Titles label both axes when
// they fit; denser maps label every few rows, and the pointer or the arrow
// keys show the rest. In an embedded view the map also fits the frame's
// height. Below it, a "similar movies" picker over the whole catalog.

import { h, replaceChildren, dataTable, formatCount, formatNumber, movieName, plural, trackWidth } from '../dom.js';
import { LIMITS, noGenresNote } from '../subsets.js';
import { createLatest, debounce } from '../tasks.js';
import { viridis, prefersDarkText } from '../viridis.js';
import { bindNumberInput, settingHint } from '../controls.js';
import { genreChips } from './catalog.js';

const FONT_FAMILY = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
const MIN_CELL = 2;
const MAX_CELL = 56;
/** Cells at least this wide get their value printed inside. */
const MIN_CELL_FOR_VALUES = 34;
const SEARCH_DELAY_MS = 250;
/** Smallest height, in CSS pixels, that an embedded map shrinks to when the frame is short. */
const MIN_EMBED_HEIGHT = 180;

// ---------------------------------------------------------------------------
// Layout and drawing
// ---------------------------------------------------------------------------

/** Returns the axis label of a title: without a leading "The", "A" or "An", which would fill short labels. */
export function axisLabel(title) {
  return title.replace(/^(the|a|an)\s+(?=\S)/i, '');
}

// Keeps `keep` characters of text, most from the start and the rest from the
// end, joined by an ellipsis.
function cutMiddle(text, keep) {
  const head = Math.ceil(keep * 0.6);
  const tail = keep - head;
  return `${text.slice(0, head).trimEnd()}…${tail > 0 ? text.slice(text.length - tail).trimStart() : ''}`;
}

/**
 * Shortens text in the middle until it fits maxWidth pixels as measured by
 * context.measureText. The end often distinguishes titles ("Episode IV …
 * (1977)", "Episode V … (1980)"), so it stays.
 */
export function fitText(context, text, maxWidth) {
  if (context.measureText(text).width <= maxWidth) return text;
  let low = 0;
  let high = text.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (context.measureText(cutMiddle(text, mid)).width <= maxWidth) low = mid;
    else high = mid - 1;
  }
  return cutMiddle(text, low);
}

// Computes cell size, font, label widths and label spacing for `labels` in
// `availableWidth` CSS pixels and, when given, `availableHeight`.
// labelStep > 1 labels every labelStep-th row.
function computeLayout(context, labels, availableWidth, availableHeight = Infinity) {
  const n = labels.length;
  const fontSize = n > 20 ? 11 : 13;
  context.font = `${fontSize}px ${FONT_FAMILY}`;
  const widest = Math.max(...labels.map((label) => context.measureText(label).width), 20);
  const labelWidth = Math.ceil(Math.min(widest, Math.max(90, availableWidth * 0.3), 190));
  const gap = 6;
  const fitted = Math.min(availableWidth, availableHeight) - labelWidth - gap - 4;
  const cell = Math.max(MIN_CELL, Math.min(MAX_CELL, Math.floor(fitted / n)));
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

  const canvas = h('canvas', {
    id: 'heatmap-canvas', class: 'heatmap', role: 'application', tabindex: 0,
    'aria-roledescription': 'heatmap', 'aria-describedby': 'heatmap-readout',
  });
  const readout = h('p', { id: 'heatmap-readout', class: 'readout', 'data-testid': 'heatmap-readout', 'aria-live': 'polite' });
  const canvasWrap = h('div', { class: 'scroll canvas-wrap' }, canvas);
  const noteArea = h('div');
  const legend = h('div', { class: 'legend', 'aria-hidden': 'true' },
    h('span', {}, '0 (no shared genre)'), h('span', { class: 'legend-bar' }), h('span', {}, '1 (same genres)'));
  const similarArea = h('div', { class: 'similar' });

  let labels = [];
  let axisLabels = [];
  let values = new Float64Array(0);
  let cells = null;
  let layout = null;
  let hover = null;

  const defaultReadout = 'Point at a cell, or use the arrow keys, to read its value.';

  // -- Heatmap controls -----------------------------------------------------

  const countInput = h('input', { id: 'heatmap-count', type: 'number', min: 2, max: 200, step: 1 });
  bindNumberInput(app, { key: 'hn', input: countInput, label: 'Movies shown' });
  const countHint = settingHint(app, 'hn', { inputs: [countInput] });
  const searchInput = h('input', {
    id: 'heatmap-search', type: 'search', placeholder: 'e.g. star wars', autocomplete: 'off',
  });
  searchInput.addEventListener('input', debounce(app.tracker, () => state.set({ hq: searchInput.value.trim() }), SEARCH_DELAY_MS));
  const mapControls = h('div', { class: 'controls' },
    h('label', { class: 'field narrow' }, h('span', { class: 'field-label' }, 'Movies shown'), countInput, countHint.element),
    h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Pick by title'), searchInput));

  // In an embedded view the map also fits the frame's height: what is left
  // below the map's top after the legend and readout, but never under MIN_EMBED_HEIGHT.
  function availableHeight() {
    if (!document.body.classList.contains('embed')) return Infinity;
    const top = canvasWrap.getBoundingClientRect().top + window.scrollY;
    const below = legend.offsetHeight + readout.offsetHeight + 32;
    return Math.max(MIN_EMBED_HEIGHT, window.innerHeight - top - below);
  }

  function redraw() {
    if (labels.length === 0 || !cells) return;
    const available = Math.max(260, wrapWidth() || canvasWrap.clientWidth || root.clientWidth || 600);
    layout = computeLayout(canvas.getContext('2d'), axisLabels, available, availableHeight());
    drawHeatmap(canvas, layout, cells, axisLabels, values, hover);
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
    readout.classList.toggle('hint', !cell);
    drawHeatmap(canvas, layout, cells, axisLabels, values, hover);
  }

  canvas.addEventListener('pointermove', (event) => showCell(cellAt(event)));
  canvas.addEventListener('pointerdown', (event) => showCell(cellAt(event)));
  canvas.addEventListener('pointerleave', () => { if (document.activeElement !== canvas) showCell(null); });

  // Keyboard: focus highlights a cell, the arrow keys move it, Home and End
  // jump to the first and last cell, and Escape clears it.
  const KEY_MOVES = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
  canvas.addEventListener('focus', () => { if (!hover && layout) showCell({ row: 0, col: 0 }); });
  canvas.addEventListener('blur', () => showCell(null));
  canvas.addEventListener('keydown', (event) => {
    if (!layout) return;
    const last = layout.n - 1;
    const current = hover ?? { row: 0, col: 0 };
    let next = null;
    if (KEY_MOVES[event.key]) {
      const [dr, dc] = KEY_MOVES[event.key];
      next = { row: Math.min(last, Math.max(0, current.row + dr)), col: Math.min(last, Math.max(0, current.col + dc)) };
    } else if (event.key === 'Home') {
      next = { row: 0, col: 0 };
    } else if (event.key === 'End') {
      next = { row: last, col: last };
    } else if (event.key === 'Escape') {
      showCell(null);
      return;
    } else {
      return;
    }
    event.preventDefault();
    showCell(next);
  });

  let resizeFrame = 0;
  const scheduleRedraw = () => {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(redraw);
  };
  const wrapWidth = trackWidth(canvasWrap, scheduleRedraw);
  // A frame that only changes height resizes no observed element, so the window's resize event redraws.
  window.addEventListener('resize', () => { if (document.body.classList.contains('embed')) scheduleRedraw(); });

  async function renderMap() {
    const isCurrent = latestMap.next();
    const { hn: count, hq: query } = state.get();
    if (app.notices.get('hn') === null || document.activeElement !== countInput) countInput.value = String(count);
    if (document.activeElement !== searchInput) searchInput.value = query;
    const data = await core.call('heatmap', { query, count });
    if (!isCurrent()) return;

    labels = data.movies.map(movieName);
    axisLabels = labels.map(axisLabel);
    values = data.values;
    cells = paintCells(labels.length, values);
    hover = null;
    canvas.setAttribute('aria-label', `Similarity heatmap of ${plural(labels.length, 'movie', 'movies')} by genre; use the arrow keys to read a cell`);
    readout.textContent = labels.length ? defaultReadout : '';
    readout.classList.add('hint');
    canvasWrap.hidden = labels.length === 0;

    const shown = formatCount(labels.length);
    let note;
    if (query) {
      const matchText = data.matches === 1 ? 'movie whose title contains' : 'movies whose titles contain';
      note = data.matches === 0
        ? `No title contains “${query}”. Clear the search to see the most rated movies.`
        : `Showing ${data.matches > labels.length ? `the ${shown} most rated of ` : ''}${formatCount(data.matches)} ${matchText} “${query}”.`;
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

  const movieSelect = h('select', {
    id: 'similar-movie',
    onchange: () => {
      app.notices.clear('movie');
      state.set({ movie: Number(movieSelect.value) });
    },
  });
  const movieHint = settingHint(app, 'movie', { inputs: [movieSelect] });
  const pickerSearch = h('input', { id: 'similar-search', type: 'search', placeholder: 'Find a title', autocomplete: 'off' });
  const topInput = h('input', { id: 'similar-top', type: 'number', min: 1, max: 50, step: 1 });
  bindNumberInput(app, { key: 'similar', input: topInput, label: 'Top N' });
  const topHint = settingHint(app, 'similar', { inputs: [topInput] });
  const pickerNote = h('p', { class: 'subset-note' });
  const similarTable = h('div');
  let firstData = true;

  async function renderPickerOptions() {
    const isCurrent = latestPicker.next();
    const query = pickerSearch.value.trim();
    const picked = await core.call('pickMovies', { query, limit: LIMITS.similarPicker, include: state.get().movie });
    if (!isCurrent()) return;
    movieSelect.replaceChildren(...picked.rows.map((movie) => h('option', { value: movie.id }, movieName(movie))));
    const chosen = state.get().movie;
    if (chosen !== null && picked.rows.some((movie) => movie.id === chosen)) movieSelect.value = String(chosen);
    if (query) {
      if (picked.matches === 0) pickerNote.textContent = `No title contains “${query}”.`;
      else if (picked.matches === 1) pickerNote.textContent = `1 title contains “${query}”.`;
      else if (picked.matches <= LIMITS.similarPicker) pickerNote.textContent = `${formatCount(picked.matches)} titles contain “${query}”.`;
      else pickerNote.textContent = `${formatCount(picked.matches)} titles contain “${query}”; the list holds the ${formatCount(LIMITS.similarPicker)} most rated.`;
    } else {
      pickerNote.textContent = picked.matches > picked.rows.length
        ? `The list holds the ${formatCount(picked.rows.length)} most rated movies; search to find any other.`
        : '';
    }
  }
  pickerSearch.addEventListener('input', debounce(app.tracker, renderPickerOptions, SEARCH_DELAY_MS));

  async function renderSimilar() {
    const isCurrent = latestSimilar.next();
    const topN = state.get().similar;
    if (app.notices.get('similar') === null || document.activeElement !== topInput) topInput.value = String(topN);
    let result;
    try {
      result = await core.call('similar', { movieId: state.get().movie, topN });
    } catch (error) {
      if (!isCurrent()) return;
      app.log.error(error.message);
      result = { movie: null, rows: [] };
    }
    if (!isCurrent()) return;
    const requested = state.get().movie;
    if (result.movie && requested !== null && result.movie.id !== requested) {
      // The movie id from the link, or from other data, is not in this catalog.
      const text = `${firstData ? `The link's movie=${requested}` : `Movie id ${requested}`} is not in this data, so ${movieName(result.movie)} is shown.`;
      app.log.warn(text);
      app.notices.set('movie', text, { fromLink: firstData });
      state.set({ movie: null });
    }
    if (result.movie && [...movieSelect.options].some((option) => option.value === String(result.movie.id))) {
      movieSelect.value = String(result.movie.id);
    }

    // Movies that share no genre (similarity 0) are not similar, so they are left out.
    const similar = result.rows.filter((row) => row.similarity > 0);
    const name = result.movie ? movieName(result.movie) : '';
    let note = null;
    if (result.movie && similar.length === 0) {
      note = `No other movie shares a genre with ${name}${result.movie.genres.length === 0 ? ', which has no genres' : ''}.`;
    } else if (similar.length < result.rows.length) {
      note = `Only ${plural(similar.length, 'other movie shares', 'other movies share')} a genre with ${name}.`;
    }
    replaceChildren(similarTable,
      similar.length === 0 ? null : dataTable({
        testId: 'similar-table',
        caption: result.movie ? `Most similar to ${name}` : null,
        columns: [{ label: '#', className: 'num' }, { label: 'Title' }, { label: 'Genres' }, { label: 'Similarity', className: 'num' }],
        rows: similar.map((row, i) => [
          { content: String(i + 1), className: 'num' },
          { content: movieName(row.movie), header: true },
          genreChips(row.movie.genres),
          { content: formatNumber(row.similarity, 3), className: 'num' },
        ]),
      }),
      note ? h('p', { class: 'muted', 'data-testid': 'similar-note' }, note) : null);
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
          h('label', { class: 'field' }, h('span', { class: 'field-label' }, 'Movie'), movieSelect, movieHint.element),
          h('label', { class: 'field narrow' }, h('span', { class: 'field-label' }, 'Top N'), topInput, topHint.element)),
        pickerNote,
        similarTable);
      replaceChildren(root, mapControls, noteArea, h('div', { class: 'embed-key' }, canvasWrap, legend, readout), similarArea);
      await Promise.all([renderMap(), renderPickerOptions().then(renderSimilar)]);
      firstData = false;
    },
  };
}
