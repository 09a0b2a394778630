// page-logic.test.mjs: tests the page's modules that need no browser: the URL
// state (web/js/state.js), the notices beside controls (web/js/notices.js)
// and the heatmap's axis labels (web/js/views/heatmap.js).
// Run: node --test tests/node/

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';

import { createState, describeRange, validateSetting } from '../../web/js/state.js';
import { createNotices } from '../../web/js/notices.js';
import { axisLabel, fitText } from '../../web/js/views/heatmap.js';

// A location and history pair that records the URLs written.
function fakeBrowser(search) {
  const written = [];
  return {
    location: { search, pathname: '/minirec.html', hash: '' },
    history: { replaceState: (data, title, url) => written.push(url) },
    written,
  };
}

describe('URL state', () => {
  test('ranges read as sentences', () => {
    assert.equal(describeRange('k'), 'a whole number from 1 to 1,024');
    assert.equal(describeRange('lr'), 'a number greater than 0 and at most 10');
    assert.equal(describeRange('alpha'), 'a number from 0 to 1');
    assert.equal(describeRange('minr'), 'a whole number from 0 to 100,000');
  });

  test('invalid values name the problem', () => {
    assert.deepEqual(validateSetting('alpha', '0.5'), { value: 0.5 });
    const cases = [
      ['alpha', '7', 'is out of range'],
      ['epochs', '1.5', 'is not an integer'],
      ['lr', '0', 'is out of range'],
      ['like', '0', 'is out of range'],
      ['lr', 'fast', 'is not a number'],
      ['view', 'slides', 'is not valid'],
    ];
    for (const [key, raw, problem] of cases) {
      const { error } = validateSetting(key, raw);
      assert.ok(error, `${key}=${raw} is rejected`);
      assert.equal(error.problem, problem, `${key}=${raw}: problem`);
      assert.equal(error.expected, describeRange(key), `${key}=${raw}: expected range`);
      assert.equal(error.message, `${key}=${raw} ${problem}; expected ${describeRange(key)}`, `${key}=${raw}: message`);
    }
  });

  test('link values rejected and URL rewritten', () => {
    const browser = fakeBrowser('?alpha=7&user=3&k=0');
    const state = createState(browser);
    assert.deepEqual(state.rejected.map((error) => error.key), ['alpha', 'k'], 'alpha and k rejected');
    assert.equal(state.get().alpha, 0.7, 'alpha takes its default');
    assert.equal(state.get().k, 3, 'k takes its default');
    assert.equal(state.get().user, 3, 'a valid value is kept');
    assert.deepEqual(browser.written, ['/minirec.html?user=3'], 'the URL keeps only the values in use');
  });

  test('valid link leaves the URL alone', () => {
    const browser = fakeBrowser('?alpha=0.5');
    createState(browser);
    assert.deepEqual(browser.written, [], 'nothing rewritten');
  });

  test('set returns structured errors', () => {
    const state = createState(fakeBrowser(''));
    const errors = state.set({ epochs: '1.5', seed: 7 });
    assert.equal(errors.length, 1);
    assert.equal(errors[0].key, 'epochs');
    assert.equal(errors[0].problem, 'is not an integer');
    assert.equal(state.get().seed, 7, 'the valid key is stored');
    assert.equal(state.get().epochs, 500, 'the invalid key keeps its value');
  });
});

describe('notices', () => {
  test('link notices reach the status text', () => {
    const notices = createNotices();
    const changed = [];
    notices.subscribe((key) => changed.push(key));
    notices.set('alpha', 'alpha from the link', { fromLink: true });
    notices.set('k', 'typed k');
    assert.deepEqual(notices.linkTexts(), ['alpha from the link'], 'only link notices');
    assert.equal(notices.get('k'), 'typed k');
    notices.clear('alpha');
    notices.clear('alpha');
    assert.equal(notices.get('alpha'), null);
    assert.deepEqual(changed, ['alpha', 'k', 'alpha'], 'a second clear changes nothing');
  });
});

describe('heatmap labels', () => {
  // Measures 7 px per character, like a small font.
  const context = { measureText: (text) => ({ width: 7 * text.length }) };

  test('leading article dropped', () => {
    assert.equal(axisLabel('The Matrix'), 'Matrix');
    assert.equal(axisLabel('A Beautiful Mind (2001)'), 'Beautiful Mind (2001)');
    assert.equal(axisLabel('an American Tail'), 'American Tail');
    assert.equal(axisLabel('Matrix, The (1999)'), 'Matrix, The (1999)', 'a trailing article stays');
    assert.equal(axisLabel('The'), 'The', 'a title that is only an article stays');
  });

  test('long titles cut in the middle', () => {
    const four = fitText(context, 'Star Wars: Episode IV - A New Hope (1977)', 140);
    const five = fitText(context, 'Star Wars: Episode V - The Empire Strikes Back (1980)', 140);
    assert.ok(four.length * 7 <= 140, `"${four}" fits 140 px`);
    assert.ok(five.length * 7 <= 140, `"${five}" fits 140 px`);
    assert.notEqual(four, five, 'the two episodes differ');
    assert.match(four, /^Star Wars.*….*\(1977\)$/);
    assert.match(five, /^Star Wars.*….*\(1980\)$/);
    assert.equal(fitText(context, 'Heat (1995)', 140), 'Heat (1995)', 'a short title is unchanged');
  });
});
