export { type ConsoleDeps, consoleRoutes } from './routes.tsx';
export type { ConsoleInfra } from './wire.ts';
export { wire } from './wire.ts';
