// Clawplane dashboard: plain ES module, talks only to the HTTP API with the session cookie.
// Every text from the server goes through textContent (never innerHTML). Views are chosen by the
// location hash: #/ (overview), #/gateways/NAME (detail), #/rollouts. Live updates come from the
// server-sent event stream GET /v1/events?org=ORG; a change re-reads only the affected view.
const $ = (id) => document.getElementById(id);
const enc = encodeURIComponent;
let csrfToken = '';
let session = null;
let currentOrg = '';
let events = null;
const VIEWS = ['loading', 'login', 'overview', 'gateway', 'rollouts'];

async function api(method, path, body, raw) {
  const headers = { accept: raw ? 'text/plain' : 'application/json' };
  if (body !== undefined) headers['content-type'] = typeof body === 'string' ? 'text/plain' : 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const init = { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) };
  const res = await fetch(path, init).catch(() => null);
  if (!res) return { status: 0, data: { error: { message: 'the server cannot be reached' } } };
  if (raw && res.ok) return { status: res.status, text: await res.text() };
  const data = await res.json().catch(() => ({}));
  return { status: res.status, data };
}

function el(tag, text, attrs) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs ?? {})) e.setAttribute(k, v);
  return e;
}

const cellText = (c) => (c === undefined || c === null || c === '' ? '-' : String(c));

/** rows: arrays of cells; a cell is a value (rendered as text) or a DOM node. */
function fill(tableId, rows) {
  const tbody = $(tableId).querySelector('tbody');
  tbody.replaceChildren(...rows.map((cells) => {
    const tr = document.createElement('tr');
    for (const c of cells) {
      const td = document.createElement('td');
      if (c instanceof Node) td.append(c);
      else td.textContent = cellText(c);
      tr.append(td);
    }
    return tr;
  }));
}

function errorText(res) {
  if (res.status === 403) return `Not allowed: ${res.data?.error?.message ?? 'your role cannot do this'}`;
  return `Error ${res.status}: ${res.data?.error?.message ?? ''}`;
}

function noteFor(id, res) {
  $(id).textContent = res.status === 200 ? '' : res.status === 403 ? 'Your role cannot see this.' : errorText(res);
}

function flash(message, kind) {
  $('flash').textContent = message ?? '';
  $('flash').dataset.kind = kind ?? '';
}

function show(id) {
  for (const s of VIEWS) $(s).hidden = s !== id;
  const signedIn = !['loading', 'login'].includes(id);
  $('logout').hidden = !signedIn;
  $('nav').hidden = !signedIn;
  $('org-picker').hidden = !signedIn;
  $('conn').hidden = !signedIn;
}

// ---- roles (the server decides; this only hides buttons the caller cannot use) ----
function roleIn(org) {
  const grants = session?.grants ?? [];
  const exact = grants.find((g) => g.org === org);
  return (exact ?? grants.find((g) => g.org === '*'))?.role;
}
const canOperate = (org) => ['admin', 'operator'].includes(roleIn(org));
const isOrgAdmin = (org) => roleIn(org) === 'admin';

// ---- overview ----
async function recentAudit(org) {
  let after = 0;
  let last = [];
  for (let page = 0; page < 20; page++) {
    const res = await api('GET', `/v1/orgs/${enc(org)}/audit?afterSeq=${after}&limit=1000`);
    if (res.status !== 200) return res;
    const items = res.data.items ?? [];
    last = [...last, ...items].slice(-20);
    if (items.length < 1000) break;
    after = items[items.length - 1].seq;
  }
  return { status: 200, data: { items: last.reverse() } };
}

function gatewayLink(name) {
  return el('a', name, { href: `#/gateways/${enc(name)}` });
}

const readyOf = (s) => {
  const ready = (s.conditions ?? []).find((c) => c.type === 'Ready');
  return ready ? ready.status : s.health?.ready ? 'True' : '-';
};
const modelOf = (a) => (typeof a.spec?.model === 'object' ? a.spec.model.primary : a.spec?.model);

async function loadGatewaysTable(org) {
  const gws = await api('GET', `/v1/orgs/${enc(org)}/gateways`);
  noteFor('gateways-note', gws);
  fill('gateways', (gws.data.items ?? []).map((g) => {
    const s = g.status ?? {};
    return [gatewayLink(g.metadata.name), s.lifecycle ?? 'pending', readyOf(s), s.revision, s.runtimeVersion ?? g.spec?.runtime?.version];
  }));
}

async function loadAgentsTable(org) {
  const agents = await api('GET', `/v1/orgs/${enc(org)}/agents`);
  noteFor('agents-note', agents);
  fill('agents', (agents.data.items ?? []).map((a) => [a.metadata.name, a.metadata.gateway, modelOf(a), a.status?.live]));
}

async function loadAuditTable(org) {
  const audit = await recentAudit(org);
  noteFor('audit-note', audit);
  fill('audit', (audit.data.items ?? []).map((e) => [e.seq, e.time, e.actor, e.action, e.target]));
}

async function loadOverview(org) {
  await Promise.all([loadGatewaysTable(org), loadAgentsTable(org), loadAuditTable(org)]);
}

// ---- gateway detail ----
function summaryList(pairs) {
  $('gw-summary').replaceChildren(...pairs.flatMap(([k, v]) => [el('dt', k), el('dd', cellText(v))]));
}

async function loadGatewayStatus(org, name) {
  const res = await api('GET', `/v1/orgs/${enc(org)}/gateways/${enc(name)}`);
  if (res.status !== 200) {
    $('gw-note').textContent = res.status === 404 ? `Gateway ${name} not found.` : errorText(res);
    summaryList([]);
    fill('gw-conditions', []);
    fill('gw-meta', []);
    return false;
  }
  $('gw-note').textContent = '';
  const g = res.data;
  const s = g.status ?? {};
  summaryList([
    ['Status', s.lifecycle ?? 'pending'], ['Phase', s.phase], ['Desired state', g.spec?.desiredState], ['Ready', readyOf(s)],
    ['Endpoint', s.endpoint?.port ? `${s.endpoint.host ?? ''}:${s.endpoint.port} (${g.spec?.exposure ?? 'loopback'})` : g.spec?.port ? `port ${g.spec.port} (${g.spec.exposure ?? 'loopback'})` : undefined],
    ['Runtime version', s.runtimeVersion ?? (g.spec?.runtime?.version ? `${g.spec.runtime.version} (desired)` : 'not observed yet')], ['Revision', s.revision], ['Pinned revision', s.pinnedRevision ?? g.spec?.pinnedRevision],
    ['Restarts', s.restarts], ['Group', g.metadata.group], ['Message', s.message], ['Last error', s.lastError],
  ]);
  fill('gw-conditions', (s.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.message, c.lastTransitionTime]));
  fill('gw-meta', [
    ...Object.entries(g.metadata.labels ?? {}).map(([k, v]) => ['label', k, v]),
    ...Object.entries(g.metadata.annotations ?? {}).map(([k, v]) => ['annotation', k, v]),
  ]);
  return true;
}

async function loadRevisions(org, name) {
  const res = await api('GET', `/v1/orgs/${enc(org)}/gateways/${enc(name)}/revisions`);
  noteFor('gw-revisions-note', res);
  const items = [...(res.data.items ?? [])].reverse();
  if (res.status === 200 && items.length === 0) $('gw-revisions-note').textContent = 'No revision yet: the gateway has not run.';
  fill('gw-revisions', items.map((r) => [r.number, r.createdAt, r.runtimeVersion, String(r.configHash ?? '').slice(0, 12), r.knownGood ? 'yes' : 'no', r.cause, r.current ? 'current' : r.pinned ? 'pinned' : '']));
}

async function loadGatewayAgents(org, name) {
  const res = await api('GET', `/v1/orgs/${enc(org)}/agents?gateway=${enc(name)}`);
  fill('gw-agents', (res.data.items ?? []).map((a) => [a.metadata.name, modelOf(a), a.spec?.purpose, a.status?.live]));
}

async function loadConfig(org, name) {
  // The plan of the org against its stored state renders every gateway's openclaw.json; secrets
  // appear only as references ({source, provider, id}), never values.
  const res = await api('POST', `/v1/plan?org=${enc(org)}`, '');
  if (res.status !== 200) {
    noteFor('gw-config-note', res);
    $('gw-config').textContent = '';
    return;
  }
  const gw = (res.data.orgs?.[org]?.gateways ?? []).find((g) => g.gateway === name);
  if (!gw) {
    $('gw-config-note').textContent = 'No rendered config for this gateway.';
    $('gw-config').textContent = '';
    return;
  }
  const issues = (gw.issues ?? []).map((i) => i.message ?? String(i));
  const d = gw.diffAgainstDeployed;
  const drift = typeof d === 'string' ? d : Array.isArray(d) ? (d.length === 0 ? 'identical to the deployed config' : `${d.length} difference(s) (${d.slice(0, 5).map((x) => x?.path ?? JSON.stringify(x)).join(', ')})`) : '';
  $('gw-config-note').textContent = [drift && `Against deployed: ${drift}.`, gw.env?.length ? `Environment: ${gw.env.join(', ')}.` : '', issues.length ? `Issues: ${issues.join('; ')}` : ''].filter(Boolean).join(' ');
  $('gw-config').textContent = JSON.stringify(gw.config, null, 2);
}

async function loadLogs(org, name) {
  const res = await api('GET', `/v1/orgs/${enc(org)}/gateways/${enc(name)}/logs?tail=100`, undefined, true);
  if (res.status !== 200) {
    $('gw-logs-note').textContent = res.status === 503 ? `No logs: ${res.data?.error?.message ?? 'unavailable'}.` : errorText(res);
    $('gw-logs').textContent = '';
    return;
  }
  $('gw-logs-note').textContent = res.text.trim() === '' ? 'No log lines yet.' : '';
  $('gw-logs').textContent = res.text;
}

async function loadGateway(org, name, parts) {
  $('gw-title').textContent = `Gateway ${name}`;
  $('gw-actions').hidden = !canOperate(org);
  $('gw-actions').dataset.gateway = name;
  const all = !parts;
  const exists = await loadGatewayStatus(org, name);
  if (!exists) return;
  await Promise.all([
    all || parts.includes('revisions') ? loadRevisions(org, name) : null,
    all || parts.includes('agents') ? loadGatewayAgents(org, name) : null,
    all || parts.includes('config') ? loadConfig(org, name) : null,
    all || parts.includes('logs') ? loadLogs(org, name) : null,
  ]);
}

function confirmAction(text) {
  const dialog = $('confirm');
  $('confirm-text').textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

async function lifecycle(action) {
  const name = $('gw-actions').dataset.gateway;
  const org = currentOrg;
  if (!(await confirmAction(`${action[0].toUpperCase()}${action.slice(1)} gateway ${name} in ${org}?`))) {
    flash(`${action} cancelled.`, 'info');
    return;
  }
  const res = await api('POST', `/v1/orgs/${enc(org)}/gateways/${enc(name)}/${action}`);
  if (res.status === 200) {
    const r = (res.data.results ?? [])[0];
    flash(r && !r.ok ? `${action} of ${name} failed: ${r.error ?? r.message ?? r.result}` : `${action} of ${name}: ${r?.result ?? 'ok'}`, r && !r.ok ? 'error' : 'ok');
  } else {
    flash(res.status === 403 ? `Not allowed to ${action} ${name}: ${res.data?.error?.message ?? 'your role cannot change gateways'}` : errorText(res), 'error');
  }
  if (currentView().view === 'gateway') await loadGateway(org, name, []);
}

// ---- rollouts ----
function progressList(r) {
  const ul = el('ul', undefined, { class: 'progress' });
  for (const g of r.status?.gateways ?? []) {
    const gates = (g.gates ?? []).map((x) => `${x.gate} ${x.ok ? 'ok' : 'failed'}${x.message ? ` (${x.message})` : ''}`).join(', ');
    const rev = g.revision !== undefined ? `r${g.from}→r${g.revision}` : `from r${g.from}`;
    const li = el('li', `${g.name}: wave ${g.wave + 1}, ${g.state}, ${rev}${g.message ? ` — ${g.message}` : ''}${gates ? ` [${gates}]` : ''}`);
    li.dataset.gateway = g.name;
    li.dataset.state = g.state;
    ul.append(li);
  }
  return ul;
}

function rolloutButtons(org, r) {
  const phase = r.status?.phase;
  const box = el('div', undefined, { class: 'actions' });
  if (!canOperate(org)) return box;
  const add = (verb, label) => {
    const b = el('button', label, { type: 'button', 'data-verb': verb, 'aria-label': `${label} rollout ${r.metadata.name}` });
    b.addEventListener('click', () => void rolloutVerb(org, r.metadata.name, verb));
    box.append(b);
  };
  if (phase === 'Progressing' || phase === 'AwaitingApproval') add('pause', 'Pause');
  if (phase === 'Paused') add('resume', 'Resume');
  if (['Progressing', 'Paused', 'AwaitingApproval'].includes(phase)) add('abort', 'Abort');
  if (phase === 'AwaitingApproval' && isOrgAdmin(org)) add('approve', 'Approve');
  return box;
}

async function rolloutVerb(org, name, verb) {
  if (verb === 'abort' && !(await confirmAction(`Abort rollout ${name}? Gateways being updated roll back.`))) return;
  const res = await api('POST', `/v1/orgs/${enc(org)}/rollouts/${enc(name)}/${verb}`, {});
  flash(res.status === 200 ? `${verb} of rollout ${name}: done.` : errorText(res), res.status === 200 ? 'ok' : 'error');
  await loadRollouts(org);
}

async function loadRollouts(org) {
  const res = await api('GET', `/v1/orgs/${enc(org)}/rollouts`);
  noteFor('rollouts-note', res);
  const items = res.data.items ?? [];
  if (res.status === 200 && items.length === 0) $('rollouts-note').textContent = 'No rollouts in this organization.';
  const tbody = $('rollout-table').querySelector('tbody');
  fill('rollout-table', items.map((r) => {
    const s = r.status ?? {};
    return [r.metadata.name, s.phase ?? 'pending', s.waves ? `${Math.min((s.currentWave ?? 0) + 1, s.waves)} of ${s.waves}` : '-', s.change?.summary, progressList(r), [s.message, s.reason].filter(Boolean).join(' — '), rolloutButtons(org, r)];
  }));
  [...tbody.rows].forEach((tr, i) => {
    tr.dataset.rollout = items[i].metadata.name;
    tr.dataset.phase = items[i].status?.phase ?? '';
  });
}

// ---- routing and live updates ----
function currentView() {
  const h = location.hash.replace(/^#\/?/, '');
  const m = /^gateways\/(.+)$/.exec(h);
  if (m) return { view: 'gateway', name: decodeURIComponent(m[1]) };
  if (h === 'rollouts') return { view: 'rollouts' };
  return { view: 'overview' };
}

async function render(parts) {
  if (!session) return;
  const v = currentView();
  show(v.view);
  if (currentOrg) {
    if (v.view === 'overview') await loadOverview(currentOrg);
    else if (v.view === 'gateway') await loadGateway(currentOrg, v.name, parts);
    else await loadRollouts(currentOrg);
  }
  document.body.dataset.ready = v.view;
}

let pending = null;
let pendingKinds = new Set();
function onChange(e) {
  pendingKinds.add(e.kind);
  if (pending) return;
  pending = setTimeout(async () => {
    const kinds = pendingKinds;
    pending = null;
    pendingKinds = new Set();
    const v = currentView();
    if (v.view === 'overview') {
      if (kinds.has('Gateway')) await loadGatewaysTable(currentOrg);
      if (kinds.has('Agent')) await loadAgentsTable(currentOrg);
      await loadAuditTable(currentOrg);
    } else if (v.view === 'gateway') {
      await loadGateway(currentOrg, v.name, kinds.has('Gateway') ? ['revisions', 'config'] : kinds.has('Agent') ? ['agents', 'config'] : []);
    } else if (v.view === 'rollouts' && (kinds.has('Rollout') || kinds.has('Gateway'))) {
      await loadRollouts(currentOrg);
    }
    document.body.dataset.updated = String(Date.now());
  }, 250);
}

function setConn(state, text) {
  $('conn').dataset.state = state;
  $('conn').textContent = text;
}

function subscribe(org) {
  events?.close();
  events = null;
  if (!org) return setConn('off', 'Offline');
  setConn('connecting', 'Connecting…');
  const es = new EventSource(`/v1/events?org=${enc(org)}`);
  events = es;
  es.addEventListener('ready', () => setConn('live', 'Live'));
  es.addEventListener('change', (m) => {
    try {
      onChange(JSON.parse(m.data));
    } catch {
      // a malformed event is ignored
    }
  });
  es.addEventListener('error', () => setConn(es.readyState === EventSource.CLOSED ? 'off' : 'connecting', es.readyState === EventSource.CLOSED ? 'Offline' : 'Reconnecting…'));
}

async function showSignedIn(s) {
  session = s;
  csrfToken = s.csrfToken ?? '';
  const roles = (s.grants ?? []).map((g) => `${g.role} in ${g.org === '*' ? 'every organization' : g.org}`).join(', ');
  $('who').textContent = `${s.name} (${roles || 'no roles'})`;
  const orgs = await api('GET', '/v1/orgs');
  const names = (orgs.data.items ?? []).map((o) => o.metadata.name);
  const select = $('org');
  select.replaceChildren(...names.map((n) => Object.assign(document.createElement('option'), { value: n, textContent: n })));
  currentOrg = names[0] ?? '';
  subscribe(currentOrg);
  await render();
}

async function showLogin(message) {
  session = null;
  events?.close();
  events = null;
  show('login');
  $('login-error').textContent = message ?? '';
  const sso = await api('GET', '/v1/auth/sso');
  $('sso').hidden = !sso.data.enabled;
  document.body.dataset.ready = 'login';
}

async function start() {
  const me = await api('GET', '/v1/auth/session');
  if (me.status === 200) await showSignedIn(me.data);
  else await showLogin(new URLSearchParams(location.search).get('error') ?? '');
}

$('login-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  const form = new FormData(ev.target);
  document.body.dataset.ready = 'busy';
  const res = await api('POST', '/v1/auth/login', { username: form.get('username'), password: form.get('password') });
  if (res.status === 200) {
    csrfToken = res.data.csrfToken;
    const me = await api('GET', '/v1/auth/session');
    await showSignedIn(me.data);
  } else {
    $('login-error').textContent = res.data?.error?.message ?? `sign-in failed (${res.status})`;
    document.body.dataset.ready = 'login';
  }
});

$('org').addEventListener('change', (ev) => {
  currentOrg = ev.target.value;
  subscribe(currentOrg);
  flash('');
  void render();
});
for (const b of $('gw-actions').querySelectorAll('button')) b.addEventListener('click', () => void lifecycle(b.dataset.action));
window.addEventListener('hashchange', () => {
  flash('');
  document.body.dataset.ready = 'busy';
  void render();
});
$('logout').addEventListener('click', async () => {
  await api('POST', '/v1/auth/logout');
  csrfToken = '';
  await showLogin('Signed out.');
});

void start();
