// The Node flags every PodLab main process runs with, read from the shebang of
// bin/podlab.cjs (which says why they are there), so whatever starts Node or
// Electron itself (npm start's window, tests, benchmarks) passes the same ones.
// package.json's scripts cannot read them and write them out: a test checks
// that they agree.

'use strict';

const { readFileSync } = require('node:fs');
const { join } = require('node:path');

function podlabNodeFlags() {
  const shebang = readFileSync(join(__dirname, '..', 'bin', 'podlab.cjs'), 'utf8').split('\n', 1)[0];
  return shebang.replace(/^#!.*?\bnode\b/, '').trim().split(/\s+/).filter(Boolean);
}

module.exports = { podlabNodeFlags };
