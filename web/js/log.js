// log.js: the status line above the page and the message panel below it.
// Errors go to both. A message repeated in a row is counted, not repeated.
// The status line can also carry a standing notice (settings from the link
// that were replaced), which stays after the status text changes.

import { h } from './dom.js';

const MAX_ENTRIES = 200;

// Local time as HH:MM:SS on a 24-hour clock, built by hand because the first
// toLocaleTimeString() call of a page starts ICU's date formatting (about 2 ms
// in headless Chromium 156) while the page is booting.
function clockTime(date) {
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((part) => String(part).padStart(2, '0')).join(':');
}

/**
 * Creates the logger over a status element and a message list element.
 * `onError` is called for every error entry (the page uses it to reveal the
 * panel in embedded views).
 */
export function createLog(statusElement, listElement, { onError = () => {} } = {}) {
  let lastEntry = null;
  let statusText = '';
  let statusKind = 'info';
  let notice = '';
  let scrollPending = false;

  // Scrolls the list to its newest entry before the next frame. Reading
  // scrollHeight right after an append would force a layout of the whole page
  // for every message, several times during the first render.
  function scrollToEnd() {
    if (scrollPending) return;
    scrollPending = true;
    requestAnimationFrame(() => {
      scrollPending = false;
      listElement.scrollTop = listElement.scrollHeight;
    });
  }

  function add(level, message) {
    const text = String(message);
    if (lastEntry && lastEntry.level === level && lastEntry.text === text) {
      lastEntry.count += 1;
      lastEntry.countNode.textContent = ` (×${lastEntry.count})`;
      return;
    }
    const time = clockTime(new Date());
    const countNode = h('span', { class: 'log-count' });
    const item = h('li', { class: `log-${level}` },
      h('span', { class: 'log-time' }, time), ' ', h('span', { class: 'log-level' }, level), ' ', text, countNode);
    listElement.append(item);
    while (listElement.children.length > MAX_ENTRIES) listElement.firstElementChild.remove();
    scrollToEnd();
    lastEntry = { level, text, count: 1, countNode };
    if (level === 'error') onError(text);
  }

  // A notice turns an ok or info status into a warning, so embedded views show it too.
  function showStatus() {
    statusElement.replaceChildren(statusText, notice ? h('span', { class: 'status-notice' }, ` ${notice}`) : '');
    statusElement.dataset.kind = notice && (statusKind === 'ok' || statusKind === 'info') ? 'warning' : statusKind;
  }

  function setStatus(text, kind = 'info') {
    statusText = text;
    statusKind = kind;
    showStatus();
  }

  return {
    info: (message) => add('info', message),
    warn: (message) => add('warning', message),
    /** Logs an error and shows it in the status line. */
    error(message) {
      add('error', message);
      setStatus(String(message), 'error');
    },
    /** Sets the status line. kind is info, busy, ok or error. */
    status: setStatus,
    /** Sets the standing notice of the status line; '' removes it. */
    setNotice(text) {
      notice = text;
      showStatus();
    },
    /** The kind of the status line's current text, before a notice turns it into a warning. */
    get statusKind() { return statusKind; },
  };
}
