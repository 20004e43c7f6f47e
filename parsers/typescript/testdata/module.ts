#!/usr/bin/env node
/// <reference types="node" />
'use strict';
import def, { a, type B, c as d } from './lib';
import * as ns from 'ns';
import 'side-effect';
import data from './data.json' assert { type: 'json' };
import fs = require('fs');
export { x, y as z } from './re';
export * from './all';

export const one = 1, { two, three: [four] } = obj;
let later = ns.value;
export function fn(p: Param = dflt): Ret {
  return body;
}
export default class Widget extends Base {
  static field = init;
}
interface Shape { k: K }
export type Alias = Other;
enum Color { Red }
namespace Outer.Inner { export const q = 1; }
declare module 'ambient' { export function g(): void; }
declare global { interface Window { w: number } }
import Alias2 = Outer.Inner;
module.exports.helper = helper;
export { one as uno, later as default };
const arrow = () => inArrow;
