// The entry point of dist/ajv.js: Ajv on its own, loaded by src/core/ajvLoader.ts.
export { default } from 'ajv';
