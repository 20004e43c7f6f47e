#!/usr/bin/env node
'use strict';
// CommonJS with a bit of JSX and Flow, as found in older React codebases.
const path = require('path');
const { readFile } = require("fs/promises");
const helper = require('./lib/helper')(42);
const config = require(`./config`);

module.exports = class Plugin extends require('./base') {
  render() {
    return <Widget src={require.resolve('./widget')} />;
  }
};

function later(name) {
  return require(name) || require('./fallback');
}

exports.load = async () => (await import('./lazy.js')).default;

type Options = { verbose: boolean };
function run(opts: Options): void {}
