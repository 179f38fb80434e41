import { AUDIT_EVENT_TYPES, type AuditRecord } from '../../audit/index.ts';
import type { FieldError, Query } from '../filters.ts';
import { ErrorSummary, formatTime, Layout, type Section, type Viewer } from './layout.tsx';

/** A query string of the given fields, repeating multi-valued ones (the filter form's own shape). */
export function toSearch(query: Query, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const [name, values] of Object.entries(query)) {
    if (name === 'cursor') continue;
    for (const value of values) if (value !== '') params.append(name, value);
  }
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  const text = params.toString();
  return text ? `?${text}` : '';
}

const TEXT_FIELDS: { name: string; label: string; hint?: string; type?: string }[] = [
  { name: 'phone', label: 'Phone number', hint: 'E.164, e.g. +33612345678', type: 'tel' },
  { name: 'country', label: 'Country of a national number', hint: 'ISO code, e.g. FR' },
  { name: 'ip', label: 'Client IP or CIDR range', hint: 'e.g. 203.0.113.0/24' },
  { name: 'verification_id', label: 'Verification id' },
  { name: 'outcome', label: 'Outcome', hint: 'ok, refused, failed…' },
  { name: 'reason', label: 'Reason', hint: 'e.g. phone_send_hour' },
  { name: 'purpose', label: 'Purpose', hint: 'e.g. login' },
  { name: 'since', label: 'From (UTC)', type: 'datetime-local' },
  { name: 'until', label: 'To (UTC)', type: 'datetime-local' },
];

/** The filters of the query API as a GET form: reading changes nothing, so no token is needed. */
export function FilterForm(props: {
  action: string;
  query: Query;
  errors: FieldError[];
  withTypes: boolean;
}) {
  const value = (name: string) => props.query[name]?.[0] ?? '';
  const invalid = (name: string) =>
    props.errors.some((error) => error.field === name) ? 'true' : undefined;
  const chosen = new Set(props.query.type ?? []);
  return (
    <form class="filters" method="get" action={props.action} aria-label="Filters">
      {props.withTypes && (
        <div>
          <label for="f-type">Event types</label>
          <select
            id="f-type"
            name="type"
            multiple
            aria-describedby="type-hint"
            aria-invalid={invalid('type')}
          >
            {AUDIT_EVENT_TYPES.map((type) => (
              <option value={type} selected={chosen.has(type)}>
                {type}
              </option>
            ))}
          </select>
          <p class="hint" id="type-hint">
            None chosen: every type.
          </p>
        </div>
      )}
      {TEXT_FIELDS.map((field) => (
        <div>
          <label for={`f-${field.name}`}>{field.label}</label>
          <input
            id={`f-${field.name}`}
            name={field.name}
            type={field.type ?? 'text'}
            value={value(field.name)}
            autocomplete="off"
            aria-describedby={field.hint ? `${field.name}-hint` : undefined}
            aria-invalid={invalid(field.name)}
          />
          {field.hint && (
            <p class="hint" id={`${field.name}-hint`}>
              {field.hint}
            </p>
          )}
        </div>
      ))}
      <div class="actions">
        <button type="submit">Apply filters</button>
        <a href={props.action}>Clear</a>
      </div>
    </form>
  );
}

/** Events as a table; each verification id opens its timeline. */
export function EventTable(props: { caption: string; events: AuditRecord[] }) {
  if (props.events.length === 0) return <p>No events match.</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Time</th>
            <th scope="col">Type</th>
            <th scope="col">Outcome</th>
            <th scope="col">Reason</th>
            <th scope="col">Verification</th>
            <th scope="col">Purpose</th>
            <th scope="col">Phone</th>
            <th scope="col">Client IP</th>
          </tr>
        </thead>
        <tbody>
          {props.events.map((event) => (
            <tr>
              <td>{formatTime(event.createdAt)}</td>
              <td>{event.type}</td>
              <td>{event.outcome}</td>
              <td>{event.reason ?? ''}</td>
              <td>
                {event.verificationId && (
                  <a href={`/console/verifications/${encodeURIComponent(event.verificationId)}`}>
                    <code>{event.verificationId}</code>
                  </a>
                )}
              </td>
              <td>{event.purpose ?? ''}</td>
              <td>{event.phoneMasked ?? ''}</td>
              <td>{event.clientIp ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A filtered, paged list of events: the attempts page, and the pumping & limits page. */
export function EventsPage(props: {
  viewer: Viewer;
  section: Extract<Section, 'events' | 'watch'>;
  title: string;
  intro: string;
  query: Query;
  errors: FieldError[];
  events: AuditRecord[];
  nextCursor: string | null;
  exportable: boolean;
}) {
  const action = `/console/${props.section}`;
  return (
    <Layout title={props.title} section={props.section} viewer={props.viewer}>
      <h1>{props.title}</h1>
      <p>{props.intro}</p>
      <ErrorSummary errors={props.errors} />
      <FilterForm
        action={action}
        query={props.query}
        errors={props.errors}
        withTypes={props.section === 'events'}
      />
      {props.errors.length === 0 && (
        <>
          <EventTable
            caption={`${props.events.length} events, newest first`}
            events={props.events}
          />
          <div class="actions">
            {props.nextCursor && (
              <a href={`${action}${toSearch(props.query, { cursor: props.nextCursor })}`}>
                Next page (older)
              </a>
            )}
            {props.exportable && (
              <>
                <a
                  class="button"
                  href={`/console/export${toSearch(props.query, { format: 'csv' })}`}
                >
                  Export CSV
                </a>
                <a
                  class="button"
                  href={`/console/export${toSearch(props.query, { format: 'ndjson' })}`}
                >
                  Export NDJSON
                </a>
              </>
            )}
          </div>
        </>
      )}
    </Layout>
  );
}
