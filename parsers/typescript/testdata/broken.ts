import before from 'before-error';
import {ok} from './before-error-named';

function broken( {
  const x = ;
}

class Also { method( }

import after from 'after-error';
const lazy = require('./after-error-require');
export {z} from './after-error-export';

const obj = {
  a: 1,
  b:
import late from './late-after-error';
export * from './late-export';
const tail = require('./tail');
