export { buildStitcherApp, type StitcherAppOptions } from './app.ts';
