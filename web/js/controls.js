// controls.js: form controls that several views share (the user picker).

import { h, formatCount } from './dom.js';

/** Data sets with at most this many users get a drop-down, and larger ones a numeric input. */
const SELECT_MAX_USERS = 50;

/**
 * Creates a user picker bound to the `user` state key: a <select> for small
 * data sets, a numeric input that checks the id against the data for large
 * ones. Resolves to { element, show(userId) } where show() displays the user
 * a view actually uses.
 */
export async function createUserPicker(app, { id, label = 'User' }) {
  const { core, state } = app;
  const users = await core.call('users', { listMax: SELECT_MAX_USERS });

  if (users.list) {
    const select = h('select', { id, onchange: () => state.set({ user: Number(select.value) }) },
      users.list.map((user) => h('option', { value: user.id }, `User ${user.id} (${formatCount(user.ratings)} ratings)`)));
    const show = (userId) => { select.value = String(userId); };
    return { element: h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), select), show };
  }

  const range = `ids ${users.first}–${users.last}`;
  const message = h('span', { class: 'field-hint', 'aria-live': 'polite' }, range);
  const input = h('input', { id, type: 'number', inputmode: 'numeric', min: users.first, max: users.last, step: 1 });

  function showInvalid(text) {
    message.textContent = text;
    message.classList.add('invalid');
  }

  async function commit() {
    const text = input.value.trim();
    const userId = Number(text);
    if (text === '' || !Number.isSafeInteger(userId)) {
      showInvalid(`“${text}” is not a user id; enter a whole number from ${users.first} to ${users.last}.`);
      return;
    }
    const info = await app.tracker.track(core.call('userInfo', userId));
    if (input.value.trim() !== text) return;
    if (!info) {
      showInvalid(`No user has id ${userId}; choose an id from ${users.first} to ${users.last} (${formatCount(users.count)} users, not every id in between exists).`);
      return;
    }
    message.textContent = `${formatCount(info.ratings)} ratings · ${range}`;
    message.classList.remove('invalid');
    state.set({ user: userId });
  }
  input.addEventListener('change', () => { commit(); });

  async function show(userId) {
    input.value = String(userId);
    const info = await core.call('userInfo', userId);
    if (input.value !== String(userId)) return;
    message.textContent = info ? `${formatCount(info.ratings)} ratings · ${range}` : range;
    message.classList.remove('invalid');
  }
  return { element: h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), input, message), show };
}
