export { registerOfflineCommands, writeRendered } from './commands.ts';
export { runPipeline, renderWith } from './fleet-pipeline.ts';
export { createDirectoryIncludeReader } from './include-reader.ts';
