// Ünïcödé comment with emoji 🎉🚀 before any import
const greeting = "héllo 👋 wörld";
import {naïve, 変数 as hensu} from './modules/ñandú';
import émoji from './😀/face';
const π = require('./数学/円周率');
export {Ω} from "./греческий";
