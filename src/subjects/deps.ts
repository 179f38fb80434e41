import type { EraseDeps } from './erase-subject.ts';

/** What the subject endpoints are given; built once by wire(). */
export type SubjectsDeps = EraseDeps;
