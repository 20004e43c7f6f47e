/// <reference path="./globals.d.ts" />
/// <reference types="node" />
/* a block comment between directives */
/// <reference path='../typings/legacy.d.ts'/>
// Every module reference form TypeScript has, one per line.
import x from 'default-only';
import {a, b as c} from "named";
import * as ns from 'namespace';
import d, {e} from 'default-and-named';
import f, * as g from 'default-and-namespace';
import {default as h, "string-name" as i} from 'renamed-default';
import type {T} from 'type-only';
import type Def from 'type-only-default';
import type * as TNS from 'type-only-namespace';
import {type U, v} from 'inline-type';
import {type W} from 'all-inline-type';
import type from 'default-named-type';
import {} from 'empty-braces';
import 'side-effect';
import data from './data.json' with {type: 'json'};
import legacy from './legacy.json' assert {type: 'json'};
import empty from '';
import escaped from 'it\'s';

export * from 'star';
export * as ens from 'star-as';
export {k, l as m, n as default} from 'reexport';
export type {V} from 'type-reexport';
export type * from 'type-star';
export type * as TS from 'type-star-as';
export {} from 'reexport-nothing';

import fs = require('fs');
import type TR = require('type-require');
export import pathMod = require("path");
import alias = ns.inner; // not a reference

const r1 = require('require-const');
require('require-bare');
function lazy() {
  return require(`require-template`).x;
}
const { r2 } = require('./require-destructure');

async function load() {
  await import('dynamic');
  await import(`dynamic-template`);
  await import('./dynamic-json.json', {with: {type: 'json'}});
}
type Mod = typeof import('type-query');
let inst: import('import-type').Klass;

require.resolve('resolved');

// Not references:
/// <reference path="not-at-top.d.ts" />
console.log('not-a-module');
require(someVariable);
require(`template-${withSubstitution}`);
import(`dynamic-${sub}`);
require('a' + b);
const meta = import.meta.url;
declare module 'ambient-module' {}
other.mock('not-jest');
jest.fn('not-a-mock-helper');
const s = "import x from 'in-a-string'";
