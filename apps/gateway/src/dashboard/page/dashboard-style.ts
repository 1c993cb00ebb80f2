/** The dashboard page's style sheet, served as /dashboard/app.css (system fonts, no assets). */
export const DASHBOARD_CSS = `:root {
  --ink: #1d2733; --muted: #5b6776; --line: #d9dee5; --bg: #f3f5f8; --card: #fff;
  --accent: #1f5fa8; --accent-2: #8fb3de; --good: #1c7a3e; --warn: #a15c00; --bad: #b3261e;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
  font-size: 14px; color: var(--ink); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
[hidden] { display: none !important; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
.bar { display: flex; align-items: center; justify-content: space-between; gap: 16px;
  padding: 10px 20px; background: #17212e; color: #fff; }
.bar h1 { margin: 0; font-size: 18px; font-weight: 600; }
.bar h1 span { color: #9fb4cc; font-weight: 400; }
.bar-status { display: flex; align-items: center; gap: 12px; }
.bar .muted { color: #9fb4cc; }
.pill { padding: 3px 10px; border-radius: 999px; background: #3a4656; font-size: 12px; }
.pill.up { background: var(--good); }
.pill.down { background: var(--bad); }
button { font: inherit; padding: 5px 12px; border-radius: 4px; border: 1px solid var(--accent);
  background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: var(--accent); }
button.link { border: none; background: none; color: var(--accent); padding: 0 4px; font-size: 12px; }
button:disabled { opacity: .5; cursor: default; }
.bar button { border-color: #4c5b6e; background: #263345; }
.login { display: flex; justify-content: center; padding: 60px 20px; }
.login form { background: var(--card); border: 1px solid var(--line); border-radius: 8px;
  padding: 24px; width: 420px; display: flex; flex-direction: column; gap: 10px; }
.login h2 { margin: 0; }
.login input { font: inherit; padding: 7px; border: 1px solid var(--line); border-radius: 4px; }
.muted { color: var(--muted); }
.error { color: var(--bad); min-height: 1em; }
main { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 14px; padding: 14px 20px 30px; }
.message { grid-column: 1 / -1; margin: 0; padding: 8px 12px; border-radius: 6px;
  background: #e6f4ea; color: var(--good); }
.message:empty { display: none; }
.message.error { background: #fbe9e7; color: var(--bad); }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px;
  min-width: 0; }
.card.wide { grid-column: 1 / -1; }
.card h2 { margin: 0 0 10px; font-size: 15px; }
.count { display: inline-block; min-width: 24px; padding: 1px 8px; border-radius: 999px;
  background: #e7ecf2; text-align: center; font-size: 12px; }
.count.bad { background: var(--bad); color: #fff; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin-bottom: 10px; }
.kpi { display: flex; flex-direction: column; border-left: 3px solid var(--accent); padding-left: 10px; }
.kpi-value { font-size: 26px; font-weight: 600; font-variant-numeric: tabular-nums; }
.kpi-label { color: var(--muted); font-size: 12px; }
.chart { width: 100%; height: 120px; background: #fafbfc; border: 1px solid var(--line); border-radius: 4px; }
.chart rect.received { fill: var(--accent); }
.chart rect.decided { fill: var(--accent-2); }
.chart .axis { stroke: var(--line); }
.legend { margin: 6px 0 0; color: var(--muted); font-size: 12px; }
.swatch { display: inline-block; width: 10px; height: 10px; margin: 0 2px 0 8px; }
.swatch.received { background: var(--accent); }
.swatch.decided { background: var(--accent-2); }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; font-weight: 600; color: var(--muted); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.empty { color: var(--muted); font-style: italic; }
#stages td:first-child, #health td:first-child { white-space: nowrap; }
td.bad, .bad { color: var(--bad); font-weight: 600; }
td.warn { color: var(--warn); font-weight: 600; }
td.up { color: var(--good); font-weight: 600; }
td.reason { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; }
.actions { display: flex; gap: 6px; justify-content: flex-end; }
.split { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
.inspect { margin-top: 12px; border-top: 2px solid var(--accent); padding-top: 8px; }
.inspect h3 { margin: 0 0 8px; font-size: 14px; }
.inspect dl { display: grid; grid-template-columns: 140px 1fr; gap: 4px 12px; margin: 0; }
.inspect dt { color: var(--muted); }
.inspect dd { margin: 0; overflow-wrap: anywhere; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } .kpis { grid-template-columns: repeat(2, 1fr); } }
`;
