export { twilioVerifyEndpoints } from './endpoints/all.ts';
export { TWILIO_PATHS, twilioMiddleware } from './middleware.ts';
export { twilioErrors } from './twilio-errors.ts';
