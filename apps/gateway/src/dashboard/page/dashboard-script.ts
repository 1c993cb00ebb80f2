/**
 * The dashboard page's script, served as /dashboard/app.js (no framework, no third-party
 * code). It keeps the operator token in sessionStorage (this tab only), polls
 * /admin/dashboard.json, and builds every cell with textContent: nothing from the server
 * is ever parsed as HTML. Plain ES2020 in a string (the build then needs no asset copy);
 * no template literals or backslashes inside, so this file's own template stays literal.
 */
export const DASHBOARD_JS = `'use strict';
(function () {
  var TOKEN_KEY = 'wissel.operatorToken';
  var POLL_MS = 3000;
  var timer = null;
  var inspected = null;
  var DETAIL_LABELS = { urgent: 'urgent', atRisk: 'at risk', breached: 'breached' };

  function $(id) { return document.getElementById(id); }
  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function row(cells, testid) {
    var tr = document.createElement('tr');
    if (testid) tr.setAttribute('data-testid', testid);
    cells.forEach(function (cell) {
      if (cell instanceof Node) { var td = el('td'); td.appendChild(cell); tr.appendChild(td); }
      else if (cell && typeof cell === 'object') { tr.appendChild(el('td', cell.text, cell.className)); }
      else { tr.appendChild(el('td', cell)); }
    });
    return tr;
  }

  function fill(tableId, rows, empty, columns) {
    var body = $(tableId).tBodies[0];
    body.replaceChildren();
    if (rows.length === 0) {
      var tr = el('tr'); var td = el('td', empty, 'empty');
      td.colSpan = columns; tr.appendChild(td); body.appendChild(tr);
      return;
    }
    rows.forEach(function (r) { body.appendChild(r); });
  }

  function num(n) { return { text: n === null || n === undefined ? '–' : String(n), className: 'num' }; }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) return '–';
    var s = Math.abs(seconds);
    var text = s < 60 ? s + ' s'
      : s < 3600 ? Math.floor(s / 60) + ' min'
      : s < 172800 ? Math.floor(s / 3600) + ' h ' + Math.floor((s % 3600) / 60) + ' min'
      : Math.floor(s / 86400) + ' d';
    return seconds < 0 ? 'overdue ' + text : text;
  }

  function when(iso) {
    if (!iso) return '–';
    var d = new Date(iso);
    return d.toLocaleString(undefined, { dateStyle: 'short', timeStyle: 'medium' });
  }

  function shortId(id) { return id.slice(0, 8); }

  function show(signedIn) {
    $('login').hidden = signedIn;
    $('dashboard').hidden = !signedIn;
    $('refresh').hidden = !signedIn;
    $('sign-out').hidden = !signedIn;
    if (!signedIn) {
      setStatus('pill', 'not signed in');
      $('updated-at').textContent = '';
    }
  }

  function setStatus(kind, text) {
    var pill = $('health-status');
    pill.className = 'pill ' + kind;
    pill.textContent = text;
  }

  function say(text, isError) {
    var m = $('message');
    m.textContent = text;
    m.className = isError ? 'message error' : 'message';
  }

  function signOut(reason) {
    sessionStorage.removeItem(TOKEN_KEY);
    if (timer) { clearTimeout(timer); timer = null; }
    show(false);
    $('login-error').textContent = reason || '';
  }

  async function api(method, path, body) {
    var headers = { authorization: 'Bearer ' + token(), accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    var res = await fetch(path, {
      method: method,
      headers: headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
    if (res.status === 401) {
      signOut('The gateway did not accept that token.');
      throw new Error('not authenticated');
    }
    var body = await res.json().catch(function () { return {}; });
    if (!res.ok) throw new Error(body.detail || body.title || ('HTTP ' + res.status));
    return body;
  }

  function renderThroughput(t) {
    $('received-window').textContent = String(t.window.received);
    $('decided-window').textContent = String(t.window.decided);
    $('received-24h').textContent = String(t.last24h.received);
    $('decided-24h').textContent = String(t.last24h.decided);
    document.querySelectorAll('.window-minutes').forEach(function (n) { n.textContent = String(t.windowMinutes); });
    var svg = $('throughput-chart');
    var ns = 'http://www.w3.org/2000/svg';
    svg.replaceChildren();
    var points = t.perMinute;
    var peak = 0;
    points.forEach(function (p) { peak = Math.max(peak, p.received, p.decided); });
    var max = Math.max(1, peak);
    var slot = 600 / points.length;
    var bar = Math.max(1, slot / 2 - 1);
    points.forEach(function (p, i) {
      [['received', p.received, 0], ['decided', p.decided, bar]].forEach(function (s) {
        var h = (s[1] / max) * 110;
        var rect = document.createElementNS(ns, 'rect');
        rect.setAttribute('x', String(i * slot + s[2]));
        rect.setAttribute('y', String(118 - h));
        rect.setAttribute('width', String(bar));
        rect.setAttribute('height', String(h));
        rect.setAttribute('class', s[0]);
        var title = document.createElementNS(ns, 'title');
        title.textContent = new Date(p.minute).toLocaleTimeString() + ': ' + s[1] + ' ' + s[0];
        rect.appendChild(title);
        svg.appendChild(rect);
      });
    });
    var axis = document.createElementNS(ns, 'line');
    axis.setAttribute('x1', '0'); axis.setAttribute('x2', '600');
    axis.setAttribute('y1', '118.5'); axis.setAttribute('y2', '118.5');
    axis.setAttribute('class', 'axis');
    svg.appendChild(axis);
    $('chart-peak').textContent = 'peak ' + peak + ' per minute';
  }

  function renderStages(stages) {
    fill('stages', stages.map(function (s) {
      var detail = Object.keys(s.detail).map(function (k) { return (DETAIL_LABELS[k] || k) + ' ' + s.detail[k]; }).join(', ');
      var warn = s.backlog > 0 && (s.id === 'dead_letters' || (s.id === 'notices' && s.detail.breached > 0));
      var backlog = { text: s.backlog === null ? 'n/a' : String(s.backlog), className: warn ? 'num bad' : 'num' };
      var tr = row([s.name, backlog, { text: duration(s.oldestSeconds), className: 'num' },
        s.note + (detail ? ' (' + detail + ')' : '')], 'stage-' + s.id);
      tr.cells[1].setAttribute('data-testid', 'stage-' + s.id + '-backlog');
      return tr;
    }), 'no stages', 4);
  }

  function renderRoutes(routes) {
    fill('routes-country', routes.byRemovalCountry.map(function (r) {
      return row([r.key || 'none (police, review)', num(r.decisions)], 'route-country-' + (r.key || 'none'));
    }), 'no decisions in the last ' + routes.windowHours + ' h', 2);
    fill('routes-recipient', routes.byRecipient.map(function (r) {
      return row([r.key || '–', num(r.decisions)], 'route-recipient-' + r.key);
    }), 'no decisions in the last ' + routes.windowHours + ' h', 2);
    $('routes-loops').textContent = String(routes.loops);
    $('routes-loops').className = routes.loops > 0 ? 'count bad' : 'count';
  }

  function renderDeadLetters(dead) {
    $('dead-letter-total').textContent = String(dead.total);
    $('dead-letter-total').className = dead.total > 0 ? 'count bad' : 'count';
    fill('dead-letters', dead.items.map(function (d) {
      var actions = el('span', null, 'actions');
      var inspect = el('button', 'Inspect', 'secondary');
      inspect.type = 'button';
      inspect.setAttribute('data-testid', 'inspect-' + d.dispatchId);
      inspect.addEventListener('click', function () { inspectDispatch(d.dispatchId); });
      var replay = el('button', 'Replay');
      replay.type = 'button';
      replay.setAttribute('data-testid', 'replay-' + d.dispatchId);
      replay.addEventListener('click', function () { replayDispatch(d.dispatchId, replay); });
      actions.appendChild(inspect);
      actions.appendChild(replay);
      var id = el('code', shortId(d.dispatchId));
      id.title = d.dispatchId;
      return row([id, d.recipientId, { text: d.reason, className: 'reason' }, num(d.attempts), num(d.replays),
        when(d.deadLetteredAt), actions], 'dead-letter-' + d.dispatchId);
    }), 'none: every dispatch was delivered or is still being tried', 7);
  }

  function renderInboundDeadLetters(page) {
    fill('inbound-dead-letters', page.items.map(function (d) {
      var actions = el('span', null, 'actions');
      var inspect = el('button', 'Inspect', 'secondary');
      inspect.type = 'button';
      inspect.setAttribute('data-testid', 'inbound-inspect-' + d.id);
      inspect.addEventListener('click', function () { inspectInbound(d.id); });
      var replay = el('button', 'Replay');
      replay.type = 'button';
      replay.disabled = Boolean(d.replayedAt);
      replay.setAttribute('data-testid', 'inbound-replay-' + d.id);
      replay.addEventListener('click', function () { replayInbound(d.id, replay); });
      actions.appendChild(inspect);
      actions.appendChild(replay);
      var id = el('code', shortId(d.id));
      id.title = d.id;
      var origin = d.origin.topic + ':' + d.origin.partition + ':' + d.origin.offset;
      return row([id, origin, d.partnerId || '–', { text: d.reason.code, className: 'reason' },
        d.reason.field || '–', when(d.deadLetteredAt), d.replayedAt ? when(d.replayedAt) : 'no', actions],
        'inbound-dead-letter-' + d.id);
    }), 'none: every inbound message was accepted', 8);
  }

  function renderDeadlines(list) {
    fill('deadlines', list.map(function (a) {
      var id = el('code', shortId(a.dispatchId));
      id.title = a.dispatchId;
      return row([id, a.recipientId, a.hostingProvider || 'unknown', when(a.deadline),
        { text: duration(a.secondsLeft), className: a.secondsLeft < 0 ? 'num bad' : 'num warn' }],
        'deadline-' + a.dispatchId);
    }), 'none: no open notice is past its reminder', 5);
  }

  function pct(share) { return share === null ? '–' : Math.round(share * 100) + ' %'; }
  function hours(h) { return h === null ? '–' : h.toFixed(1); }

  function renderHosters(report) {
    fill('hosters', report.hosters.map(function (h) {
      return row([h.hostingProvider || 'unknown', num(h.asn), num(h.notices), num(h.removed), num(h.open),
        { text: hours(h.medianHours), className: 'num' }, { text: hours(h.p90Hours), className: 'num' },
        { text: pct(h.withinWindowShare), className: 'num' }, { text: hours(h.oldestOpenHours), className: 'num' }],
        'hoster-' + (h.asn === null ? 'unknown' : h.asn));
    }), 'no notices sent yet', 9);
  }

  function renderHealth(health) {
    setStatus(health.status === 'up' ? 'up' : 'down', health.status === 'up' ? 'all dependencies up' : 'a dependency is down');
    fill('health', Object.keys(health.checks).map(function (name) {
      var c = health.checks[name];
      var details = Object.keys(c).filter(function (k) { return k !== 'status'; })
        .map(function (k) { return k + ': ' + JSON.stringify(c[k]); }).join(', ');
      return row([name, { text: c.status, className: c.status === 'up' ? 'up' : 'bad' }, details], 'health-' + name);
    }), 'no checks registered', 3);
  }

  async function refresh() {
    if (!token()) return;
    if (timer) { clearTimeout(timer); timer = null; }
    try {
      var all = await Promise.all([api('GET', '/admin/dashboard.json'), api('GET', '/admin/dead-letters?limit=20')]);
      var s = all[0];
      renderInboundDeadLetters(all[1]);
      renderThroughput(s.throughput);
      renderStages(s.stages);
      renderRoutes(s.routes);
      renderDeadLetters(s.deadLetters);
      renderDeadlines(s.deadlinesAtRisk);
      renderHosters(s.hosterMonitor);
      renderHealth(s.health);
      $('updated-at').textContent = 'updated ' + new Date(s.generatedAt).toLocaleTimeString();
    } catch (error) {
      if (!token()) return;
      setStatus('down', 'dashboard unavailable');
      say('Could not load the dashboard: ' + error.message, true);
    }
    if (token()) timer = setTimeout(refresh, POLL_MS);
  }

  async function inspectDispatch(id) {
    try {
      var d = await api('GET', '/admin/dispatches/' + encodeURIComponent(id));
      inspected = id;
      var fields = [
        ['Dispatch', d.dispatchId], ['Referral', d.referralId], ['Case', d.caseId],
        ['Recipient', d.recipientId], ['Topic', d.topic], ['Lane', d.lane],
        ['Priority', d.investigationPriority],
        ['Source', d.source.system + ' (' + d.source.format + '), received ' + when(d.source.receivedAt)],
        ['Decision', (d.decision.rule || '–') + ', rule set ' + (d.decision.rulesetVersion || '–') +
          (d.decision.held ? ', police hold' : '') + ', confidence ' + (d.decision.confidence || '–')],
        ['Routes', d.decision.routes.map(function (r) { return r.purpose + (r.country ? ' ' + r.country : '') + ' (' + r.rule + ')'; }).join('; ') || '–'],
        ['Created', when(d.delivery.createdAt)], ['Attempts', d.delivery.attempts],
        ['Replays', d.delivery.replays], ['Last attempt', when(d.delivery.lastAttemptAt)],
        ['Dead-lettered', when(d.delivery.deadLetteredAt)], ['Reason', d.delivery.deadLetterReason || '–'],
        ['Last error', d.delivery.lastError || '–'], ['Delivered', when(d.delivery.publishedAt)],
        ['Lifecycle', d.lifecycleStatus || 'no ack yet'],
      ];
      var dl = $('inspect-fields');
      dl.replaceChildren();
      fields.forEach(function (f) {
        dl.appendChild(el('dt', f[0]));
        var dd = el('dd', f[1] === null || f[1] === undefined ? '–' : f[1]);
        dd.setAttribute('data-testid', 'inspect-' + f[0].toLowerCase().replace(/ /g, '-'));
        dl.appendChild(dd);
      });
      $('inspect-id').textContent = d.dispatchId;
      $('inspect').hidden = false;
    } catch (error) {
      say('Could not inspect the dispatch: ' + error.message, true);
    }
  }

  async function replayDispatch(id, button) {
    button.disabled = true;
    try {
      var r = await api('POST', '/admin/dispatches/' + encodeURIComponent(id) + '/replay');
      say('Replayed dispatch ' + shortId(r.dispatchId) + ' to ' + r.recipientId + ': the dispatcher delivers it next.', false);
      if (inspected === id) $('inspect').hidden = true;
    } catch (error) {
      say('Replay failed: ' + error.message, true);
    }
    await refresh();
  }

  function showFields(listId, fields, prefix) {
    var dl = $(listId);
    dl.replaceChildren();
    fields.forEach(function (f) {
      dl.appendChild(el('dt', f[0]));
      var dd = el('dd', f[1] === null || f[1] === undefined ? '–' : f[1]);
      dd.setAttribute('data-testid', prefix + f[0].toLowerCase().replace(/ /g, '-'));
      dl.appendChild(dd);
    });
  }

  async function inspectInbound(id) {
    try {
      var d = await api('GET', '/admin/dead-letters/' + encodeURIComponent(id));
      showFields('inbound-inspect-fields', [
        ['Dead letter', d.id], ['Origin topic', d.origin.topic], ['Partition', d.origin.partition],
        ['Offset', d.origin.offset], ['Partner', d.partnerId], ['Submission', d.submissionId],
        ['Reason', d.reason.code], ['Field', d.reason.field], ['Detail', d.reason.detail],
        ['Bytes', d.payloadBytes], ['SHA-256', d.payloadSha256],
        ['Dead-lettered', when(d.deadLetteredAt)],
        ['Replayed', d.replayedAt ? when(d.replayedAt) + ' by ' + d.replayedBy : 'no'],
      ], 'inbound-inspect-');
      var dl = $('inbound-inspect-fields');
      var reveal = el('button', 'Reveal bytes…', 'secondary');
      reveal.type = 'button';
      reveal.setAttribute('data-testid', 'inbound-reveal');
      reveal.addEventListener('click', function () { revealInbound(d.id); });
      dl.appendChild(el('dt', 'Bytes shown'));
      var dd = el('dd');
      dd.appendChild(reveal);
      dl.appendChild(dd);
      $('inbound-payload').hidden = true;
      $('inbound-payload').textContent = '';
      $('inbound-inspect-id').textContent = d.id;
      $('inbound-inspect').hidden = false;
    } catch (error) {
      say('Could not inspect the dead letter: ' + error.message, true);
    }
  }

  async function revealInbound(id) {
    var reason = window.prompt('Why do you need to see these bytes? (kept in the audit log; no URL)');
    if (!reason) return;
    try {
      var r = await api('POST', '/admin/dead-letters/' + encodeURIComponent(id) + '/reveal', { reason: reason });
      var bytes = Uint8Array.from(atob(r.payloadBase64), function (c) { return c.charCodeAt(0); });
      $('inbound-payload').textContent = new TextDecoder().decode(bytes);
      $('inbound-payload').hidden = false;
    } catch (error) {
      say('Reveal refused: ' + error.message, true);
    }
  }

  async function replayInbound(id, button) {
    button.disabled = true;
    try {
      var r = await api('POST', '/admin/dead-letters/' + encodeURIComponent(id) + '/replay');
      say('Replayed dead letter ' + shortId(r.id) + ' to ' + r.topic + '.', false);
    } catch (error) {
      say('Replay failed: ' + error.message, true);
    }
    await refresh();
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('login-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var value = $('token').value.trim();
      if (!value) return;
      sessionStorage.setItem(TOKEN_KEY, value);
      $('token').value = '';
      $('login-error').textContent = '';
      show(true);
      refresh();
    });
    $('sign-out').addEventListener('click', function () { signOut(''); });
    $('refresh').addEventListener('click', function () { refresh(); });
    $('inspect-close').addEventListener('click', function () { $('inspect').hidden = true; inspected = null; });
    $('inbound-inspect-close').addEventListener('click', function () { $('inbound-inspect').hidden = true; });
    show(Boolean(token()));
    refresh();
  });
})();
`;
