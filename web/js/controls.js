// controls.js: form controls that several views share (the user picker).

import { h } from './dom.js';
import { currentUserId } from './subsets.js';

/** Data sets with at most this many users get a drop-down, and larger ones a numeric input. */
const SELECT_MAX_USERS = 50;

/**
 * Creates a user picker bound to the `user` state key: a <select> for small
 * data sets, a numeric input with range check for large ones. Returns
 * { element, sync } where sync() shows the current state value.
 */
export function createUserPicker(app, { id, label = 'User' }) {
  const { core, state } = app;
  const ids = core.userIds();

  if (ids.length <= SELECT_MAX_USERS) {
    const select = h('select', { id, onchange: () => state.set({ user: Number(select.value) }) },
      ids.map((userId, index) => h('option', { value: userId },
        `User ${userId} (${core.userRatingCount(index)} ratings)`)));
    const sync = () => { select.value = String(currentUserId(app)); };
    sync();
    return { element: h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), select), sync };
  }

  const first = ids[0];
  const last = ids[ids.length - 1];
  const message = h('span', { class: 'field-hint', 'aria-live': 'polite' }, `ids ${first}–${last}`);
  const input = h('input', { id, type: 'number', inputmode: 'numeric', min: first, max: last, step: 1 });

  function commit() {
    const userId = Number(input.value);
    const index = Number.isSafeInteger(userId) ? core.userIndex(userId) : -1;
    if (index < 0) {
      message.textContent = `No user has id ${input.value}; choose an id from ${first} to ${last}.`;
      message.classList.add('invalid');
      return;
    }
    message.textContent = `${core.userRatingCount(index)} ratings · ids ${first}–${last}`;
    message.classList.remove('invalid');
    state.set({ user: userId });
  }
  input.addEventListener('change', commit);

  const sync = () => {
    const userId = currentUserId(app);
    input.value = String(userId);
    message.textContent = `${core.userRatingCount(core.userIndex(userId))} ratings · ids ${first}–${last}`;
    message.classList.remove('invalid');
  };
  sync();
  return { element: h('label', { class: 'field' }, h('span', { class: 'field-label' }, label), input, message), sync };
}
