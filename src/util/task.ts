/**
 * The tasks the project runs: every layer names them (plugins' experiment cases, data, metrics,
 * report), so the name lives at the bottom.
 */
export type Task = 'translation' | 'summarization';
