// loader.js: the data panel. It shows what data is in use, loads a MovieLens
// movies.csv + ratings.csv pair from a file picker or drag and drop, and goes
// back to the built-in data.

import { h, replaceChildren, formatCount, formatRating, formatBytes } from '../dom.js';
import { FILE_KIND, detectFileKind, readHead } from '../minirec.js';

// Sorts two files into { movies, ratings } by their header line, falling
// back to their names. Throws an Error that names the files on failure.
async function classifyFiles(files) {
  if (files.length !== 2) {
    throw new Error(`Choose exactly two files, movies.csv and ratings.csv; got ${files.length} (${files.map((f) => f.name).join(', ') || 'none'}).`);
  }
  const kinds = await Promise.all(files.map(async (file) => {
    const kind = detectFileKind(await readHead(file));
    if (kind) return kind;
    if (/movies/i.test(file.name)) return FILE_KIND.MOVIES;
    if (/ratings/i.test(file.name)) return FILE_KIND.RATINGS;
    return 0;
  }));
  const movies = files[kinds.indexOf(FILE_KIND.MOVIES)];
  const ratings = files[kinds.indexOf(FILE_KIND.RATINGS)];
  if (!movies || !ratings || movies === ratings) {
    throw new Error(`Cannot tell which file is movies.csv and which is ratings.csv (${files.map((f) => f.name).join(', ')}). ` +
      'Expected headers "movieId,title,genres" and "userId,movieId,rating,timestamp".');
  }
  return { movies, ratings };
}

export function createLoaderView(app, root) {
  const { core, log, events } = app;

  const summaryArea = h('div', { 'data-testid': 'data-summary' });
  const message = h('p', { class: 'load-message', 'data-testid': 'load-message', role: 'status' });
  const progress = h('progress', { max: 1, value: 0, hidden: true });
  const fileInput = h('input', { id: 'file-input', type: 'file', multiple: true, accept: '.csv,text/csv', class: 'visually-hidden' });
  const pickButton = h('label', { for: 'file-input', class: 'button primary', tabindex: 0, role: 'button' }, 'Load MovieLens files');
  const builtinButton = h('button', { type: 'button', id: 'builtin-button' }, 'Back to built-in data');
  let busy = false;

  function setBusy(value) {
    busy = value;
    fileInput.disabled = value;
    builtinButton.disabled = value || core.isBuiltin;
    pickButton.classList.toggle('disabled', value);
    progress.hidden = !value;
  }

  function renderSummary() {
    const s = core.summary();
    const scale = `${formatRating(s.ratingMin)} to ${formatRating(s.ratingMax)}`;
    if (s.source === 'builtin') {
      replaceChildren(summaryArea, h('p', { class: 'summary-line' },
        h('strong', {}, 'Built-in teaching data: '),
        `${s.movies} movies, ${s.users} users, ${s.ratings} ratings from ${scale} on a 1 to ${formatRating(s.ratingMax)} scale.`));
      return;
    }
    const items = [
      ['Files', s.files.join(' + ')],
      ['Users', formatCount(s.users)],
      ['Movies', formatCount(s.movies)],
      ['Ratings', formatCount(s.ratings)],
      ['Rating scale', `${scale} (content scores are scaled to ${formatRating(s.ratingMax)})`],
      ['Genres', formatCount(s.genres)],
      ['Duplicate ratings', `${formatCount(s.duplicates)}${s.duplicates ? ' (the last one kept)' : ''}`],
      ['Rated movies missing from movies.csv', formatCount(s.moviesFromRatings)],
    ];
    replaceChildren(summaryArea,
      h('p', { class: 'summary-line' }, h('strong', {}, 'Loaded MovieLens data. '), 'Every section below now uses it.'),
      h('dl', { class: 'summary' }, items.map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value)))));
  }

  async function loadFiles(fileList) {
    if (busy) return;
    const files = Array.from(fileList);
    const previous = core.isBuiltin ? 'the built-in data' : 'the previously loaded data';
    message.className = 'load-message';
    let pair;
    try {
      pair = await classifyFiles(files);
    } catch (error) {
      message.textContent = error.message;
      message.classList.add('error-text');
      log.error(error.message);
      return;
    }

    const totalBytes = pair.movies.size + pair.ratings.size;
    const started = performance.now();
    setBusy(true);
    app.trainer.stop();
    log.status(`Loading ${pair.movies.name} and ${pair.ratings.name}…`, 'busy');
    log.info(`Loading ${pair.movies.name} (${formatBytes(pair.movies.size)}) and ${pair.ratings.name} (${formatBytes(pair.ratings.size)}).`);
    message.textContent = 'Reading files…';
    progress.max = totalBytes;
    progress.value = 0;

    try {
      await core.loadMovieLens(pair, {
        onProgress: ({ file, kind, bytesDone, bytesTotal, line }) => {
          const offset = kind === FILE_KIND.RATINGS ? pair.movies.size : 0;
          progress.value = offset + bytesDone;
          message.textContent = `Reading ${file}: ${formatBytes(bytesDone)} of ${formatBytes(bytesTotal)}, line ${formatCount(line)}`;
        },
      });
    } catch (error) {
      setBusy(false);
      const text = `Could not load the files: ${error.message}. ${previous[0].toUpperCase()}${previous.slice(1)} is still in use.`;
      message.textContent = text;
      message.classList.add('error-text');
      log.error(text);
      events.emit('load-failed', { error });
      return;
    }

    setBusy(false);
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const s = core.summary();
    message.textContent = `Loaded in ${seconds} s.`;
    log.info(`Loaded ${formatCount(s.users)} users, ${formatCount(s.movies)} movies and ${formatCount(s.ratings)} ratings in ${seconds} s (${formatCount(s.duplicates)} duplicates).`);
    events.emit('data', { source: 'movielens' });
  }

  fileInput.addEventListener('change', () => {
    const files = fileInput.files;
    if (files && files.length) loadFiles(files).finally(() => { fileInput.value = ''; });
  });
  pickButton.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      fileInput.click();
    }
  });

  // Files may be dropped anywhere on the page. The data panel lights up meanwhile.
  // Default handling is always prevented, because a dropped file would
  // otherwise replace the page. Embedded single views ignore drops.
  const panel = root.closest('section') ?? root;
  const acceptsDrops = () => !document.body.classList.contains('embed');
  document.addEventListener('dragover', (event) => {
    event.preventDefault();
    if (acceptsDrops()) panel.classList.add('dragging');
  });
  document.addEventListener('dragleave', (event) => {
    if (event.relatedTarget === null) panel.classList.remove('dragging');
  });
  document.addEventListener('drop', (event) => {
    event.preventDefault();
    panel.classList.remove('dragging');
    if (acceptsDrops() && event.dataTransfer?.files?.length) loadFiles(event.dataTransfer.files);
  });

  builtinButton.addEventListener('click', () => {
    if (busy || core.isBuiltin) return;
    app.trainer.stop();
    core.loadBuiltin();
    message.className = 'load-message';
    message.textContent = 'Back on the built-in data.';
    log.info('Switched back to the built-in data.');
    events.emit('data', { source: 'builtin' });
  });

  events.on('data', () => {
    renderSummary();
    builtinButton.disabled = busy || core.isBuiltin;
  });

  replaceChildren(root,
    summaryArea,
    h('div', { class: 'controls load-controls' },
      fileInput, pickButton, builtinButton,
      h('span', { class: 'drop-hint' }, 'or drop movies.csv and ratings.csv on this page')),
    h('p', { class: 'muted small' },
      'Use the two CSV files of the MovieLens ml-latest-small release from GroupLens. They are read in your browser and never uploaded.'),
    progress,
    message);

  return { loadFiles };
}
