// Worker threads do not inherit the TypeScript loader of the process (nor a test runner's), so
// the worker registers tsx itself before importing its TypeScript entry point.
import { register } from 'tsx/esm/api';

register();
await import('./replicate-worker.ts');
