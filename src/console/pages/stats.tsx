import { STATS_GROUPS, type StatsBucket, type StatsGroupBy } from '../../audit/index.ts';
import type { FieldError } from '../filters.ts';
import { BarChart } from './chart.tsx';
import { ErrorSummary, Layout, type Viewer } from './layout.tsx';

const percent = (value: number | null) => (value === null ? '—' : `${(value * 100).toFixed(1)} %`);

/** Sent, delivered, approved, failed and refused per bucket: a chart, then the same as a table. */
export function StatsPage(props: {
  viewer: Viewer;
  since: string;
  until: string;
  groupBy: StatsGroupBy;
  errors: FieldError[];
  buckets: StatsBucket[];
}) {
  return (
    <Layout title="Stats" section="stats" viewer={props.viewer}>
      <h1>Stats</h1>
      <ErrorSummary errors={props.errors} />
      <form class="filters" method="get" action="/console/stats" aria-label="Range">
        <div>
          <label for="f-since">From (UTC)</label>
          <input id="f-since" name="since" type="datetime-local" value={props.since} />
        </div>
        <div>
          <label for="f-until">To (UTC)</label>
          <input id="f-until" name="until" type="datetime-local" value={props.until} />
        </div>
        <div>
          <label for="f-group_by">Group by</label>
          <select id="f-group_by" name="group_by">
            {STATS_GROUPS.map((group) => (
              <option value={group} selected={group === props.groupBy}>
                {group}
              </option>
            ))}
          </select>
        </div>
        <div class="actions">
          <button type="submit">Show</button>
        </div>
      </form>
      {props.errors.length === 0 && props.buckets.length === 0 && <p>No traffic in this range.</p>}
      {props.errors.length === 0 && props.buckets.length > 0 && (
        <>
          <BarChart buckets={props.buckets} title={`Traffic by ${props.groupBy}`} />
          <div class="table-wrap">
            <table>
              <caption>{`Figures by ${props.groupBy}`}</caption>
              <thead>
                <tr>
                  <th scope="col">{props.groupBy}</th>
                  <th scope="col" class="num">
                    Sent
                  </th>
                  <th scope="col" class="num">
                    Delivered
                  </th>
                  <th scope="col" class="num">
                    Approved
                  </th>
                  <th scope="col" class="num">
                    Failed
                  </th>
                  <th scope="col" class="num">
                    Refused
                  </th>
                  <th scope="col" class="num">
                    Conversion
                  </th>
                  <th scope="col" class="num">
                    Delivery rate
                  </th>
                  <th scope="col">Refused by reason</th>
                </tr>
              </thead>
              <tbody>
                {props.buckets.map((bucket) => (
                  <tr>
                    <th scope="row">{bucket.key ?? '(none)'}</th>
                    <td class="num">{bucket.sent}</td>
                    <td class="num">{bucket.delivered}</td>
                    <td class="num">{bucket.approved}</td>
                    <td class="num">{bucket.failed}</td>
                    <td class="num">{bucket.refused}</td>
                    <td class="num">{percent(bucket.conversion)}</td>
                    <td class="num">{percent(bucket.deliveryRate)}</td>
                    <td>
                      {Object.entries(bucket.refusedByReason)
                        .map(([reason, count]) => `${reason}: ${count}`)
                        .join(', ')}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </Layout>
  );
}
