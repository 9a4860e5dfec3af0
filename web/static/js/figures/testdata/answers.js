// testdata.js: the answers of POST /api/v1/figures that the unit tests
// read (testdata/*.json, 5 × 5 grids, written by the Go test
// TestWriteFigureTestdata). Node only.

import {readFileSync} from 'node:fs';

/** answer returns the stored answer of figure name, parsed afresh. */
export function answer(name) {
  return JSON.parse(readFileSync(new URL(`./${name}.json`, import.meta.url), 'utf8'));
}
