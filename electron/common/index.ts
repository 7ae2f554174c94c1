export * from './error-codes.js';
export * from './ipc-contract.js';
export * from './job-state.js';
export * from './mask.js';
export * from './model-id.js';
export * from './settings-schema.js';
export * from './training.js';
export * from './training-crop.js';
