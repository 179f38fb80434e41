export type { SubjectsDeps } from './deps.ts';
export { subjectEndpoints } from './endpoints/all.ts';
export type { SubjectDataHolder, SubjectDataHolders } from './erase-subject.ts';
export type { SubjectsInfra, SubjectsModule } from './wire.ts';
export { wire } from './wire.ts';
