import { eraseSubjectEndpoint } from './erase.ts';

/** /v1/subjects, in the order the OpenAPI document lists them. */
export const subjectEndpoints = [eraseSubjectEndpoint];
