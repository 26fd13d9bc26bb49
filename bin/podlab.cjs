#!/usr/bin/env -S node --max-semi-space-size=64 --initial-old-space-size=32
// The `podlab` command. Runs the main process as built JavaScript
// (dist/main/cli/podlab.cjs, made by scripts/build-main.js), in this one
// process: nothing compiles TypeScript at run time. What is missing, or older
// than the sources in a checkout being worked on, is built first in a child
// process that takes its build tools with it: the bundle, and the UI for the
// commands that serve it.
//
// --max-semi-space-size=64 (MB): four times the young generation V8 picks by
// default on 64-bit machines. Under load most objects of a request die young,
// but the pods the caches keep survive each scavenge and are copied: with
// 10,000 simulated pods scavenges took 8.7 s of the run at 16 MB; at 32 they
// took 7.3-7.6 s in three runs and at 64 4.7-5.1 s in three runs taken in
// turn with them (wall 38.7 s against 35.7 s on average, peak RSS no higher).
// Idle RSS with two Docker nodes is unchanged: the young generation grows
// only under load. 4 MB cost a third more time.
//
// --initial-old-space-size=32 (MB): V8 starts with a small old generation and
// ran a full collection (~10 ms) at ~8.5 MB, just before a restarted
// cluster's API listened, when nearly all of that heap is the code and state
// the start keeps. With 32 MB none comes during the start: a restart's API
// answered at 278 against 289 ms (p50 of 12 restarts each, taken in turn;
// p25 267 against 283), the whole start was no longer, and RSS 25-29 s after
// the start was the same (75-77 against 76 MB).
//
// The flags are set here, not later, for the code cache's sake
// (scripts/load-bundle.cjs: the cache is refused when V8's flags differ).
//
// CommonJS: Node starts a CommonJS entry ~10 ms sooner than an ES module
// one, and a restarted cluster's API answers in about 0.3 s.

'use strict';

const { ensureBuilt, mainOutputs } = require('../scripts/build-state.cjs');
const { loadBundle } = require('../scripts/load-bundle.cjs');

const argv = process.argv.slice(2);
ensureBuilt({ ui: ['serve', 'ui'].includes(argv[0]) });
// Stacks that name the TypeScript sources, for bug reports (PODLAB_DEBUG=1 also prints them).
if (process.env.PODLAB_DEBUG) process.setSourceMapsEnabled(true);
const { runPodlab } = loadBundle(mainOutputs().cli);
// A failure it does not handle is an unhandled rejection: Node prints it and exits with 1.
runPodlab(argv);
