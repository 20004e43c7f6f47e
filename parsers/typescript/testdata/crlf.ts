// CRLF line endings
import a from "./crlf-a";
import {
  b,
  c as d,
} from './crlf-b';
const e = require("./crlf-e");
export * from "./crlf-f";
