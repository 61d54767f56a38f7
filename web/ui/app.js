// Clawplane dashboard: plain ES module, talks only to the HTTP API with the session cookie.
// Every text goes through textContent (never innerHTML).
const $ = (id) => document.getElementById(id);
let csrfToken = '';

async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrfToken;
  const res = await fetch(path, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  return { status: res.status, data };
}

function show(id) {
  for (const s of ['loading', 'login', 'overview']) $(s).hidden = s !== id;
  $('logout').hidden = id !== 'overview';
}

function fill(tableId, rows) {
  const tbody = $(tableId).querySelector('tbody');
  tbody.replaceChildren(...rows.map((cells) => {
    const tr = document.createElement('tr');
    for (const c of cells) {
      const td = document.createElement('td');
      td.textContent = c === undefined || c === null || c === '' ? '-' : String(c);
      tr.append(td);
    }
    return tr;
  }));
}

function noteFor(id, res) {
  $(id).textContent = res.status === 200 ? '' : res.status === 403 ? 'Your role cannot see this.' : `Error ${res.status}: ${res.data?.error?.message ?? ''}`;
}

async function recentAudit(org) {
  let after = 0;
  let last = [];
  for (let page = 0; page < 20; page++) {
    const res = await api('GET', `/v1/orgs/${encodeURIComponent(org)}/audit?afterSeq=${after}&limit=1000`);
    if (res.status !== 200) return res;
    const items = res.data.items ?? [];
    last = [...last, ...items].slice(-20);
    if (items.length < 1000) break;
    after = items[items.length - 1].seq;
  }
  return { status: 200, data: { items: last.reverse() } };
}

async function loadOrg(org) {
  const enc = encodeURIComponent(org);
  const [gws, agents, audit] = await Promise.all([api('GET', `/v1/orgs/${enc}/gateways`), api('GET', `/v1/orgs/${enc}/agents`), recentAudit(org)]);
  noteFor('gateways-note', gws);
  fill('gateways', (gws.data.items ?? []).map((g) => {
    const s = g.status ?? {};
    const ready = (s.conditions ?? []).find((c) => c.type === 'Ready');
    return [g.metadata.name, s.lifecycle ?? 'pending', ready ? ready.status : (s.health?.ready ? 'True' : '-'), s.revision, s.runtimeVersion ?? g.spec?.runtime?.version];
  }));
  noteFor('agents-note', agents);
  fill('agents', (agents.data.items ?? []).map((a) => [a.metadata.name, a.metadata.gateway, typeof a.spec?.model === 'object' ? a.spec.model.primary : a.spec?.model, a.status?.live]));
  noteFor('audit-note', audit);
  fill('audit', (audit.data.items ?? []).map((e) => [e.seq, e.time, e.actor, e.action, e.target]));
}

async function showOverview(session) {
  csrfToken = session.csrfToken ?? '';
  const roles = (session.grants ?? []).map((g) => `${g.role} in ${g.org === '*' ? 'every organization' : g.org}`).join(', ');
  $('who').textContent = `${session.name} (${roles || 'no roles'})`;
  const orgs = await api('GET', '/v1/orgs');
  const names = (orgs.data.items ?? []).map((o) => o.metadata.name);
  const select = $('org');
  select.replaceChildren(...names.map((n) => Object.assign(document.createElement('option'), { value: n, textContent: n })));
  show('overview');
  if (names.length > 0) await loadOrg(names[0]);
  document.body.dataset.ready = 'overview';
}

async function showLogin(message) {
  show('login');
  $('login-error').textContent = message ?? '';
  const sso = await api('GET', '/v1/auth/sso');
  $('sso').hidden = !sso.data.enabled;
  document.body.dataset.ready = 'login';
}

async function start() {
  const me = await api('GET', '/v1/auth/session');
  if (me.status === 200) await showOverview(me.data);
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
    await showOverview(me.data);
  } else {
    $('login-error').textContent = res.data?.error?.message ?? `sign-in failed (${res.status})`;
    document.body.dataset.ready = 'login';
  }
});

$('org').addEventListener('change', (ev) => void loadOrg(ev.target.value));
$('logout').addEventListener('click', async () => {
  await api('POST', '/v1/auth/logout');
  csrfToken = '';
  await showLogin('Signed out.');
});

void start();
