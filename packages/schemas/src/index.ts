export * from './event.ts';
export * from './identifiers.ts';
export * from './validate.ts';
export * from './json-schema.ts';
export * from './dead-letter.ts';
export { asNormalForm } from './normal-form.ts';
