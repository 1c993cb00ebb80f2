/**
 * The dashboard page's markup: no data and no inline script or style (the CSP allows only
 * /dashboard/app.js and /dashboard/app.css). Stable ids and data-testid attributes are the
 * browser test's handles; app.js fills the sections from /admin/dashboard.json.
 */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Wissel — operations</title>
<link rel="stylesheet" href="/dashboard/app.css">
<script src="/dashboard/app.js" defer></script>
</head>
<body>
<header class="bar">
  <h1>Wissel <span>operations</span></h1>
  <div class="bar-status">
    <span id="health-status" data-testid="health-status" class="pill">not signed in</span>
    <span id="updated-at" data-testid="updated-at" class="muted"></span>
    <button id="refresh" type="button" hidden>Refresh</button>
    <button id="sign-out" type="button" hidden>Sign out</button>
  </div>
</header>

<section id="login" class="login" data-testid="login">
  <form id="login-form" autocomplete="off">
    <h2>Operator sign-in</h2>
    <p class="muted">Enter your operator token. It stays in this browser tab only (session storage) and is sent as a bearer token to the gateway.</p>
    <label for="token">Operator token</label>
    <input id="token" name="token" type="password" required spellcheck="false" data-testid="token">
    <button type="submit" data-testid="sign-in">Sign in</button>
    <p id="login-error" class="error" role="alert"></p>
  </form>
</section>

<main id="dashboard" hidden>
  <p id="message" class="message" data-testid="message" role="status" aria-live="polite"></p>

  <section class="card wide" id="throughput" data-testid="throughput">
    <h2>Throughput</h2>
    <div class="kpis">
      <div class="kpi"><span class="kpi-value" id="received-window" data-testid="received-window">–</span><span class="kpi-label">referrals received, last <span class="window-minutes">30</span> min</span></div>
      <div class="kpi"><span class="kpi-value" id="decided-window" data-testid="decided-window">–</span><span class="kpi-label">decisions made, last <span class="window-minutes">30</span> min</span></div>
      <div class="kpi"><span class="kpi-value" id="received-24h" data-testid="received-24h">–</span><span class="kpi-label">referrals received, 24 h</span></div>
      <div class="kpi"><span class="kpi-value" id="decided-24h" data-testid="decided-24h">–</span><span class="kpi-label">decisions made, 24 h</span></div>
    </div>
    <svg id="throughput-chart" data-testid="throughput-chart" class="chart" viewBox="0 0 600 120" preserveAspectRatio="none" role="img" aria-label="Referrals received and decisions made per minute"></svg>
    <p class="legend"><span class="swatch received"></span> received <span class="swatch decided"></span> decided — per minute, oldest left, now right; <span id="chart-peak"></span></p>
  </section>

  <section class="card" id="stages-card">
    <h2>Pipeline stages</h2>
    <table id="stages" data-testid="stages">
      <thead><tr><th>Stage</th><th class="num">Backlog</th><th class="num">Oldest</th><th>What waits here</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>

  <section class="card" id="health-card">
    <h2>Dependencies</h2>
    <table id="health" data-testid="health">
      <thead><tr><th>Check</th><th>Status</th><th>Details</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>

  <section class="card" id="routes-card">
    <h2>Routes, last 24 h</h2>
    <div class="split">
      <table id="routes-country" data-testid="routes-country">
        <thead><tr><th>Removal country</th><th class="num">Decisions</th></tr></thead>
        <tbody></tbody>
      </table>
      <table id="routes-recipient" data-testid="routes-recipient">
        <thead><tr><th>Recipient</th><th class="num">Decisions</th></tr></thead>
        <tbody></tbody>
      </table>
    </div>
    <p>Loops stopped (came back through this node, not routed):
      <span id="routes-loops" class="count" data-testid="routes-loops">–</span></p>
  </section>

  <section class="card" id="deadlines-card">
    <h2>Deadlines at risk</h2>
    <table id="deadlines" data-testid="deadlines">
      <thead><tr><th>Dispatch</th><th>Recipient</th><th>Hoster</th><th>Deadline</th><th class="num">Time left</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>

  <section class="card wide" id="dead-letters-card">
    <h2>Dead letters <span class="count" id="dead-letter-total" data-testid="dead-letter-total">–</span></h2>
    <table id="dead-letters" data-testid="dead-letters">
      <thead><tr><th>Dispatch</th><th>Recipient</th><th>Reason</th><th class="num">Attempts</th><th class="num">Replays</th><th>Dead-lettered</th><th></th></tr></thead>
      <tbody></tbody>
    </table>
    <div id="inspect" class="inspect" data-testid="inspect" hidden>
      <h3>Dispatch <code id="inspect-id"></code> <button id="inspect-close" type="button" class="link">close</button></h3>
      <dl id="inspect-fields"></dl>
    </div>
  </section>

  <section class="card wide" id="inbound-dead-letters-card">
    <h2>Inbound dead letters</h2>
    <p class="muted">Messages refused on intake, acks, holds or known hashes (newest 20). Their bytes are withheld: revealing them asks for a reason, which the audit log keeps.</p>
    <table id="inbound-dead-letters" data-testid="inbound-dead-letters">
      <thead><tr><th>Dead letter</th><th>Origin</th><th>Partner</th><th>Reason</th><th>Field</th><th>Dead-lettered</th><th>Replayed</th><th></th></tr></thead>
      <tbody></tbody>
    </table>
    <div id="inbound-inspect" class="inspect" data-testid="inbound-inspect" hidden>
      <h3>Dead letter <code id="inbound-inspect-id"></code> <button id="inbound-inspect-close" type="button" class="link">close</button></h3>
      <dl id="inbound-inspect-fields"></dl>
      <pre id="inbound-payload" data-testid="inbound-payload" hidden></pre>
    </div>
  </section>

  <section class="card wide" id="hosters-card">
    <h2>Hoster removal times</h2>
    <table id="hosters" data-testid="hosters">
      <thead><tr><th>Hosting provider</th><th class="num">ASN</th><th class="num">Notices</th><th class="num">Removed</th><th class="num">Open</th><th class="num">Median h</th><th class="num">p90 h</th><th class="num">Within 24 h</th><th class="num">Oldest open h</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
</main>
</body>
</html>
`;
