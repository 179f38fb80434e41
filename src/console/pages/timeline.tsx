import type { VerificationTimeline } from '../../audit/index.ts';
import { formatTime, Layout, type Viewer } from './layout.tsx';

/** One verification: its SMS with route, provider id and receipt, then every event in order. */
export function TimelinePage(props: {
  viewer: Viewer;
  verificationId: string;
  timeline: VerificationTimeline | null;
}) {
  const { timeline } = props;
  return (
    <Layout title="Verification timeline" section="timeline" viewer={props.viewer}>
      <h1>
        Timeline of <code>{props.verificationId}</code>
      </h1>
      {!timeline ? (
        <p>No events for this verification in your app.</p>
      ) : (
        <>
          <h2>Messages</h2>
          {timeline.messages.length === 0 ? (
            <p>No SMS left for this verification.</p>
          ) : (
            <div class="table-wrap">
              <table>
                <caption>Each SMS and its delivery receipt</caption>
                <thead>
                  <tr>
                    <th scope="col">Sent</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">SMS route</th>
                    <th scope="col">Provider message id</th>
                    <th scope="col">Receipt</th>
                  </tr>
                </thead>
                <tbody>
                  {timeline.messages.map((message) => (
                    <tr>
                      <td>{formatTime(message.at)}</td>
                      <td>{message.outcome}</td>
                      <td>{message.route ?? ''}</td>
                      <td>
                        <code>{message.providerMessageId ?? ''}</code>
                      </td>
                      <td>
                        {message.receipt
                          ? `${message.receipt.delivered ? 'delivered' : 'undelivered'}${message.receipt.status ? ` (${message.receipt.status})` : ''} at ${formatTime(message.receipt.at)}`
                          : 'none yet'}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h2>Events</h2>
          <ol class="timeline">
            {timeline.events.map((event) => (
              <li>
                <strong>{event.type}</strong> · {event.outcome}
                {event.reason ? ` (${event.reason})` : ''} · {formatTime(event.createdAt)}
                {event.clientIp ? ` · from ${event.clientIp}` : ''}
              </li>
            ))}
          </ol>
          <p>
            <a href={`/console/events?verification_id=${encodeURIComponent(props.verificationId)}`}>
              These events in the attempts list
            </a>
          </p>
        </>
      )}
    </Layout>
  );
}
