import assert from 'node:assert/strict';
import {test} from 'node:test';
import {hrefWithPresent, presentFromSearch, presetChoices} from './presentation.js';

test('presentFromSearch reads the flag', () => {
  assert.equal(presentFromSearch('?present=1'), true);
  assert.equal(presentFromSearch('?present'), true);
  assert.equal(presentFromSearch('?present=true'), true);
  assert.equal(presentFromSearch('?a=b&present=1'), true);
  assert.equal(presentFromSearch('?present=0'), false);
  assert.equal(presentFromSearch('?present=FALSE'), false);
  assert.equal(presentFromSearch(''), false);
  assert.equal(presentFromSearch('?presenter=1'), false);
});

test('hrefWithPresent sets and removes the flag and keeps the permalink and other parameters', () => {
  const hash = '#s=eyJzY2VuYXJpbyI6e319';
  assert.equal(hrefWithPresent(`http://h:1/${hash}`, true), `/?present=1${hash}`);
  assert.equal(hrefWithPresent(`http://h:1/?present=1${hash}`, false), `/${hash}`);
  assert.equal(hrefWithPresent(`http://h:1/?lesson=x&present=1${hash}`, false), `/?lesson=x${hash}`);
  assert.equal(hrefWithPresent(`http://h:1/?lesson=x${hash}`, true), `/?lesson=x&present=1${hash}`);
  assert.equal(hrefWithPresent('http://h:1/?present=1', true), '/?present=1');
});

test('presetChoices marks the preset on show, or says the scenario is the user\'s own', () => {
  const presets = [{name: 'clustered', title: 'Clustered memories'}, {name: 'random'}];
  assert.deepEqual(presetChoices(presets, 'random'), [
    {value: 'clustered', label: 'Clustered memories', selected: false, disabled: false},
    {value: 'random', label: 'random', selected: true, disabled: false},
  ]);
  const own = presetChoices(presets, null);
  assert.deepEqual(own[0], {value: '', label: 'your own scenario', selected: true, disabled: true});
  assert.equal(own.length, 3);
  assert.deepEqual(presetChoices(undefined, null), [{value: '', label: 'your own scenario', selected: true, disabled: true}]);
});
