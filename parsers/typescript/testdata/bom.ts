/// <reference path="bom.d.ts" />
import first from "after-bom";
const r = require('./bom-require');
