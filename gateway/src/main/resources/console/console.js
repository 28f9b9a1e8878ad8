// The infergate console: plain JavaScript over the admin port's JSON bridge
// (POST /api/v1/<Method> with the GatewayAdmin request as proto JSON). No framework, no build.
// The token lives in this tab's sessionStorage only and goes with each call as a bearer token;
// there are no cookies, so another site cannot make the browser call with it. Over TLS, the
// browser's client certificate may be the identity instead: then the page needs no token.
'use strict';

const REFRESH_MS = 2000;
const HISTORY_LIMIT = 50;
const TOKEN_KEY = 'infergate.console.token';

const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  canWrite: false,
  revision: null,
  routes: [],
  timer: null,
};

/** Calls a GatewayAdmin method; resolves to its response, rejects with {status, code, message}. */
async function api(method, request) {
  const response = await fetch('/api/v1/' + method, {
    method: 'POST',
    headers: state.token
        ? {'Authorization': 'Bearer ' + state.token, 'Content-Type': 'application/json'}
        : {'Content-Type': 'application/json'},
    body: JSON.stringify(request || {}),
    cache: 'no-store',
  });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw {status: response.status, code: body.code || String(response.status),
      message: body.message || response.statusText};
  }
  return body;
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'text') node.textContent = value;
    else if (key.startsWith('data-')) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) {
    if (child !== null && child !== undefined) {
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return node;
}

function notice(text, kind) {
  const box = document.getElementById('notice');
  box.textContent = text;
  box.className = kind || '';
  box.hidden = !text;
}

// ---- sign-in -------------------------------------------------------------------------------

async function signIn(token) {
  state.token = token;
  try {
    await api('GetRoutes', {});
  } catch (e) {
    state.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    showSignIn(e.status === 401 ? 'Unknown token.' : 'Cannot sign in: ' + e.code + ' ' + e.message);
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  await enter();
}

// Without a token: a client certificate that admin.clientRoles names signs in by itself.
async function signInByCertificate() {
  state.token = null;
  try {
    await api('GetRoutes', {});
  } catch (e) {
    showSignIn(e.status === 403 ? 'Your client certificate has no role here: ' + e.message : '');
    return;
  }
  await enter();
}

async function enter() {
  const me = await api('WhoAmI', {});
  state.canWrite = me.role === 'operator' || me.role === 'admin';
  document.getElementById('sign-in-form').hidden = true;
  document.getElementById('who').hidden = false;
  document.getElementById('history-section').hidden = false;
  document.getElementById('role').textContent =
      me.identity + ' (' + me.role + (state.canWrite ? ')' : ', read only)');
  notice('');
  await refresh();
  state.timer = setInterval(refresh, REFRESH_MS);
}

function showSignIn(message) {
  clearInterval(state.timer);
  document.getElementById('sign-in-form').hidden = false;
  document.getElementById('who').hidden = true;
  document.getElementById('history-section').hidden = true;
  document.getElementById('routes').replaceChildren();
  notice(message || '', message ? 'error' : '');
}

function signOut() {
  sessionStorage.removeItem(TOKEN_KEY);
  state.token = null;
  showSignIn();
}

// ---- refresh -------------------------------------------------------------------------------

async function refresh() {
  try {
    const [routes, history] = await Promise.all([
      api('GetRoutes', {}),
      api('GetHistory', {limit: HISTORY_LIMIT}).catch(e => ({error: e})),
    ]);
    state.revision = routes.revision;
    state.routes = routes.routes || [];
    renderRoutes();
    renderHistory(history);
    document.getElementById('revision').textContent = 'revision ' + routes.revision;
    document.getElementById('refreshed').textContent =
        'updated ' + new Date().toLocaleTimeString();
  } catch (e) {
    if (e.status === 401) {
      signOut();
      notice('The token is no longer accepted.', 'error');
    } else {
      notice('Cannot reach the gateway: ' + (e.message || e), 'error');
    }
  }
}

const percent = x => (x === undefined || x === null) ? '–' : (100 * x).toFixed(1) + ' %';
const millis = x => (x === undefined || x === null || x === 0) ? '–' : x.toFixed(1) + ' ms';
const rate = x => (x === undefined || x === null) ? '–' : x.toFixed(1);

function renderRoutes() {
  const container = document.getElementById('routes');
  const seen = new Set();
  for (const route of state.routes) {
    seen.add(route.model);
    let card = container.querySelector(`.route[data-model="${CSS.escape(route.model)}"]`);
    if (!card) {
      card = el('article', {class: 'card route', 'data-model': route.model},
          el('h2', {}, route.model, el('span', {class: 'sub'})),
          el('div', {class: 'live'}),
          el('div', {class: 'ramp-box'}),
          el('div', {class: 'actions'}));
      container.append(card);
    }
    card.querySelector('h2 .sub').textContent =
        route.weightsFromApi ? 'weights set through the API' : 'weights from the config file';
    card.querySelector('.live').replaceChildren(variantTable(route));
    card.querySelector('.ramp-box').replaceChildren(rampBox(route.ramp));
    updateActions(card.querySelector('.actions'), route);
  }
  for (const card of container.querySelectorAll('.route')) {
    if (!seen.has(card.dataset.model)) card.remove();
  }
}

function variantTable(route) {
  const total = route.variants.reduce((sum, v) => sum + (v.weight || 0), 0) || 1;
  const rows = route.variants.map((v, i) => {
    const live = v.live || {};
    const failing = (live.backendFailureRate || 0) >= 0.05;
    return el('tr', {'data-variant': v.name},
        el('td', {}, el('strong', {text: v.name})),
        el('td', {class: 'num weight', text: v.weight || 0}),
        el('td', {}, weightBar(100 * (v.weight || 0) / total, i)),
        el('td', {class: 'num', text: rate(live.callsPerSecond)}),
        el('td', {class: 'num' + (failing ? ' bad' : ''), text: percent(live.backendFailureRate)}),
        el('td', {class: 'num', text: percent(live.callerErrorRate)}),
        el('td', {class: 'num', text: millis(live.p50Ms)}),
        el('td', {class: 'num', text: millis(live.p99Ms)}),
        el('td', {class: 'breaker-' + (v.breaker || ''), text: v.breaker || '–'}),
        el('td', {class: 'muted', text: (v.endpoints || []).join(', ')}));
  });
  return el('table', {},
      el('thead', {}, el('tr', {}, ...['Variant', 'Weight', 'Share', 'Calls/s', 'Backend failures',
        'Caller errors', 'p50', 'p99', 'Breaker', 'Endpoints'].map(h => el('th', {text: h})))),
      el('tbody', {}, ...rows));
}

function weightBar(share, index) {
  const fill = el('span');
  fill.style.width = share.toFixed(1) + '%';
  return el('div', {class: 'bar v' + (index % 4), title: share.toFixed(1) + ' %'}, fill);
}

function rampBox(ramp) {
  if (!ramp) return el('p', {class: 'muted', text: 'No ramp.'});
  const steps = ramp.steps || [];
  const step = ramp.step || 0;
  const since = ramp.stepSince ? new Date(ramp.stepSince) : null;
  return el('div', {class: 'ramp'},
      el('div', {},
          'Ramp of ', el('strong', {text: ramp.canary}), ' against ', el('strong', {text: ramp.stable}),
          ': ', el('span', {class: 'phase phase-' + ramp.phase, text: ramp.phase}),
          ` — step ${Math.min(step + 1, steps.length)}/${steps.length}`,
          steps.length ? `, canary weight ${steps[step]}` : '',
          since ? `, since ${since.toLocaleTimeString()} (${Math.round((Date.now() - since) / 1000)} s)` : '',
          ramp.hold ? `, hold ${ramp.hold} a step` : ''),
      el('div', {class: 'steps'}, ...steps.map((s, i) =>
          el('span', {class: i < step ? 'done' : i === step ? 'now' : '', text: s}))),
      ramp.detail ? el('div', {class: 'muted', text: ramp.detail}) : null);
}

// ---- actions -------------------------------------------------------------------------------

function updateActions(box, route) {
  if (!state.canWrite) {
    box.replaceChildren();
    return;
  }
  const names = route.variants.map(v => v.name).join(',');
  if (box.dataset.variants !== names) {
    box.dataset.variants = names;
    box.replaceChildren(
        weightsForm(route), rampForm(route), rampControls(route), promoteRollbackForm(route));
  }
  // Fresh figures into the weight inputs, unless the operator is editing them.
  for (const v of route.variants) {
    const input = box.querySelector(`input[data-variant="${CSS.escape(v.name)}"]`);
    if (input && !input.dataset.dirty) input.value = v.weight || 0;
  }
}

function weightsForm(route) {
  const inputs = route.variants.map(v => {
    const input = el('input', {type: 'number', min: 0, max: 100, step: 1, value: v.weight || 0,
      'data-model': route.model, 'data-variant': v.name, required: true});
    input.addEventListener('input', () => { input.dataset.dirty = '1'; });
    return el('label', {}, v.name + ' ', input);
  });
  const reason = el('input', {class: 'reason', placeholder: 'reason (audit log)', name: 'reason'});
  const form = el('form', {'data-action': 'SetWeights'},
      el('h4', {text: 'Set weights'}), ...inputs, el('br'), reason, ' ',
      el('button', {type: 'submit', class: 'primary', text: 'Set weights',
        'data-action': 'SetWeights', 'data-model': route.model}));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const weights = {};
    for (const input of form.querySelectorAll('input[data-variant]')) {
      weights[input.dataset.variant] = Number(input.value);
    }
    const done = await write('SetWeights', route.model,
        {model: route.model, weights, reason: reason.value});
    if (done) {
      for (const input of form.querySelectorAll('input[data-variant]')) delete input.dataset.dirty;
      reason.value = '';
    }
  });
  return form;
}

function rampForm(route) {
  const names = route.variants.map(v => v.name);
  const canary = el('select', {name: 'canary'}, ...names.map(n => el('option', {value: n, text: n})));
  canary.value = names[names.length - 1];
  const steps = el('input', {name: 'steps', value: '1,5,25,50,100', size: 14});
  const hold = el('input', {type: 'number', name: 'hold', min: 1, value: 60});
  const reason = el('input', {class: 'reason', placeholder: 'reason (audit log)'});
  const form = el('form', {'data-action': 'StartRamp'},
      el('h4', {text: 'Start a ramp'}),
      el('label', {}, 'canary ', canary), el('label', {}, 'steps ', steps),
      el('label', {}, 'hold (s) ', hold), el('br'), reason, ' ',
      el('button', {type: 'submit', class: 'primary', text: 'Start ramp',
        'data-action': 'StartRamp', 'data-model': route.model}));
  form.addEventListener('submit', async event => {
    event.preventDefault();
    const list = steps.value.split(',').map(s => s.trim()).filter(s => s).map(Number);
    await write('StartRamp', route.model, {model: route.model, canary: canary.value,
      steps: list, hold: Number(hold.value) + 's', reason: reason.value});
  });
  return form;
}

function rampControls(route) {
  const reason = el('input', {class: 'reason', placeholder: 'reason (audit log)'});
  const button = (method, label, cls) => {
    const b = el('button', {type: 'button', text: label, class: cls,
      'data-action': method, 'data-model': route.model});
    b.addEventListener('click', () =>
        write(method, route.model, {model: route.model, reason: reason.value}));
    return b;
  };
  return el('form', {'data-action': 'RampControls'},
      el('h4', {text: 'Ramp in progress'}), reason, el('br'),
      button('PauseRamp', 'Pause'), ' ', button('ResumeRamp', 'Resume'), ' ',
      button('AbortRamp', 'Abort (canary to 0)', 'danger'));
}

function promoteRollbackForm(route) {
  const names = route.variants.map(v => v.name);
  const variant = el('select', {}, ...names.map(n => el('option', {value: n, text: n})));
  variant.value = names[names.length - 1];
  const reason = el('input', {class: 'reason', placeholder: 'reason (audit log)'});
  const promote = el('button', {type: 'button', text: 'Promote (all weight)',
    'data-action': 'Promote', 'data-model': route.model});
  const rollback = el('button', {type: 'button', class: 'danger', text: 'Roll back (to 0)',
    'data-action': 'Rollback', 'data-model': route.model});
  promote.addEventListener('click', () => write('Promote', route.model,
      {model: route.model, variant: variant.value, reason: reason.value}));
  rollback.addEventListener('click', () => write('Rollback', route.model,
      {model: route.model, variant: variant.value, reason: reason.value}));
  return el('form', {'data-action': 'PromoteRollback'},
      el('h4', {text: 'Promote or roll back'}), el('label', {}, 'variant ', variant),
      reason, el('br'), promote, ' ', rollback);
}

/** Sends a write based on the revision last read; true when it was committed. */
async function write(method, model, request) {
  request.basedOnRevision = state.revision;
  try {
    const change = await api(method, request);
    notice(`${method} on ${model}: committed as revision ${change.revision}.`, '');
    await refresh();
    return true;
  } catch (e) {
    if (e.status === 409) {
      notice(`${method} on ${model} refused: someone changed it: reloaded. (${e.message})`,
          'conflict');
      await refresh();
    } else if (e.status === 403) {
      notice(`${method} on ${model} refused: ${e.message}`, 'error');
    } else {
      notice(`${method} on ${model} refused: ${e.code}: ${e.message}`, 'error');
    }
    return false;
  }
}

// ---- audit log -----------------------------------------------------------------------------

function renderHistory(history) {
  const body = document.querySelector('#history tbody');
  if (history.error) {
    body.replaceChildren(el('tr', {}, el('td', {colSpan: 8, class: 'muted',
      text: 'Audit log unavailable: ' + history.error.code + ' ' + history.error.message})));
    return;
  }
  const entries = (history.entries || []).slice().reverse();
  body.replaceChildren(...entries.map(entry => el('tr', {},
      el('td', {text: entry.time ? new Date(entry.time).toLocaleString() : ''}),
      el('td', {text: entry.identity}),
      el('td', {text: entry.model}),
      el('td', {text: entry.action}),
      el('td', {text: weights(entry.before) + ' → ' + weights(entry.after)}),
      el('td', {text: entry.reason}),
      el('td', {class: 'num', text: entry.revision}),
      el('td', {class: 'muted', text: Object.entries(entry.figures || {})
          .map(([k, v]) => `${k}=${Number(v).toFixed(3)}`).join(' ')}))));
}

const weights = map => Object.entries(map || {}).map(([k, v]) => `${k} ${v}`).join(', ') || '–';

// ---- start ---------------------------------------------------------------------------------

document.getElementById('sign-in-form').addEventListener('submit', event => {
  event.preventDefault();
  signIn(document.getElementById('token').value.trim());
});
document.getElementById('sign-out').addEventListener('click', signOut);
if (state.token) {
  signIn(state.token);
} else {
  signInByCertificate();
}
