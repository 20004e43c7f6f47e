import fs from 'node:fs';
import {join} from "node:path";
import * as utils from './utils.mjs';
import pkg from './package.json' with { type: 'json' };
export {helper as default} from './helper.mjs';
export * from './reexports.mjs';

const plugin = await import(`./plugins/${name}.mjs`);
const fixed = await import('./plugins/fixed.mjs');
const meta = import.meta.resolve('./not-a-ref.mjs');
