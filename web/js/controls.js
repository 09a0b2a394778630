// controls.js: form controls that several views share: the message line
// beside a control, number inputs bound to a state key, and the user picker.

import { h, formatCount } from './dom.js';
import { describeRange, validateSetting } from './state.js';

/** Data sets with at most this many users get a drop-down, and larger ones an id input. */
const SELECT_MAX_USERS = 50;

// ---------------------------------------------------------------------------
// Messages beside controls
// ---------------------------------------------------------------------------

/**
 * Creates the hint line of a control. It shows the notice of `key` (see
 * notices.js) in the error style, else the text that defaultText() returns.
 * `inputs` get aria-invalid while the key has a notice. Returns { element, refresh }.
 */
export function settingHint(app, key, { inputs = [], defaultText = () => '' } = {}) {
  const element = h('span', { class: 'field-hint', 'data-hint-for': key, 'aria-live': 'polite' });
  let wasConnected = false;
  function refresh() {
    wasConnected ||= element.isConnected;
    const notice = app.notices.get(key);
    element.textContent = notice ?? defaultText();
    element.classList.toggle('invalid', notice !== null);
    element.hidden = element.textContent === '';
    for (const input of inputs) {
      if (notice !== null) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    }
  }
  // A view that redraws its controls replaces the hint; the replaced one stops listening.
  const unsubscribe = app.notices.subscribe((changed) => {
    if (wasConnected && !element.isConnected) unsubscribe();
    else if (changed === key) refresh();
  });
  refresh();
  return { element, refresh };
}

/**
 * Binds a number input to a state key. Every edit is checked against the
 * key's range, and against check(value) for limits that depend on the data
 * (check returns null, or { problem, expected } such as { problem: 'is above
 * the rating scale', expected: 'a number from 0.5 to 5' }). A valid value goes
 * into the state and clears the key's notice. An invalid or empty one leaves
 * the state as it was and sets a notice that names the text typed, the valid
 * range and the value still in use (inUse(), for keys whose default comes
 * from the data). With live, `input` events apply values as they are typed;
 * otherwise only `change` events do.
 */
export function bindNumberInput(app, { key, input, label, live = false, check = null, shown = (value) => String(value), inUse = () => app.state.get()[key] }) {
  const { state, notices } = app;

  function reject(problem, expected) {
    const current = inUse();
    const still = current === null || current === undefined ? '' : ` Still using ${shown(current)}.`;
    notices.set(key, `${label} ${problem}: enter ${expected}.${still}`);
  }

  function apply({ final }) {
    const text = input.value.trim();
    if (input.validity?.badInput) {
      reject('is not a number', describeRange(key));
      return;
    }
    if (text === '') {
      // An empty field while typing is a step towards a value, so only a final edit reports it.
      if (final) reject('is empty', describeRange(key));
      return;
    }
    const result = validateSetting(key, text);
    if (result.error) {
      reject(`= ${text} ${result.error.problem}`, result.error.expected);
      return;
    }
    const dataLimit = check ? check(result.value) : null;
    if (dataLimit) {
      reject(`= ${text} ${dataLimit.problem}`, dataLimit.expected);
      return;
    }
    notices.clear(key);
    state.set({ [key]: result.value });
    if (final) input.value = String(result.value);
  }

  if (live) input.addEventListener('input', () => apply({ final: false }));
  input.addEventListener('change', () => apply({ final: true }));
}

// ---------------------------------------------------------------------------
// User picker
// ---------------------------------------------------------------------------

/**
 * Creates a user picker bound to the `user` state key: a <select> for small
 * data sets, an id field that checks the id against the data for large ones.
 * Resolves to { element, show(userId) } where show() displays the user a
 * view actually uses.
 */
export async function createUserPicker(app, { id, label = 'User' }) {
  const { core, state, notices } = app;
  const users = await core.call('users', { listMax: SELECT_MAX_USERS });

  if (users.list) {
    const select = h('select', {
      id,
      onchange: () => {
        notices.clear('user');
        state.set({ user: Number(select.value) });
      },
    }, users.list.map((user) => h('option', { value: user.id }, `User ${user.id} (${formatCount(user.ratings)} ratings)`)));
    const hint = settingHint(app, 'user', { inputs: [select] });
    const show = (userId) => { select.value = String(userId); };
    return { element: h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), select, hint.element), show };
  }

  // A text field, not type=number, so that a message can quote what was typed.
  const range = `ids ${users.first}–${users.last}`;
  let shownInfo = null;
  // True while the field contains rejected text, which stays visible beside its message.
  let holdsRejectedText = false;
  const input = h('input', { id, type: 'text', inputmode: 'numeric', autocomplete: 'off', size: 10 });
  const hint = settingHint(app, 'user', {
    inputs: [input],
    defaultText: () => (shownInfo ? `${formatCount(shownInfo.ratings)} ratings · ${range}` : range),
  });

  async function commit() {
    const text = input.value.trim();
    const userId = Number(text);
    if (text === '' || !/^-?\d+$/.test(text) || !Number.isSafeInteger(userId)) {
      holdsRejectedText = true;
      notices.set('user', `“${text}” is not a user id: enter a whole number from ${users.first} to ${users.last}.`);
      return;
    }
    const info = await app.tracker.track(core.call('userInfo', userId));
    if (input.value.trim() !== text) return;
    if (!info) {
      holdsRejectedText = true;
      notices.set('user', `No user has id ${userId}; choose an id from ${users.first} to ${users.last} ` +
        `(${formatCount(users.count)} users, not every id in between exists).`);
      return;
    }
    shownInfo = info;
    holdsRejectedText = false;
    notices.clear('user');
    state.set({ user: userId });
    hint.refresh();
  }
  input.addEventListener('change', () => { commit(); });

  async function show(userId) {
    if (holdsRejectedText) return;
    input.value = String(userId);
    const info = await core.call('userInfo', userId);
    if (input.value !== String(userId)) return;
    shownInfo = info;
    hint.refresh();
  }
  return { element: h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), input, hint.element), show };
}
