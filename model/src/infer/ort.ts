import ort from 'onnxruntime-node';

/*
 * ONNX Runtime as every part of Unshake uses it: with its usage telemetry off. Since 1.29 the
 * Linux and macOS builds upload usage events (models, providers, errors) to Microsoft, keep a
 * device id and a queue of unsent events under ~/.cache/Microsoft/DeveloperTools, and leave an
 * empty mat-debug-<pid>.log in the temp folder for every process that makes a session. A photo
 * editor that works offline must do none of that. ORT reads the variable once, when it makes its
 * environment at the first session (not at import), so setting it here, before any caller can
 * reach `ort`, is in time. Windows builds report through the system's own diagnostic-data
 * setting instead, which the variable does not cover.
 */
process.env.ORT_DISABLE_TELEMETRY = '1';

export { ort };
