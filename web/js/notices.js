// notices.js: messages about settings the page could not use as given (a
// value out of range, an unknown user id), kept per state key. Each control
// shows the message for its key beside it; messages about values that came
// with the link also go to the status line.

/**
 * Creates the notice store. set(key, text, { fromLink }) replaces the notice of
 * a key, clear(key) removes it, and subscribers are called with the key.
 */
export function createNotices() {
  const notices = new Map();
  const subscribers = new Set();

  function changed(key) {
    for (const fn of subscribers) fn(key);
  }

  return {
    set(key, text, { fromLink = false } = {}) {
      notices.set(key, { text, fromLink });
      changed(key);
    },
    clear(key) {
      if (notices.delete(key)) changed(key);
    },
    /** Returns the notice text of a key, or null. */
    get(key) {
      return notices.get(key)?.text ?? null;
    },
    /** Returns the texts of the notices about values from the link, in the order they were set. */
    linkTexts() {
      return [...notices.values()].filter((notice) => notice.fromLink).map((notice) => notice.text);
    },
    /** Calls fn(key) after every change. Returns an unsubscribe function. */
    subscribe(fn) {
      subscribers.add(fn);
      return () => subscribers.delete(fn);
    },
  };
}
