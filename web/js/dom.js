// dom.js: small helpers that build DOM nodes. Every string child becomes a
// text node, so titles and genres from data files are never parsed as HTML.

/**
 * Creates an element. `props` sets attributes ("class", "id", "aria-*", ...),
 * `on*` event listeners, or properties when the key starts with ".". Children
 * may be nodes, strings, numbers, null/false (skipped) or nested arrays.
 */
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      element.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key.startsWith('.')) {
      element[key.slice(1)] = value;
    } else {
      element.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

/** Appends children as h() does. */
export function append(parent, children) {
  for (const child of [children].flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

/** Replaces all children of `parent`. */
export function replaceChildren(parent, ...children) {
  parent.replaceChildren();
  return append(parent, children);
}

/**
 * Returns the text that names a movie: its title, or "Movie <id>" when the
 * data has no title for it (a ratings file loaded without a movies file).
 */
export function movieName(movie) {
  return movie.title || `Movie ${movie.label ?? movie.id}`;
}

// ---------------------------------------------------------------------------
// Number formatting
// ---------------------------------------------------------------------------

// Created on first use: the first Intl object of a page starts ICU, which took
// 12-20 ms in headless Chromium 156 (measured on the 2-core build machine),
// time the first render would otherwise wait for.
let numberFormat = null;

/**
 * Formats a count with thousands separators: 100836 -> "100,836". Safe
 * integers are grouped here; other values go through Intl.NumberFormat('en-US'),
 * whose output for integers this matches.
 */
export function formatCount(n) {
  if (Number.isSafeInteger(n) && !Object.is(n, -0)) {
    const digits = String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ',');
    return n < 0 ? `-${digits}` : digits;
  }
  numberFormat ??= new Intl.NumberFormat('en-US');
  return numberFormat.format(n);
}

/**
 * Follows an element's content width with a ResizeObserver and calls
 * onChange(width) after each change. Returns a function that gives the last
 * observed width, or null before the first observation. Drawing code sizes its
 * canvas from this width: reading clientWidth right after the page changed
 * would lay out the whole page synchronously, which at start-up costs tens of
 * milliseconds per read.
 */
export function trackWidth(element, onChange) {
  let width = null;
  new ResizeObserver((entries) => {
    const observed = entries[entries.length - 1].contentRect.width;
    if (observed === width) return;
    width = observed;
    onChange(width);
  }).observe(element);
  return () => width;
}

/** Formats a count with its noun: plural(1, 'title', 'titles') -> "1 title", plural(2, ...) -> "2 titles". */
export function plural(n, singular, pluralForm) {
  return `${formatCount(n)} ${n === 1 ? singular : pluralForm}`;
}

/** Formats a score with fixed decimals, or "n/a" for null/NaN. */
export function formatNumber(x, digits = 2) {
  if (x === null || x === undefined || Number.isNaN(x)) return 'n/a';
  const text = x.toFixed(digits);
  // Avoid showing "-0.00" for tiny negative values.
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}

/** Formats a rating: integers without decimals, half stars with one. */
export function formatRating(x) {
  if (x === null || x === undefined) return '';
  return Number.isInteger(x) ? String(x) : x.toFixed(1);
}

/** Formats a byte count as "2.4 MB". */
export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} kB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

// ---------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------

/**
 * Builds a table inside a horizontally scrolling wrapper. `columns` are
 * { label, className, vertical } and `rows` are arrays of cell contents (or
 * { content, className, header } objects).
 */
export function dataTable({ caption, columns, rows, className = '', testId }) {
  const head = h('thead', {}, h('tr', {}, columns.map((column) =>
    h('th', { scope: 'col', class: [column.className, column.vertical ? 'vertical' : ''].filter(Boolean).join(' ') || null, title: column.title },
      column.vertical ? h('span', {}, column.label) : column.label))));
  const body = h('tbody', {}, rows.map((row) => h('tr', {}, row.map((cell, i) => {
    const spec = cell !== null && typeof cell === 'object' && !(cell instanceof Node) && !Array.isArray(cell) ? cell : { content: cell };
    const className = [columns[i]?.className, spec.className].filter(Boolean).join(' ') || null;
    return spec.header
      ? h('th', { scope: 'row', class: className, title: spec.title }, spec.content)
      : h('td', { class: className, title: spec.title }, spec.content);
  }))));
  const table = h('table', { class: className || null, 'data-testid': testId }, caption ? h('caption', {}, caption) : null, head, body);
  return h('div', { class: 'scroll' }, table);
}

/** Builds a labelled form control: <label><span>text</span>control</label>. */
export function field(labelText, control, hint) {
  return h('label', { class: 'field' }, h('span', { class: 'field-label' }, labelText), control,
    hint ? h('span', { class: 'field-hint' }, hint) : null);
}
