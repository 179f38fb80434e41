import type { EventRow } from '../reads.ts';
import { formatTime, Layout, type Viewer } from './layout.tsx';

/** What a timeline shows of an event's detail: the SMS route, the provider's id, the receipt. */
const DETAIL_FIELDS: { key: string; label: string }[] = [
  { key: 'route', label: 'SMS route' },
  { key: 'provider_message_id', label: 'Provider message id' },
  { key: 'status', label: 'Receipt status' },
  { key: 'error_code', label: 'Provider error' },
  { key: 'country', label: 'Country' },
  { key: 'send_count', label: 'Sends so far' },
];

/** One verification's events, oldest first, as an ordered list. */
export function TimelinePage(props: {
  viewer: Viewer;
  verificationId: string;
  events: EventRow[];
}) {
  return (
    <Layout title="Verification timeline" section="timeline" viewer={props.viewer}>
      <h1>
        Timeline of <code>{props.verificationId}</code>
      </h1>
      <p>
        <a href={`/console/events?verification_id=${encodeURIComponent(props.verificationId)}`}>
          These events in the attempts list
        </a>
      </p>
      {props.events.length === 0 ? (
        <p>No events for this verification in your app.</p>
      ) : (
        <ol class="timeline">
          {props.events.map((event) => (
            <li>
              <strong>{event.type}</strong> · {event.outcome}
              {event.reason ? ` (${event.reason})` : ''} · {formatTime(event.createdAt)}
              <dl>
                {event.phoneMasked && <Pair label="Phone" value={event.phoneMasked} />}
                {event.clientIp && <Pair label="Client IP" value={event.clientIp} />}
                {DETAIL_FIELDS.filter(({ key }) => isShown(event.detail[key])).map(
                  ({ key, label }) => (
                    <Pair label={label} value={String(event.detail[key])} />
                  ),
                )}
              </dl>
            </li>
          ))}
        </ol>
      )}
    </Layout>
  );
}

function isShown(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number';
}

function Pair(props: { label: string; value: string }) {
  return (
    <>
      <dt>{props.label}</dt>
      <dd>
        <code>{props.value}</code>
      </dd>
    </>
  );
}
