import type { StatsBucket } from '../../audit/index.ts';

const SERIES = [
  { key: 'sent', label: 'Sent', colour: '#0b4f9c' },
  { key: 'approved', label: 'Approved', colour: '#1d7a3a' },
  { key: 'refused', label: 'Refused', colour: '#b3261e' },
] as const;

const HEIGHT = 220;
const TOP = 16;
const BOTTOM = 56;
const LEFT = 44;
const BAR = 14;
const GAP = 14;

/**
 * Bars per bucket (sent, approved, refused) as inline SVG: no script, drawn with attributes only
 * (the CSP allows no inline style), titled for screen readers, with every value also in the table
 * that follows it on the page.
 */
export function BarChart(props: { buckets: StatsBucket[]; title: string }) {
  const max = Math.max(1, ...props.buckets.flatMap((b) => SERIES.map((s) => b[s.key])));
  const groupWidth = SERIES.length * BAR + GAP;
  const width = LEFT + props.buckets.length * groupWidth + GAP;
  const plot = HEIGHT - TOP - BOTTOM;
  const viewWidth = Math.max(width, 320);
  const y = (value: number) => TOP + plot - (value / max) * plot;
  return (
    <figure>
      <svg
        viewBox={`0 0 ${viewWidth} ${HEIGHT}`}
        width={viewWidth}
        height={HEIGHT}
        role="img"
        aria-labelledby="chart-title chart-desc"
        xmlns="http://www.w3.org/2000/svg"
      >
        <title id="chart-title">{props.title}</title>
        <desc id="chart-desc">
          Sent, approved and refused per bucket; the same figures are in the table below.
        </desc>
        <line x1={LEFT} y1={TOP} x2={LEFT} y2={TOP + plot} stroke="#404040" />
        <line x1={LEFT} y1={TOP + plot} x2={width} y2={TOP + plot} stroke="#404040" />
        <text x={LEFT - 6} y={TOP + 4} text-anchor="end" font-size="11" fill="#1b1b1b">
          {max}
        </text>
        <text x={LEFT - 6} y={TOP + plot} text-anchor="end" font-size="11" fill="#1b1b1b">
          0
        </text>
        {props.buckets.map((bucket, index) => {
          const x0 = LEFT + GAP + index * groupWidth;
          return (
            <g>
              {SERIES.map((series, s) => (
                <rect
                  class="bar"
                  x={x0 + s * BAR}
                  y={y(bucket[series.key])}
                  width={BAR - 2}
                  height={TOP + plot - y(bucket[series.key])}
                  fill={series.colour}
                >
                  <title>{`${shortKey(bucket.key)}: ${bucket[series.key]} ${series.label.toLowerCase()}`}</title>
                </rect>
              ))}
              <text
                x={x0 + (SERIES.length * BAR) / 2}
                y={TOP + plot + 14}
                font-size="10"
                fill="#1b1b1b"
                text-anchor="end"
                transform={`rotate(-35 ${x0 + (SERIES.length * BAR) / 2} ${TOP + plot + 14})`}
              >
                {shortKey(bucket.key)}
              </text>
            </g>
          );
        })}
      </svg>
      <figcaption>
        <ul class="legend">
          {SERIES.map((series) => (
            <li>
              <span class={`swatch ${series.key}`} aria-hidden="true" />
              {series.label}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}

/** An hour bucket shown as "01-31 14h"; other keys as they are, cut to fit. */
function shortKey(key: string | null): string {
  if (key === null) return '(none)';
  const hour = /^\d{4}-(\d{2}-\d{2})T(\d{2}):00/.exec(key);
  if (hour) return `${hour[1]} ${hour[2]}h`;
  return key.length > 12 ? `${key.slice(0, 11)}…` : key;
}
