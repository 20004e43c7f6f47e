/// <reference path="./other.d.ts" />
/// <reference types="react" />
/// <reference no-default-lib="true"/>
/// <reference lib="es2020" />

declare module 'ambient-declared' {
  import {Base} from 'inside-ambient';
  export * from 'reexport-inside-ambient';
  export function f(): typeof import('type-inside-ambient');
}

declare module '*.svg' {
  const url: string;
  export default url;
}

declare global {
  interface Window { x: import('./window-type').X }
}
