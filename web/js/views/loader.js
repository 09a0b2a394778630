// loader.js: the data panel. It shows what data is in use and loads rating
// files picked, dropped or fetched from the site ("Try real data"): CSV,
// .dat and ml-100k files, or a release's .zip as downloaded. The core reads
// them in chunks, in its worker; the panel shows progress and can cancel.

import { h, replaceChildren, formatBytes, formatCount, formatRating, plural } from '../dom.js';
import { ROLE, kindLabel, roleOf } from '../formats.js';

/** Malformed lines skipped per file when "skip malformed lines" is on. */
const LENIENT_MAX_SKIPPED = 1000;
/** Skipped lines whose reasons the summary lists. */
const SKIPPED_SHOWN = 3;

/** Returns 'single-file' or 'site' from the build's <meta name="minirec-build">, or null when unbuilt. */
function buildKind() {
  return document.querySelector('meta[name="minirec-build"]')?.content ?? null;
}

/** Reads the site's sample-data description from its <meta> tag, or returns null. */
function sampleDataFromPage() {
  const meta = document.querySelector('meta[name="minirec-sample-data"]');
  if (!meta) return null;
  try {
    const data = JSON.parse(meta.content);
    const file = (name) => data.files.find((entry) => entry.name === name);
    if (!file('ratings.csv') || !file('movies.csv')) return null;
    const url = (name) => new URL(`${data.folder}${name}`, document.baseURI).href;
    return {
      release: data.release,
      readmeUrl: url('README.txt'),
      inputs: ['ratings.csv', 'movies.csv'].map((name) => ({ type: 'url', url: url(name), name, size: file(name).size })),
      bytes: file('ratings.csv').size + file('movies.csv').size,
    };
  } catch {
    return null;
  }
}

export function createLoaderView(app, root) {
  const { core, log, events } = app;
  const sample = sampleDataFromPage();

  const summaryArea = h('div', { 'data-testid': 'data-summary' });
  const message = h('p', { class: 'load-message', 'data-testid': 'load-message', role: 'status' });
  // The file input stays out of sight and out of the tab order; the button opens its chooser.
  const fileInput = h('input', {
    id: 'file-input', type: 'file', multiple: true, hidden: true, tabindex: -1,
    accept: '.csv,.dat,.zip,.data,.item,.genre,text/csv,application/zip',
  });
  const pickButton = h('button', { type: 'button', id: 'pick-files', class: 'primary', onclick: () => fileInput.click() }, 'Load rating files');
  const sampleButton = h('button', { type: 'button', id: 'sample-button', hidden: !sample },
    sample ? `Try real data (${sample.release}, ${formatBytes(sample.bytes)})` : 'Try real data');
  const builtinButton = h('button', { type: 'button', id: 'builtin-button' }, 'Back to built-in data');
  const lenientBox = h('input', { type: 'checkbox', id: 'lenient-load' });
  const lenientField = h('label', { class: 'check', hidden: !app.capabilities.lenient }, lenientBox,
    ` Skip malformed lines (up to ${formatCount(LENIENT_MAX_SKIPPED)} per file) instead of stopping at the first one`);

  const progress = h('progress', { max: 1, value: 0, 'data-testid': 'load-progress' });
  const progressText = h('span', { class: 'progress-text', 'data-testid': 'load-progress-text' });
  const cancelButton = h('button', { type: 'button', id: 'cancel-load' }, 'Cancel');
  const progressRow = h('div', { class: 'progress-row load-progress', hidden: true }, progress, progressText, cancelButton);

  let busy = false;
  let task = null;
  let plannedFiles = [];

  function setBusy(value) {
    busy = value;
    fileInput.disabled = value;
    pickButton.disabled = value;
    sampleButton.disabled = value;
    builtinButton.disabled = value || app.summary.source === 'builtin';
    progressRow.hidden = !value;
    cancelButton.disabled = !value;
  }

  // -- Summary ---------------------------------------------------------------

  // One { name, text, kind } per file read; kind is null when the core does not report it.
  function fileEntries(s) {
    if (s.fileReports.length) {
      return s.fileReports.map((file) => ({
        name: file.name,
        kind: file.kind,
        text: `${file.format || kindLabel(file.kind)}${file.encoding ? `, ${file.encoding}` : ''}, ${plural(file.lines, 'line', 'lines')}`,
      }));
    }
    return s.files.map((name) => {
      const planned = plannedFiles.find((file) => file.name === name);
      return { name, kind: planned?.kind ?? null, text: planned ? planned.label : '' };
    });
  }

  // Rated movies missing from a movies file that was read suggest files from two releases.
  function mismatchWarning(s, files) {
    const moviesFile = files.find((file) => roleOf(file.kind) === ROLE.MOVIES);
    if (!moviesFile || s.moviesFromRatings === 0) return null;
    return h('p', { class: 'note', 'data-testid': 'movies-mismatch' },
      `${plural(s.moviesFromRatings, 'rated movie is', 'rated movies are')} missing from ${moviesFile.name}, so ` +
      `${s.moviesFromRatings === 1 ? 'it shows' : 'they show'} as ids without titles or genres. ` +
      'The files may come from different releases (for example MovieLens ratings with MovieTweetings movies); ' +
      'load the ratings and movies of one release together.');
  }

  function renderSummary(s) {
    const scale = `${formatRating(s.ratingMin)} to ${formatRating(s.ratingMax)}`;
    if (s.source === 'builtin') {
      replaceChildren(summaryArea, h('p', { class: 'summary-line' },
        h('strong', {}, 'Built-in teaching data: '),
        `${s.movies} movies, ${s.users} users, ${s.ratings} ratings from ${scale} on a 1 to ${formatRating(s.ratingMax)} scale.`));
      return;
    }
    const files = fileEntries(s);
    const items = [
      ['Users', formatCount(s.users)],
      ['Movies', formatCount(s.movies)],
      ['Ratings', formatCount(s.ratings)],
      ['Rating scale', `${scale} (content scores are scaled to ${formatRating(s.ratingMax)})`],
      ['Genres', s.genres ? formatCount(s.genres) : '0 (no movies file, or no genres in it)'],
      ['Duplicate ratings', `${formatCount(s.duplicates)}${s.duplicates ? ' resolved (the last rating of a user for a movie is kept)' : ''}`],
      ['Rated movies missing from the movies file', formatCount(s.moviesFromRatings)],
      ['Lines skipped', formatCount(s.skipped)],
    ];
    if (s.convertedLines) items.push(['Lines converted to UTF-8', formatCount(s.convertedLines)]);
    if (s.roundedRatings) items.push(['Ratings rounded to single precision', formatCount(s.roundedRatings)]);

    const skippedList = s.skippedLines.length
      ? h('div', { 'data-testid': 'skipped-lines' },
        h('p', { class: 'small' }, `First ${Math.min(SKIPPED_SHOWN, s.skippedLines.length)} skipped lines:`),
        h('ul', { class: 'plain-list small' }, s.skippedLines.slice(0, SKIPPED_SHOWN).map((row) =>
          h('li', {}, `${row.file} line ${formatCount(row.line)}: ${row.reason}`, row.text ? h('code', {}, ` ${row.text}`) : null))))
      : null;
    // The file list sits above the grid of counts and takes the panel's full width.
    replaceChildren(summaryArea,
      h('p', { class: 'summary-line' }, h('strong', {}, 'Loaded rating data. '), 'Every section below now uses it.'),
      h('div', { class: 'file-list' },
        h('p', { class: 'file-list-title' }, files.length === 1 ? 'File' : 'Files'),
        h('ul', { class: 'plain-list' }, files.map((file) => h('li', {},
          h('span', { class: 'file-name' }, file.name), file.text ? `: ${file.text}` : '')))),
      mismatchWarning(s, files),
      h('dl', { class: 'summary' }, items.map(([term, value]) => h('div', {}, h('dt', {}, term), h('dd', {}, value)))),
      skippedList,
      s.ignored?.length
        ? h('p', { class: 'muted small' }, `Not read (no ratings, movies or genre names): ${s.ignored.slice(0, 12).join(', ')}${s.ignored.length > 12 ? ', …' : ''}.`)
        : null);
  }

  // -- Loading -----------------------------------------------------------------

  function showProgress(event) {
    if (event.phase === 'plan') {
      plannedFiles = event.files;
      progress.max = Math.max(1, event.bytesTotal);
      progress.value = 0;
      const names = event.files.map((file) => `${file.name} (${file.label}, ${formatBytes(file.size)})`);
      log.info(`Reading ${names.join(', ')}.${event.ignored.length ? ` Not read: ${event.ignored.join(', ')}.` : ''}`);
      progressText.textContent = `Reading ${event.files[0]?.name ?? ''}…`;
    } else if (event.phase === 'progress') {
      progress.max = Math.max(1, event.bytesTotal);
      progress.value = event.bytesDone;
      const which = event.fileCount > 1 ? ` (file ${event.fileIndex + 1} of ${event.fileCount})` : '';
      progressText.textContent = `Reading ${event.file}${which}: ${formatBytes(event.bytesDone)} of ${formatBytes(event.bytesTotal)} · ` +
        `${formatCount(event.ratingsRead)} ratings read`;
    } else if (event.phase === 'finishing') {
      progress.removeAttribute('value');
      progressText.textContent = 'Building the indexes (sorting users and movies, resolving duplicates)…';
    }
  }

  async function runLoad(inputs, description) {
    if (busy) return;
    const previous = app.summary.source === 'builtin' ? 'The built-in data' : 'The previously loaded data';
    message.className = 'load-message';
    message.textContent = '';
    plannedFiles = [];
    setBusy(true);
    progressText.textContent = `Opening ${description}…`;
    progress.max = 1;
    progress.value = 0;
    await app.trainer.stop();
    log.status(`Loading ${description}…`, 'busy');

    let summary;
    try {
      task = core.start('load', [inputs, { maxSkipped: lenientBox.checked ? LENIENT_MAX_SKIPPED : 0 }], { onEvent: showProgress });
      summary = await task.promise;
    } catch (error) {
      setBusy(false);
      if (error.name === 'LoadCancelled') {
        message.textContent = `Loading cancelled. ${previous} is still in use.`;
        log.info(`Loading ${description} cancelled; ${previous.toLowerCase()} is still in use.`);
        log.status(`Loading cancelled. ${previous} is still in use.`, 'info');
      } else {
        const text = `Could not load the files: ${error.message.replace(/\.$/, '')}. ${previous} is still in use.`;
        message.textContent = text;
        message.classList.add('error-text');
        log.error(text);
      }
      events.emit('load-failed', { error });
      return;
    } finally {
      task = null;
    }

    setBusy(false);
    // Small files load in hundredths of a second, which one decimal would show as 0.0.
    const seconds = summary.seconds.toFixed(summary.seconds < 1 ? 2 : 1);
    message.textContent = `Loaded in ${seconds} s.`;
    log.info(`Loaded ${formatCount(summary.users)} users, ${formatCount(summary.movies)} movies and ${formatCount(summary.ratings)} ratings ` +
      `in ${seconds} s (${plural(summary.duplicates, 'duplicate', 'duplicates')}, ${plural(summary.skipped, 'line', 'lines')} skipped).`);
    events.emit('data', { summary, fresh: true });
  }

  function loadFiles(fileList) {
    const files = Array.from(fileList);
    if (files.length === 0) return Promise.resolve();
    const description = files.length === 1 ? files[0].name : `${files.length} files (${files.map((file) => file.name).join(', ')})`;
    return runLoad(files.map((file) => ({ type: 'blob', blob: file, name: file.name })), description);
  }

  fileInput.addEventListener('change', () => {
    const files = fileInput.files;
    if (files && files.length) loadFiles(files).finally(() => { fileInput.value = ''; });
  });
  cancelButton.addEventListener('click', () => {
    if (!task) return;
    cancelButton.disabled = true;
    progressText.textContent = 'Cancelling…';
    task.cancel();
  });
  sampleButton.addEventListener('click', () => {
    if (sample) runLoad(sample.inputs, `MovieLens ${sample.release} from this site`);
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

  builtinButton.addEventListener('click', async () => {
    if (busy || app.summary.source === 'builtin') return;
    await app.trainer.stop();
    const summary = await core.call('loadBuiltin');
    message.className = 'load-message';
    message.textContent = 'Back on the built-in data.';
    log.info('Switched back to the built-in data.');
    events.emit('data', { summary, fresh: true });
  });

  events.on('data', ({ summary }) => {
    renderSummary(summary);
    builtinButton.disabled = busy || summary.source === 'builtin';
  });

  const credit = sample
    ? h('p', { class: 'muted small credit', 'data-testid': 'sample-credit' },
      `“Try real data” reads MovieLens ${sample.release} by GroupLens Research (University of Minnesota), shipped unchanged with this site together with its `,
      h('a', { href: sample.readmeUrl, target: '_blank', rel: 'noopener' }, 'README.txt'),
      '. Terms: research use only, no endorsement implied; cite F. Maxwell Harper and Joseph A. Konstan, “The MovieLens Datasets: History and Context”, ',
      'ACM TiiS 2015; no commercial use without permission; redistribution only under these same terms.')
    : h('p', { class: 'muted small', 'data-testid': 'sample-note' },
      'Real data: drop a MovieLens release .zip from GroupLens here (ml-latest-small.zip is about 1 MB). ',
      buildKind() === 'site'
        ? 'This site was built without the data set, so it has no button to fetch ml-latest-small.'
        : 'The hosted version of this page can also fetch ml-latest-small with one button; this single file leaves the data out.');

  replaceChildren(root,
    summaryArea,
    h('div', { class: 'controls load-controls' },
      fileInput, pickButton, sampleButton, builtinButton,
      h('span', { class: 'drop-hint' }, 'or drop files on this page')),
    h('p', { class: 'muted small' },
      'Reads ratings.csv with movies.csv (MovieLens), ratings.dat with movies.dat (MovieLens 1M/10M, MovieTweetings), ',
      'u.data with u.item and u.genre (MovieLens 100K), or a release’s .zip as downloaded. A ratings file alone works too. ',
      'Files are read in your browser and never uploaded.'),
    lenientField,
    credit,
    progressRow,
    message);

  return { loadFiles, runLoad };
}
