// The Workflows dashboard: runs with live status, a run's graph with its progress and its event
// timeline, the human task inbox with forms made from the answers' JSON schemas. Plain JavaScript,
// no build step; every value from the API is put on the page as text, never as markup.
(() => {
  'use strict';

  const apiBase = document.querySelector('meta[name="workflows-api"]').content;
  const signInPath = document.querySelector('meta[name="workflows-sign-in"]').content;
  const signOutPath = document.querySelector('meta[name="workflows-sign-out"]').content;
  const view = document.getElementById('view');
  const storageKey = 'workflows.apiKey';
  // A caller is an API key typed in (kept in the tab) or a person signed in to the app with a cookie
  // (account: true), whom the API knows without a key.
  const session = { key: sessionStorage.getItem(storageKey), account: false, me: null };
  const page = { timers: [], aborts: [] };
  let workflowsCache = null;
  let graphCounter = 0;

  mermaid.initialize({ startOnLoad: false, securityLevel: 'strict', theme: 'neutral', flowchart: { htmlLabels: false } });

  // A key in the address (#key=...) signs in and is removed from the address at once — whether the
  // link opens a new tab or lands in one that already shows the dashboard (a hash change, which
  // reloads nothing): replaceState rewrites the history entry the link made, so the key is neither
  // in the address bar nor in the history.
  function takeKeyFromAddress() {
    const fromLink = location.hash.match(/^#key=(.+)$/);
    if (!fromLink) return;
    session.key = decodeURIComponent(fromLink[1]);
    session.me = null;
    sessionStorage.setItem(storageKey, session.key);
    history.replaceState(null, '', location.pathname + location.search + '#/runs');
  }

  takeKeyFromAddress();

  // ---- talking to the API ---------------------------------------------------------------------

  class ApiError extends Error {
    constructor(message, status, problem) {
      super(message);
      this.status = status;
      this.problem = problem;
    }
  }

  async function api(path, options = {}) {
    const headers = { Accept: 'application/json' };
    if (session.key) headers.Authorization = 'Bearer ' + session.key;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    // Changes made with a cookie must say they come from this page: another site cannot send the header.
    if (options.method && options.method !== 'GET') headers['X-Workflows-Csrf'] = '1';
    const response = await fetch(apiBase + path, {
      method: options.method || 'GET',
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
    const text = await response.text();
    const data = text ? JSON.parse(text) : null;
    if (response.status === 401) {
      signOut(data && data.detail ? data.detail : 'Sign in with an API key.');
      throw new ApiError('Not signed in.', 401, data);
    }

    if (!response.ok) {
      throw new ApiError((data && data.detail) || response.statusText, response.status, data);
    }

    return data;
  }

  // Server-sent events through fetch, so the API key travels in a header; resumes with Last-Event-ID.
  async function follow(path, onMessage, signal) {
    let last = 0;
    let failures = 0;
    while (!signal.aborted) {
      try {
        const response = await fetch(apiBase + path, {
          headers: { ...(session.key ? { Authorization: 'Bearer ' + session.key } : {}), Accept: 'text/event-stream', 'Last-Event-ID': String(last) },
          signal,
        });
        if (!response.ok) throw new Error(response.statusText);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end;
          while ((end = buffer.indexOf('\n\n')) >= 0) {
            const message = parseMessage(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            if (message.id) last = Number(message.id);
            if (message.event) onMessage(message.event, message.data ? JSON.parse(message.data) : null);
            if (message.event === 'end') return;
          }
        }
        failures = 0;
      } catch (error) {
        if (signal.aborted) return;
        failures++;
      }

      await sleep(Math.min(1000 * 2 ** failures, 15000));
    }
  }

  function parseMessage(block) {
    const message = { data: '' };
    const data = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') data.push(value);
      else if (field === 'id' || field === 'event') message[field] = value;
    }
    message.data = data.join('\n');
    return message;
  }

  // ---- small DOM helpers --------------------------------------------------------------------

  function h(tag, attributes, ...children) {
    const element = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
      else if (name === 'class') element.className = value;
      else if (value === true) element.setAttribute(name, '');
      else element.setAttribute(name, value);
    }
    append(element, children);
    return element;
  }

  function append(element, children) {
    for (const child of children.flat(Infinity)) {
      if (child === undefined || child === null || child === false) continue;
      element.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }

  const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
  // Run ids start with a timestamp, so runs started together share their first characters: a short id
  // keeps the start and the random end, and the full id is in its title and one click from the clipboard.
  const shortId = id => (id.length > 13 ? id.slice(0, 8) + '…' + id.slice(-4) : id);
  // A run's workflow, with its version when it is not the first: "Approval v2".
  const versioned = run => (run.version != null && run.version > 1 ? `${run.workflow} v${run.version}` : run.workflow);
  const copyButton = id => h('button', { class: 'copy', type: 'button', title: 'Copy the run id ' + id, 'data-test': 'copy-id', 'data-id': id, onclick: async event => {
    event.preventDefault();
    event.stopPropagation();
    try {
      await navigator.clipboard.writeText(id);
      toast('Copied ' + id);
    } catch {
      toast('Run id: ' + id);
    }
  } }, 'copy');
  const statusBadge = status => h('span', { class: 'status ' + status, 'data-status': status }, statusLabel(status));

  function statusLabel(status) {
    return { running: 'running', waitingForInput: 'waiting for input', suspended: 'suspended', queued: 'queued', completed: 'completed', failed: 'failed', cancelled: 'cancelled', timedOut: 'timed out' }[status] || status;
  }

  function ago(when) {
    const seconds = Math.max(0, Math.round((Date.now() - new Date(when).getTime()) / 1000));
    if (seconds < 60) return seconds + ' s ago';
    if (seconds < 3600) return Math.round(seconds / 60) + ' min ago';
    if (seconds < 86400) return Math.round(seconds / 3600) + ' h ago';
    return new Date(when).toLocaleString();
  }

  function until(when) {
    const seconds = Math.round((new Date(when).getTime() - Date.now()) / 1000);
    if (seconds <= 0) return 'due now';
    if (seconds < 60) return 'in ' + seconds + ' s';
    if (seconds < 3600) return 'in ' + Math.round(seconds / 60) + ' min';
    if (seconds < 86400) return 'in ' + Math.round(seconds / 3600) + ' h';
    return new Date(when).toLocaleString();
  }

  function toast(message) {
    const element = document.getElementById('toast');
    element.textContent = message;
    element.hidden = false;
    clearTimeout(toast.timer);
    toast.timer = setTimeout(() => { element.hidden = true; }, 3500);
  }

  function every(ms, action) {
    action();
    page.timers.push(setInterval(action, ms));
  }

  function abortable() {
    const controller = new AbortController();
    page.aborts.push(controller);
    return controller.signal;
  }

  function leavePage() {
    page.timers.forEach(clearInterval);
    page.aborts.forEach(controller => controller.abort());
    page.timers = [];
    page.aborts = [];
  }

  function show(...children) {
    view.replaceChildren(...children);
  }

  function failure(error) {
    return h('div', { class: 'error', role: 'alert' }, error.message || String(error));
  }

  async function workflows() {
    workflowsCache = workflowsCache || await api('/workflows');
    return workflowsCache;
  }

  // ---- signing in -----------------------------------------------------------------------------

  function signOut(message) {
    session.key = null;
    session.account = false;
    session.me = null;
    sessionStorage.removeItem(storageKey);
    leavePage();
    renderSignIn(message);
  }

  function renderSignIn(message) {
    document.getElementById('sign-out').hidden = true;
    document.querySelectorAll('[data-admin]').forEach(link => { link.hidden = true; });
    document.getElementById('who').hidden = true;
    const input = h('input', { type: 'password', id: 'api-key', autocomplete: 'off', required: true });
    show(h('form', {
      class: 'card signin',
      onsubmit: event => {
        event.preventDefault();
        session.key = input.value.trim();
        sessionStorage.setItem(storageKey, session.key);
        route();
      },
    },
    h('h1', {}, 'Sign in'),
    h('p', { class: 'sub' }, 'The dashboard reads and acts through the Workflows API with one of its API keys. The key stays in this tab only.'),
    message ? h('div', { class: 'error', role: 'alert' }, message) : null,
    signInPath ? [
      h('div', { class: 'actions' }, h('a', {
        class: 'button primary', 'data-test': 'account-sign-in',
        href: signInPath + (signInPath.includes('?') ? '&' : '?') + 'ReturnUrl=' + encodeURIComponent(location.pathname + location.search),
      }, 'Sign in with your account')),
      h('p', { class: 'sub' }, 'Or with an API key:'),
    ] : null,
    h('label', { for: 'api-key' }, 'API key'),
    input,
    h('div', { class: 'actions' }, h('button', { class: 'primary', type: 'submit' }, 'Sign in'))));
    input.focus();
  }

  // Whether the signed-in caller has a permission (read, start, answer, operate, administer): the
  // dashboard shows only what the server would let them do.
  function may(permission) {
    return !!(session.me && (session.me.permissions || []).includes(permission));
  }

  async function whoAmI() {
    if (session.me) return;
    session.me = await api('/me');
    const who = document.getElementById('who');
    who.textContent = 'signed in as ' + session.me.name;
    who.hidden = false;
    document.getElementById('sign-out').hidden = session.account && !signOutPath;
    document.querySelectorAll('[data-admin]').forEach(link => { link.hidden = !may('administer'); });
  }

  // ---- forms from JSON schemas -----------------------------------------------------------------

  function typeOf(schema) {
    const type = Array.isArray(schema.type) ? schema.type.find(t => t !== 'null') : schema.type;
    return schema.enum ? 'enum' : type || 'json';
  }

  function humanize(name) {
    return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/^./, c => c.toUpperCase());
  }

  // Builds inputs for an object schema; read() returns the value, or throws saying which field is wrong.
  function objectFields(schema, prefix, prefill) {
    const required = new Set(schema.required || []);
    const fields = [];
    const elements = [];
    for (const [name, property] of Object.entries(schema.properties || {})) {
      const id = prefix + name;
      const type = typeOf(property);
      const label = h('label', { for: id }, humanize(name), required.has(name) ? null : h('span', { class: 'hint' }, ' (optional)'));
      let input;
      let read;
      if (type === 'boolean') {
        input = h('input', { type: 'checkbox', id, name });
        elements.push(h('label', { class: 'check' }, input, humanize(name)));
        fields.push({ name, type, read: () => input.checked, input });
        continue;
      } else if (type === 'enum') {
        input = h('select', { id, name }, property.enum.map(option => h('option', { value: JSON.stringify(option) }, String(option))));
        read = () => JSON.parse(input.value);
      } else if (type === 'integer' || type === 'number') {
        input = h('input', { type: 'number', id, name, step: type === 'integer' ? '1' : 'any', required: required.has(name) });
        read = () => {
          if (input.value === '') return required.has(name) ? fail(name, 'a number') : null;
          return Number(input.value);
        };
      } else if (type === 'string') {
        const long = /text|body|comment|note|reason|description|message|content/i.test(name);
        input = long ? h('textarea', { id, name, required: required.has(name) }) : h('input', { type: 'text', id, name, required: required.has(name) });
        if (prefill && prefill[name] !== undefined) input.value = prefill[name];
        read = () => (input.value === '' && !required.has(name) ? null : input.value);
      } else if (type === 'array' && property.items && typeOf(property.items) === 'string') {
        input = h('textarea', { id, name, placeholder: 'one per line' });
        read = () => input.value.split('\n').map(line => line.trim()).filter(line => line.length > 0);
      } else if (type === 'object' && property.properties) {
        const nested = objectFields(property, id + '.', null);
        elements.push(h('fieldset', {}, h('legend', {}, humanize(name)), nested.elements));
        fields.push({ name, type, read: nested.read });
        continue;
      } else {
        input = h('textarea', { id, name, placeholder: 'JSON' });
        read = () => {
          if (input.value.trim() === '') return null;
          try { return JSON.parse(input.value); } catch { return fail(name, 'JSON'); }
        };
      }

      elements.push(label, input);
      fields.push({ name, type, read, input });
    }

    return {
      elements,
      fields,
      read: () => Object.fromEntries(fields.map(field => [field.name, field.read()])),
    };
  }

  function fail(name, what) {
    throw new Error(`${humanize(name)} must be ${what}.`);
  }

  // A form for one event type. When the event has a single yes/no field (approve, approved, ok),
  // it becomes two buttons: one click answers.
  function eventForm(schema, { submitLabel, onSubmit, prefill, testId, confirmNo }) {
    const built = objectFields(schema, 'f' + (++graphCounter) + '-', prefill);
    const booleans = built.fields.filter(field => field.type === 'boolean');
    const errors = h('div', { role: 'alert' });
    const form = h('form', { 'data-test': testId }, built.elements, errors);
    const send = async override => {
      errors.replaceChildren();
      let value;
      try {
        value = built.read();
        Object.assign(value, override);
      } catch (error) {
        errors.replaceChildren(failure(error));
        return;
      }

      const buttons = form.querySelectorAll('button');
      buttons.forEach(button => { button.disabled = true; });
      try {
        await onSubmit(value);
      } catch (error) {
        errors.replaceChildren(failure(error));
      } finally {
        buttons.forEach(button => { button.disabled = false; });
      }
    };

    const actions = h('div', { class: 'actions' });
    if (booleans.length === 1) {
      const choice = booleans[0];
      form.querySelector(`[name="${choice.name}"]`).closest('label').remove();
      const yes = /approv|accept|allow|publish/i.test(choice.name) ? 'Approve' : 'Yes';
      const no = yes === 'Approve' ? 'Reject' : 'No';
      // A rejection is asked twice where it is final for someone else's work: the first click only arms it.
      const reject = h('button', { type: 'button', class: 'reject', 'data-test': 'reject', onclick: () => {
        if (!confirmNo) { send({ [choice.name]: false }); return; }
        reject.replaceWith(
          h('button', { type: 'button', class: 'reject armed', 'data-test': 'confirm-reject', onclick: () => send({ [choice.name]: false }) }, 'Confirm: ' + no.toLowerCase()),
          h('button', { type: 'button', 'data-test': 'cancel-reject', onclick: event => { event.currentTarget.previousSibling.replaceWith(reject); event.currentTarget.remove(); } }, 'Cancel'));
      } }, no);
      actions.append(
        h('button', { type: 'button', class: 'approve', 'data-test': 'approve', onclick: () => send({ [choice.name]: true }) }, yes),
        reject);
      form.addEventListener('submit', event => { event.preventDefault(); });
    } else {
      actions.append(h('button', { type: 'submit', class: 'primary' }, submitLabel));
      form.addEventListener('submit', event => { event.preventDefault(); send({}); });
    }

    form.append(actions);
    return form;
  }

  // What a run asks, as a readable list rather than raw JSON.
  function describe(payload) {
    if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) {
      return h('pre', {}, JSON.stringify(payload, null, 2));
    }

    return h('dl', {}, Object.entries(payload).map(([key, value]) => [
      h('dt', {}, humanize(key)),
      h('dd', {}, Array.isArray(value)
        ? h('ul', {}, value.map(item => h('li', {}, typeof item === 'object' ? JSON.stringify(item) : String(item))))
        : typeof value === 'object' && value !== null ? h('pre', {}, JSON.stringify(value, null, 2)) : String(value)),
    ]));
  }

  // Who may answer a task, in words: "claimed by ana", "ana, role legal", "anyone who may answer".
  function assignees(task) {
    if (task.claimedBy) return 'claimed by ' + task.claimedBy;
    const named = [...(task.users || []), ...(task.roles || []).map(role => 'role ' + role)];
    return named.length === 0 ? 'anyone who may answer' : named.join(', ');
  }

  // A task's title; one left to default (the question's type name) reads as words.
  const taskTitle = task => (task.title && !(task.prompt && task.title === task.prompt.name) ? task.title : task.prompt ? humanize(task.prompt.name) : 'Waiting for input');

  const dueText = task => (!task.dueAt ? null : task.overdue ? 'overdue' : 'due ' + until(task.dueAt));

  // The task pane: the question, who may answer and by when, claim / release / hand on, the answer
  // form, and the task's history. Answers go to the task (the server records who answered).
  function taskCard(task, onChanged) {
    const allowed = new Set(task.allowed || (may('answer') ? ['answer'] : []));
    const container = h('section', { class: 'card task' + (task.overdue ? ' overdue' : ''), 'data-test': 'task', 'data-run': task.runId, 'data-task': task.taskId ?? '' });
    const due = dueText(task);
    container.append(h('div', { class: 'head' },
      h('div', {},
        h('h2', {}, taskTitle(task)),
        h('div', { class: 'sub' }, task.workflow, ' · ', h('a', { href: '#/runs/' + encodeURIComponent(task.runId) }, 'run ' + shortId(task.runId)), ' · asked ', ago(task.waitingSince), task.step ? ' · step ' + task.step : null),
        task.taskId == null ? null : h('div', { class: 'sub', 'data-test': 'assignees' }, assignees(task),
          due ? [' · ', h('span', { class: task.overdue ? 'badge overdue' : 'badge' }, due)] : null,
          task.priority > 0 ? [' · ', h('span', { class: 'badge' }, 'priority ' + task.priority)] : null))));
    if (task.prompt) container.append(h('div', { class: 'prompt' }, describe(task.prompt.payload)));

    const act = async (verb, body, done) => {
      try {
        await api('/tasks/' + task.taskId + '/' + verb, { method: 'POST', body });
        toast(done);
        if (onChanged) onChanged();
      } catch (error) {
        toast(error.message);
      }
    };
    if (task.taskId != null) {
      const controls = h('div', { class: 'actions task-controls' });
      if (allowed.has('claim') && task.claimedBy !== (session.me && (session.me.kind === 'key' ? session.me.name : session.me.id))) {
        controls.append(h('button', { type: 'button', 'data-test': 'claim', onclick: () => act('claim', undefined, 'Claimed: only you may answer it now') }, 'Claim'));
      }
      if (allowed.has('release')) controls.append(h('button', { type: 'button', 'data-test': 'release', onclick: () => act('release', undefined, 'Released') }, 'Release'));
      if (allowed.has('delegate')) {
        const to = h('input', { type: 'text', name: 'delegate-to', placeholder: 'user id', 'aria-label': 'Delegate to user' });
        controls.append(h('form', { class: 'inline', 'data-test': 'delegate', onsubmit: event => {
          event.preventDefault();
          if (to.value.trim()) act('delegate', { to: to.value.trim() }, 'Delegated to ' + to.value.trim());
        } }, to, h('button', { type: 'submit' }, 'Delegate')));
      }
      if (allowed.has('reassign')) {
        const roles = h('input', { type: 'text', name: 'reassign-roles', placeholder: 'roles, comma separated', 'aria-label': 'Reassign to roles' });
        controls.append(h('form', { class: 'inline', 'data-test': 'reassign', onsubmit: event => {
          event.preventDefault();
          const list = roles.value.split(',').map(role => role.trim()).filter(role => role);
          act('reassign', { users: [], roles: list }, list.length ? 'Reassigned to ' + list.join(', ') : 'Open to anyone who may answer');
        } }, roles, h('button', { type: 'submit' }, 'Reassign')));
      }
      if (controls.childElementCount > 0) container.append(controls);
    }

    if (task.responses.length === 0) {
      container.append(h('p', { class: 'empty' }, 'This server does not run the workflow, so it cannot answer here.'));
    } else if (!may('answer')) {
      container.append(h('p', { class: 'empty', 'data-test': 'may-not-answer' }, 'You may read this task but not answer it (that takes the answer permission).'));
    } else if (!allowed.has('answer')) {
      container.append(h('p', { class: 'empty', 'data-test': 'may-not-answer' }, task.claimedBy ? `${task.claimedBy} is on this task.` : 'This task is assigned to ' + assignees(task) + '.'));
    } else {
      for (const response of task.responses) {
        if (task.responses.length > 1) container.append(h('h2', {}, 'Answer with ' + humanize(response.name)));
        container.append(eventForm(response.schema, {
          submitLabel: 'Send ' + humanize(response.name),
          testId: 'answer',
          confirmNo: true,
          prefill: questionPrefill(response.schema, task.prompt && task.prompt.payload),
          onSubmit: async data => {
            const path = task.taskId != null ? '/tasks/' + task.taskId + '/answer' : '/runs/' + encodeURIComponent(task.runId) + '/events';
            await api(path, { method: 'POST', body: { type: response.name, data } });
            container.replaceChildren(h('p', { class: 'sent' }, `Sent ${humanize(response.name)} to run ${shortId(task.runId)}.`));
            toast('Answer sent');
            countTasks();
            if (onChanged) onChanged();
          },
        }));
      }
    }

    if (task.history && task.history.length > 0) {
      container.append(h('details', { class: 'history', 'data-test': 'history' }, h('summary', {}, 'History'),
        h('ol', {}, task.history.map(entry => h('li', {}, historyLine(entry))))));
    }

    return container;
  }

  // A task's change as words: $task-claimed → claimed.
  const taskChange = type => ({ '$task-created': 'asked', '$task-claimed': 'claimed', '$task-released': 'released', '$task-delegated': 'delegated', '$task-reassigned': 'reassigned', '$task-overdue': 'overdue', '$task-completed': 'answered' }[type] || type);

  function historyLine(entry) {
    const what = taskChange(entry.type);
    const detail = entry.payload || {};
    return [new Date(entry.createdAt).toLocaleString(), ' · ', what, entry.producer ? ' by ' + entry.producer : null,
      detail.to ? ' to ' + detail.to : null, detail.roles ? ' (roles ' + detail.roles.join(', ') + ')' : null, detail.reason ? ': ' + detail.reason : null];
  }

  // An answer's text field named like a member of the question starts with the question's value, to edit
  // rather than retype (a tool call's arguments, a draft).
  function questionPrefill(schema, question) {
    const prefill = {};
    if (!question || typeof question !== 'object') return prefill;
    const asked = Object.fromEntries(Object.entries(question).map(([key, value]) => [key.toLowerCase(), value]));
    for (const name of Object.keys(schema.properties || {})) {
      if (typeof asked[name.toLowerCase()] === 'string') prefill[name] = asked[name.toLowerCase()];
    }

    return prefill;
  }

  // ---- the workflow graph ---------------------------------------------------------------------

  const identifier = name => name.replace(/[^A-Za-z0-9]/g, '_');

  async function drawGraph(container, workflow, run) {
    const steps = run ? run.steps : null;
    const status = run ? run.status : null;
    const lines = [workflow.mermaid.trimEnd(),
      'classDef done fill:#dcfce7,stroke:#16a34a,color:#14532d',
      'classDef running fill:#dbeafe,stroke:#2563eb,stroke-width:3px,color:#1e3a8a',
      'classDef pending fill:#eef2ff,stroke:#6366f1,stroke-dasharray:4 3',
      'classDef waiting fill:#fef3c7,stroke:#d97706,stroke-width:3px,color:#78350f',
      'classDef failed fill:#fee2e2,stroke:#dc2626,color:#7f1d1d',
      'classDef cancelled fill:#f3f4f6,stroke:#9ca3af,color:#6b7280'];
    for (const step of steps || []) {
      if (step.state !== 'idle') lines.push(`class step_${identifier(step.name)} ${step.state}`);
    }

    // A run waiting for a person: the question it asked and the answers it takes light up.
    if (status === 'waitingForInput' && run.task) {
      if (run.task.prompt) lines.push(`class ask_${identifier(run.task.prompt.name)} waiting`);
      for (const response of run.task.responses) lines.push(`class input_${identifier(response.name)} waiting`);
    }

    if (steps) lines.push(`class start_${identifier(workflow.startEvent.name)} done`);
    if (status === 'completed') lines.push(`class stop_${identifier(workflow.stopEvent.name)} done`);
    try {
      const { svg } = await mermaid.render('graph' + (++graphCounter), lines.join('\n'));
      container.innerHTML = svg; // Mermaid's own output, sanitized by its strict security level.
    } catch (error) {
      container.replaceChildren(h('pre', {}, workflow.mermaid));
    }
  }

  const legend = () => h('div', { class: 'legend' },
    h('span', {}, h('i', { class: 'done' }), 'done'), h('span', {}, h('i', { class: 'running' }), 'running'),
    h('span', {}, h('i', { class: 'waiting' }), 'waiting'), h('span', {}, h('i', { class: 'failed' }), 'failed'));

  // ---- pages ----------------------------------------------------------------------------------

  async function renderRuns(query) {
    const filters = { workflow: query.get('workflow') || '', status: query.get('status') || '', search: query.get('search') || '', offset: Number(query.get('offset') || 0) };
    const limit = 25;
    const body = h('tbody');
    const summary = h('span', { class: 'sub' });
    const pager = h('div', { class: 'pager' }, summary, h('span', {}));
    const workflowSelect = h('select', { 'aria-label': 'Workflow', onchange: () => go({ ...filters, workflow: workflowSelect.value, offset: 0 }) }, h('option', { value: '' }, 'All workflows'));
    const statusSelect = h('select', { 'aria-label': 'Status', onchange: () => go({ ...filters, status: statusSelect.value, offset: 0 }) },
      [['', 'Any status'], ['running', 'Running'], ['waitingForInput', 'Waiting for input'], ['suspended', 'Suspended'], ['queued', 'Queued'], ['completed', 'Completed'], ['failed', 'Failed'], ['cancelled', 'Cancelled'], ['timedOut', 'Timed out']]
        .map(([value, text]) => h('option', { value, selected: value === filters.status }, text)));
    // Searches a run's title (any case) or the start of its id; Enter or leaving the box applies it.
    const searchBox = h('input', { type: 'search', 'aria-label': 'Search runs', placeholder: 'Search title or run id', value: filters.search, 'data-test': 'run-search', maxlength: 200,
      onchange: () => go({ ...filters, search: searchBox.value.trim(), offset: 0 }) });
    show(
      h('div', { class: 'head' }, h('h1', {}, 'Runs'), h('span', { class: 'sub' }, 'live: updates every two seconds')),
      h('div', { class: 'filters' }, searchBox, workflowSelect, statusSelect),
      h('div', { class: 'card' }, h('table', { class: 'runs' },
        h('thead', {}, h('tr', {}, h('th', {}, 'Run'), h('th', {}, 'Workflow'), h('th', {}, 'Status'), h('th', {}, 'Started'), h('th', {}, 'Updated'))),
        body), pager));
    for (const workflow of await workflows()) {
      workflowSelect.append(h('option', { value: workflow.name, selected: workflow.name === filters.workflow }, workflow.name));
    }

    const signal = abortable();
    every(2000, async () => {
      const params = new URLSearchParams({ offset: filters.offset, limit });
      if (filters.workflow) params.set('workflow', filters.workflow);
      if (filters.status) params.set('status', filters.status);
      if (filters.search) params.set('search', filters.search);
      try {
        const list = await api('/runs?' + params, { signal });
        body.replaceChildren(...(list.runs.length === 0
          ? [h('tr', {}, h('td', { colspan: 5, class: 'empty' }, filters.search ? `No run matches “${filters.search}”.` : 'No runs yet. Start one from Workflows.'))]
          : list.runs.map(run => h('tr', { 'data-test': 'run-row', 'data-run': run.runId },
            h('td', {},
              run.title ? h('a', { class: 'run-title', 'data-test': 'run-title', href: '#/runs/' + encodeURIComponent(run.runId) }, run.title) : null,
              run.title ? h('br') : null,
              h('a', { class: 'mono', title: run.runId, href: '#/runs/' + encodeURIComponent(run.runId) }, shortId(run.runId)), ' ', copyButton(run.runId)),
            h('td', {}, versioned(run)),
            h('td', {}, statusBadge(run.status)),
            h('td', { class: 'when' }, ago(run.createdAt)),
            h('td', { class: 'when' }, ago(run.updatedAt))))));
        summary.textContent = list.total === 0 ? '' : `${list.offset + 1}–${list.offset + list.runs.length} of ${list.total}`;
        pager.lastChild.replaceChildren(
          filters.offset > 0 ? h('button', { onclick: () => go({ ...filters, offset: Math.max(0, filters.offset - limit) }) }, 'Newer') : '',
          ' ',
          filters.offset + limit < list.total ? h('button', { onclick: () => go({ ...filters, offset: filters.offset + limit }) }, 'Older') : '');
      } catch (error) {
        if (!signal.aborted && error.status !== 401) body.replaceChildren(h('tr', {}, h('td', { colspan: 5 }, failure(error))));
      }
    });

    function go(next) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(next)) if (value) params.set(key, value);
      location.hash = '#/runs' + (params.toString() ? '?' + params : '');
    }
  }

  async function renderRun(runId) {
    const title = h('h1', {}, 'Run ', h('span', { class: 'mono', 'data-test': 'run-id' }, runId), ' ', copyButton(runId));
    const meta = h('div', { class: 'sub' });
    const badge = h('span', {});
    const cancel = h('button', { class: 'danger', hidden: true, onclick: async () => {
      if (!confirm('Cancel this run? Steps in flight are stopped.')) return;
      try { await api('/runs/' + encodeURIComponent(runId) + '/cancel', { method: 'POST' }); toast('Run cancelled'); refresh(); } catch (error) { toast(error.message); }
    } }, 'Cancel run');
    // Operator controls: shown only to keys that may operate, and only when the run's status allows them.
    const control = (verb, label, done) => h('button', { hidden: true, 'data-test': verb, onclick: async () => {
      try { await api('/runs/' + encodeURIComponent(runId) + '/' + verb, { method: 'POST' }); toast(done); refresh(); } catch (error) { toast(error.message); }
    } }, label);
    const suspend = control('suspend', 'Suspend', 'Run suspended');
    const resume = control('resume', 'Resume', 'Run resumed');
    const retry = control('retry', 'Retry', 'Run retried from its failed step');
    const graph = h('div', { class: 'graph', 'data-test': 'graph' });
    const side = h('div', {});
    const timeline = h('ol', { class: 'timeline', 'data-test': 'timeline' });
    show(
      h('div', { class: 'head' }, h('div', {}, title, meta), h('div', { class: 'actions' }, badge, suspend, resume, retry, cancel)),
      h('div', { class: 'grid' },
        h('section', { class: 'card' }, h('h2', {}, 'Progress'), graph, legend()),
        side),
      h('section', { class: 'card' }, h('h2', {}, 'Timeline'), timeline));

    let run;
    let workflow;
    let drawn = '';
    let answeredFor = null;
    const refresh = debounce(async () => {
      try {
        run = await api('/runs/' + encodeURIComponent(runId));
      } catch (error) {
        if (error.status === 404) show(h('div', { class: 'card' }, h('h1', {}, 'No such run'), failure(error)));
        return;
      }

      // A run goes on under the version it started under, which may be older than the one new runs start on.
      workflow = workflow || (await workflows()).find(w => w.name === run.workflow && (run.version == null || w.version === run.version))
        || (run.version != null ? await api('/workflows/' + encodeURIComponent(run.workflow) + '?version=' + run.version).catch(() => undefined) : undefined);
      meta.replaceChildren(...(run.title ? [h('strong', { 'data-test': 'run-title' }, run.title), ' · '] : []), versioned(run), ' · started ', ago(run.createdAt), ' · updated ', ago(run.updatedAt));
      badge.replaceChildren(statusBadge(run.status));
      const operates = may('operate');
      cancel.hidden = !operates || ['completed', 'failed', 'cancelled', 'timedOut'].includes(run.status);
      suspend.hidden = !operates || !['running', 'waitingForInput', 'queued'].includes(run.status);
      resume.hidden = !operates || run.status !== 'suspended';
      retry.hidden = !operates || run.status !== 'failed';
      const signature = JSON.stringify([run.status, run.steps]);
      if (workflow && signature !== drawn) {
        drawn = signature;
        await drawGraph(graph, workflow, run);
      }

      const cards = [];
      if (run.task && answeredFor !== run.updatedAt) {
        cards.push(taskCard(run.task, () => { answeredFor = run.updatedAt; refresh(); }));
      }

      if (run.result !== undefined && run.result !== null) {
        cards.push(h('section', { class: 'card', 'data-test': 'result' }, h('h2', {}, 'Result'), h('div', { class: 'prompt' }, describe(run.result))));
      }

      if (run.error) {
        cards.push(h('section', { class: 'card' }, h('h2', {}, statusLabel(run.status)), h('div', { class: 'error' }, run.error)));
      }

      if (run.modelUsage) {
        const u = run.modelUsage;
        cards.push(h('section', { class: 'card', 'data-test': 'model-usage' }, h('h2', {}, 'Model usage'),
          h('div', {}, `${u.calls} call${u.calls === 1 ? '' : 's'} · ${u.inputTokens} in + ${u.outputTokens} out tokens` +
            (u.estimatedCost != null ? ` · about ${u.estimatedCost.toFixed(4)}` : ''))));
      }

      if (cards.length === 0) cards.push(h('section', { class: 'card' }, h('h2', {}, 'Steps'), stepList(run.steps)));
      side.replaceChildren(...cards);
    }, 150);

    await refresh();
    follow('/runs/' + encodeURIComponent(runId) + '/events/stream?all=true', (type, data) => {
      if (type === 'live') return showLive(timeline, data);
      if (type !== 'end') timeline.prepend(entry(data));
      refresh();
    }, abortable());
    every(10000, () => refresh());
  }

  function stepList(steps) {
    return h('table', {}, h('tbody', {}, steps.map(step => h('tr', {},
      h('td', {}, step.name),
      h('td', {}, step.state),
      h('td', { class: 'sub' }, step.attempts > step.deliveries ? `${step.attempts} attempts` : '')))));
  }

  // A live event (never stored): pieces of one message (a model's answer as it is written) grow one entry.
  function showLive(timeline, event) {
    // The payload is the workflow's own JSON: its context may name members in either case.
    const payload = event.payload || {};
    const id = payload.messageId ?? payload.MessageId;
    const piece = payload.text ?? payload.Text;
    const existing = id ? [...timeline.querySelectorAll('li[data-kind="live"]')].find(li => li.dataset.message === id) : null;
    if (existing && typeof piece === 'string') {
      existing.querySelector('.live-text').textContent += piece;
      return;
    }

    const text = typeof piece === 'string' ? piece : JSON.stringify(payload);
    const li = h('li', { 'data-kind': 'live', 'data-test': 'live' },
      h('span', { class: 'seq mono' }, '…'),
      h('span', { class: 'kind live' }, 'live'),
      h('div', { class: 'what' }, event.name, event.producer ? h('span', { class: 'by' }, ' from ' + event.producer) : null,
        h('div', { class: 'live-text' }, text)),
      h('span', { class: 'when' }, new Date(event.createdAt).toLocaleTimeString()));
    if (id) li.dataset.message = id;
    timeline.prepend(li);
  }

  function entry(event) {
    return h('li', { 'data-kind': event.kind },
      h('span', { class: 'seq mono' }, event.sequence),
      h('span', { class: 'kind ' + event.kind }, event.kind),
      h('div', { class: 'what' },
        h('details', {}, h('summary', {}, event.kind === 'task' ? 'Task ' + taskChange(event.name) : event.name,
          event.producer ? h('span', { class: 'by' }, (event.kind === 'task' ? ' by ' : ' from ') + event.producer) : null),
          h('pre', {}, JSON.stringify(event.payload, null, 2)))),
      h('span', { class: 'when' }, new Date(event.createdAt).toLocaleTimeString()));
  }

  // The inbox: a compact list of tasks with filters and sorting, and the selected task in a pane
  // beside it (below it on a phone). j / k or the arrow keys move through the list; Enter opens the answer.
  async function renderTasks(params) {
    const filters = [['all', 'All'], ['mine', 'Mine'], ['roles', 'My roles'], ['unassigned', 'Unassigned'], ['overdue', 'Overdue']];
    const state = { show: params.get('show') || 'all', sort: params.get('sort') || 'newest', selected: params.get('task'), tasks: [], shown: null, pane: null };
    const list = h('ul', { class: 'task-list', 'data-test': 'task-list', role: 'listbox', tabindex: '0', 'aria-label': 'Tasks' });
    const pane = h('div', { class: 'task-pane' });
    const chips = h('div', { class: 'chips', role: 'group', 'aria-label': 'Show' }, filters.map(([value, label]) => h('button', {
      type: 'button', 'data-test': 'show-' + value, 'aria-pressed': String(state.show === value), onclick: () => navigate({ show: value }),
    }, label)));
    const sort = h('select', { 'data-test': 'sort', 'aria-label': 'Sort', onchange: () => navigate({ sort: sort.value }) },
      [['newest', 'Newest'], ['oldest', 'Oldest'], ['due', 'Due first'], ['priority', 'Priority']].map(([value, label]) => h('option', { value, selected: state.sort === value }, label)));
    show(h('div', { class: 'head' }, h('h1', {}, 'Inbox'), h('span', { class: 'sub' }, 'questions runs asked of people')),
      h('div', { class: 'inbox-bar' }, chips, sort),
      h('div', { class: 'inbox', 'data-test': 'inbox' }, h('section', { class: 'card list-card' }, list), pane));
    const signal = abortable();

    function navigate(change) {
      const next = new URLSearchParams({ show: state.show, sort: state.sort, ...change });
      location.hash = '#/tasks?' + next.toString();
    }

    function select(taskId, focusAnswer) {
      state.selected = taskId == null ? null : String(taskId);
      list.querySelectorAll('[data-test="task-row"]').forEach(row => {
        const on = row.dataset.task === state.selected;
        row.setAttribute('aria-selected', String(on));
        if (on) row.scrollIntoView({ block: 'nearest' });
      });
      renderPane(focusAnswer);
    }

    async function renderPane(focusAnswer) {
      const task = state.tasks.find(t => String(t.taskId ?? t.runId) === state.selected);
      if (!task) {
        state.pane = null;
        pane.replaceChildren();
        return;
      }

      // The pane is drawn again only when the task changed, so a half-filled form is left alone.
      const signature = JSON.stringify([task.taskId, task.runId, task.status, task.claimedBy, task.users, task.roles, task.overdue, task.allowed]);
      if (signature !== state.pane) {
        state.pane = signature;
        let full = task;
        if (task.taskId != null) {
          try { full = await api('/tasks/' + task.taskId, { signal }); } catch (error) { if (signal.aborted) return; }
        }
        pane.replaceChildren(taskCard(full, () => { state.shown = null; state.pane = null; setTimeout(load, 300); }));
      }

      if (focusAnswer) {
        const first = pane.querySelector('form input, form textarea, form button');
        if (first) first.focus();
      }
    }

    list.addEventListener('keydown', event => {
      const ids = state.tasks.map(t => String(t.taskId ?? t.runId));
      const at = ids.indexOf(state.selected);
      if (event.key === 'ArrowDown' || event.key === 'j') { event.preventDefault(); select(ids[Math.min(ids.length - 1, at + 1)]); }
      else if (event.key === 'ArrowUp' || event.key === 'k') { event.preventDefault(); select(ids[Math.max(0, at - 1)]); }
      else if (event.key === 'Enter') { event.preventDefault(); select(state.selected, true); }
    });

    const row = task => {
      const id = String(task.taskId ?? task.runId);
      const due = dueText(task);
      return h('li', {
        class: 'task-row' + (task.overdue ? ' overdue' : ''), role: 'option', 'data-test': 'task-row', 'data-task': id, 'data-run': task.runId,
        'aria-selected': String(id === state.selected), onclick: () => select(id),
      },
      h('div', { class: 'title' }, taskTitle(task), task.priority > 0 ? h('span', { class: 'badge' }, 'P' + task.priority) : null),
      h('div', { class: 'meta' }, task.workflow, ' · ', assignees(task), ' · ', ago(task.waitingSince),
        due ? [' · ', h('span', { class: task.overdue ? 'badge overdue' : 'badge', 'data-test': 'due' }, due)] : null));
    };

    const load = async () => {
      try {
        const query = new URLSearchParams({ show: state.show, sort: state.sort, limit: '100' });
        const tasks = await api('/tasks?' + query.toString(), { signal });
        const signature = JSON.stringify(tasks.tasks.map(t => [t.taskId, t.runId, t.claimedBy, t.users, t.roles, t.overdue, t.dueAt]));
        if (signature === state.shown) return;
        state.shown = signature;
        state.tasks = tasks.tasks;
        list.replaceChildren(...(tasks.tasks.length === 0
          ? [h('li', { class: 'empty' }, state.show === 'all' ? 'Nothing is waiting for you.' : 'No tasks here. Try All.')]
          : tasks.tasks.map(row)));
        if (!tasks.tasks.some(t => String(t.taskId ?? t.runId) === state.selected)) {
          state.selected = tasks.tasks.length ? String(tasks.tasks[0].taskId ?? tasks.tasks[0].runId) : null;
        }
        select(state.selected);
      } catch (error) {
        if (!signal.aborted && error.status !== 401) list.replaceChildren(h('li', {}, failure(error)));
      }
    };
    every(3000, load);
  }

  async function renderSchedules() {
    const body = h('tbody', {});
    show(h('div', { class: 'head' }, h('h1', {}, 'Schedules'), h('span', { class: 'sub' }, 'workflows started on a cron expression or an interval')),
      h('section', { class: 'card' }, h('table', { class: 'runs', 'data-test': 'schedules' },
        h('thead', {}, h('tr', {}, ...['Schedule', 'Workflow', 'When', 'Next', 'Last run', ''].map(title => h('th', {}, title)))), body)));
    const administers = may('administer');
    const act = (schedule, verb, label, options) => h('button', { 'data-test': verb, onclick: async () => {
      if (verb === 'delete' && !confirm('Delete schedule ' + schedule.scheduleId + '? Its runs are kept.')) return;
      try { await api('/schedules/' + encodeURIComponent(schedule.scheduleId) + (verb === 'delete' ? '' : '/' + verb), options); toast('Schedule ' + schedule.scheduleId + ': ' + label.toLowerCase()); load(); } catch (error) { toast(error.message); }
    } }, label);
    const load = async () => {
      try {
        const schedules = await api('/schedules');
        body.replaceChildren(...(schedules.length === 0
          ? [h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'No schedules.'))]
          : schedules.map(schedule => h('tr', { 'data-schedule': schedule.scheduleId, 'data-paused': String(schedule.paused) },
            h('td', { class: 'mono' }, schedule.scheduleId),
            h('td', {}, schedule.workflow),
            h('td', {}, schedule.cron ? schedule.cron + ' (' + schedule.timeZone + ')' : 'every ' + schedule.every),
            h('td', {}, schedule.paused ? 'paused' : (schedule.nextDueAt ? until(schedule.nextDueAt) : '-')),
            h('td', {}, schedule.lastRunId ? h('a', { href: '#/runs/' + encodeURIComponent(schedule.lastRunId), class: 'mono' }, shortId(schedule.lastRunId)) : '-'),
            h('td', { class: 'actions' }, ...(administers
              ? [schedule.paused ? act(schedule, 'resume', 'Resume', { method: 'POST' }) : act(schedule, 'pause', 'Pause', { method: 'POST' }), act(schedule, 'delete', 'Delete', { method: 'DELETE' })]
              : []))))));
      } catch (error) {
        if (error.status !== 401) body.replaceChildren(h('tr', {}, h('td', { colspan: 6 }, failure(error))));
      }
    };
    await load();
  }

  // ---- administration: webhooks and who may call ---------------------------------------------

  // A button that asks twice: the first click arms it, the second acts, Cancel puts it back.
  function armedButton(label, testId, action) {
    const button = h('button', { type: 'button', class: 'danger', 'data-test': testId, onclick: () => {
      const cancel = h('button', { type: 'button', 'data-test': 'cancel-' + testId, onclick: () => { confirmButton.replaceWith(button); cancel.remove(); } }, 'Cancel');
      const confirmButton = h('button', { type: 'button', class: 'reject armed', 'data-test': 'confirm-' + testId, onclick: action }, 'Confirm: ' + label.toLowerCase());
      button.replaceWith(confirmButton, cancel);
    } }, label);
    return button;
  }

  const chipList = items => h('span', { class: 'chip-list' }, ...items.map(item => h('span', { class: 'badge' }, item)));

  async function renderWebhooks() {
    const body = h('tbody', {});
    const secretBox = h('div', { 'data-test': 'secret-box' });
    const all = await workflows();
    const url = h('input', { type: 'text', name: 'url', required: true, placeholder: 'https://example.com/hooks/workflows', 'data-test': 'webhook-url' });
    const events = h('input', { type: 'text', name: 'events', placeholder: 'run.completed, task.* — every change when empty', 'data-test': 'webhook-events' });
    const workflow = h('select', { name: 'workflow', 'data-test': 'webhook-workflow' }, h('option', { value: '' }, 'every workflow'), ...all.map(w => h('option', { value: w.name }, w.name)));
    const description = h('input', { type: 'text', name: 'description', placeholder: 'what it is for', 'data-test': 'webhook-description' });
    const errors = h('div', {});
    const form = h('form', { class: 'card', 'data-test': 'add-webhook', onsubmit: async event => {
      event.preventDefault();
      errors.replaceChildren();
      const topics = events.value.split(',').map(t => t.trim()).filter(Boolean);
      try {
        const created = await api('/webhooks', { method: 'POST', body: { url: url.value.trim(), events: topics.length ? topics : null, workflow: workflow.value || null, description: description.value.trim() || null } });
        form.reset();
        secretBox.replaceChildren(h('div', { class: 'card secret' },
          h('h2', {}, 'Subscribed ' + created.url),
          h('p', { class: 'sub' }, 'Its signing secret, shown this once: keep it where the receiver checks signatures.'),
          h('code', { class: 'mono', 'data-test': 'secret' }, created.secret),
          h('button', { type: 'button', class: 'copy', onclick: async () => { await navigator.clipboard.writeText(created.secret).catch(() => {}); toast('Secret copied'); } }, 'Copy')));
        load();
      } catch (error) {
        errors.replaceChildren(failure(error));
      }
    } },
    h('h2', {}, 'Add a subscription'),
    h('label', {}, 'URL', url),
    h('label', {}, 'Topics ', h('span', { class: 'hint' }, 'run.queued, run.completed, run.failed, task.created, task.overdue… or run.*, task.*'), events),
    h('label', {}, 'Workflow', workflow),
    h('label', {}, 'Description', description),
    errors,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, 'Subscribe')));
    show(h('div', { class: 'head' }, h('h1', {}, 'Webhooks'), h('span', { class: 'sub' }, 'run and task changes sent, signed, to your URLs')),
      secretBox,
      h('section', { class: 'card' }, h('table', { class: 'runs', 'data-test': 'webhooks' },
        h('thead', {}, h('tr', {}, ...['URL', 'Topics', 'Workflow', 'Since', ''].map(title => h('th', {}, title)))), body)),
      form);
    const load = async () => {
      try {
        const subscriptions = await api('/webhooks');
        body.replaceChildren(...(subscriptions.length === 0
          ? [h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'No subscriptions.'))]
          : subscriptions.map(subscription => h('tr', { 'data-test': 'webhook', 'data-webhook': subscription.id, 'data-enabled': String(subscription.enabled) },
            h('td', { class: 'wrap' }, h('a', { href: '#/webhooks/' + encodeURIComponent(subscription.id), class: 'run-title' }, subscription.url),
              subscription.description ? h('div', { class: 'sub' }, subscription.description) : null,
              subscription.enabled ? null : h('div', { class: 'sub' }, h('span', { class: 'badge overdue' }, 'disabled: the receiver answered 410 Gone'))),
            h('td', {}, chipList(subscription.events)),
            h('td', {}, subscription.workflow || 'every workflow'),
            h('td', { class: 'when' }, ago(subscription.createdAt)),
            h('td', { class: 'actions' }, armedButton('Delete', 'delete', async () => {
              try { await api('/webhooks/' + encodeURIComponent(subscription.id), { method: 'DELETE' }); toast('Unsubscribed ' + subscription.url); load(); } catch (error) { toast(error.message); }
            }))))));
      } catch (error) {
        if (error.status !== 401) body.replaceChildren(h('tr', {}, h('td', { colspan: 5 }, failure(error))));
      }
    };
    await load();
  }

  // One subscription's delivery log, newest first, a page at a time, each delivery's attempts beneath it.
  async function renderWebhook(id) {
    const subscription = await api('/webhooks/' + encodeURIComponent(id));
    const list = h('tbody', {});
    const more = h('button', { type: 'button', 'data-test': 'older', hidden: true }, 'Older deliveries');
    show(h('div', { class: 'head' },
      h('div', {}, h('h1', {}, 'Deliveries'), h('div', { class: 'sub wrap' }, subscription.url, ' · ', subscription.events.join(', '), ' · ', subscription.workflow || 'every workflow')),
      h('a', { href: '#/webhooks' }, '← Webhooks')),
    h('section', { class: 'card' }, h('table', { class: 'runs', 'data-test': 'deliveries' },
      h('thead', {}, h('tr', {}, ...['Topic', 'Run', 'Status', 'Attempts', 'Created'].map(title => h('th', {}, title)))), list),
    h('div', { class: 'pager' }, more)));
    const row = delivery => h('tr', { 'data-test': 'delivery', 'data-status': delivery.status },
      h('td', {}, h('details', {},
        h('summary', {}, delivery.topic),
        h('ol', { class: 'attempts' }, ...delivery.attemptLog.map(a => h('li', {},
          `#${a.attempt} ${new Date(a.at).toLocaleString()} · `, a.statusCode ? 'HTTP ' + a.statusCode : 'no answer', a.error ? ' · ' + a.error : '', ` · ${a.durationMs} ms`))),
        h('pre', {}, JSON.stringify(delivery.payload, null, 2)))),
      h('td', {}, delivery.runId ? h('a', { href: '#/runs/' + encodeURIComponent(delivery.runId), class: 'mono' }, shortId(delivery.runId)) : '-'),
      h('td', {}, h('span', { class: 'status ' + (delivery.status === 'delivered' ? 'completed' : delivery.status === 'failed' ? 'failed' : 'queued') }, delivery.status),
        delivery.status === 'pending' && delivery.nextAttemptAt ? h('div', { class: 'sub' }, 'next ' + until(delivery.nextAttemptAt)) : null,
        delivery.lastError ? h('div', { class: 'sub wrap' }, delivery.lastError) : null),
      h('td', {}, String(delivery.attempts), delivery.lastStatusCode ? h('div', { class: 'sub' }, 'last HTTP ' + delivery.lastStatusCode) : null),
      h('td', { class: 'when' }, ago(delivery.createdAt)));
    const load = async before => {
      try {
        const found = await api('/webhooks/' + encodeURIComponent(id) + '/deliveries?limit=50' + (before ? '&before=' + before : ''));
        if (!before) list.replaceChildren();
        list.append(...found.deliveries.map(row));
        if (!before && found.deliveries.length === 0) list.append(h('tr', {}, h('td', { colspan: 5, class: 'empty' }, 'Nothing sent yet.')));
        more.hidden = found.next == null;
        more.onclick = () => load(found.next);
      } catch (error) {
        if (error.status !== 401) list.replaceChildren(h('tr', {}, h('td', { colspan: 5 }, failure(error))));
      }
    };
    await load(null);
  }

  // Who may call: the configured keys (never their secrets), the role grants and the sign-in schemes.
  async function renderAccess() {
    const access = await api('/access');
    show(h('div', { class: 'head' }, h('h1', {}, 'Access'), h('span', { class: 'sub' }, 'API keys for machines, roles for people')),
      h('section', { class: 'card' },
        h('h2', {}, 'API keys'),
        h('table', { class: 'runs', 'data-test': 'keys' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Name'), h('th', {}, 'Permissions'))),
          h('tbody', {}, ...(access.keys.length === 0
            ? [h('tr', {}, h('td', { colspan: 2, class: 'empty' }, 'No API keys are configured.'))]
            : access.keys.map(key => h('tr', { 'data-test': 'key', 'data-key': key.name },
              h('td', {}, key.name, key.name === session.me.id && session.me.kind === 'key' ? h('span', { class: 'sub' }, ' (you)') : null),
              h('td', {}, chipList(key.permissions), key.grantedByDefault ? h('div', { class: 'sub', 'data-test': 'by-default' }, 'none listed: granted as before permissions existed (list them)') : null))))))),
      h('section', { class: 'card' },
        h('h2', {}, 'Roles'),
        h('table', { class: 'runs', 'data-test': 'roles' },
          h('thead', {}, h('tr', {}, h('th', {}, 'Role'), h('th', {}, 'Permissions'))),
          h('tbody', {}, ...(access.roles.length === 0
            ? [h('tr', {}, h('td', { colspan: 2, class: 'empty' }, 'No role is granted anything: people signed in can do nothing.'))]
            : access.roles.map(role => h('tr', { 'data-test': 'role', 'data-role': role.role }, h('td', {}, role.role), h('td', {}, chipList(role.permissions))))))),
        h('p', { class: 'sub' }, access.authenticationSchemes.length === 0
          ? 'People sign in with no scheme: only API keys are accepted.'
          : 'People sign in with ' + access.authenticationSchemes.join(', ') + '.')),
      h('p', { class: 'sub' }, 'Keys, roles and schemes are configuration (Workflows:Server:ApiKeys, Roles, AuthenticationSchemes): change them there and restart the server.'));
  }

  async function renderWorkflows() {
    const all = await workflows();
    show(h('div', { class: 'head' }, h('h1', {}, 'Workflows')), ...all.map(workflow => {
      const graph = h('div', { class: 'graph' });
      drawGraph(graph, workflow, null);
      return h('section', { class: 'card', 'data-test': 'workflow', 'data-workflow': workflow.name },
        h('h2', {}, workflow.name),
        h('p', { class: 'sub' }, `${workflow.steps.length} steps · starts with ${workflow.startEvent.name} · ends with ${workflow.stopEvent.name}`),
        h('div', { class: 'grid' },
          graph,
          may('start') ? h('div', {}, h('h2', {}, 'Start a run'), eventForm(workflow.startEvent.schema, {
            submitLabel: 'Start run',
            testId: 'start',
            onSubmit: async data => {
              const run = await api('/workflows/' + encodeURIComponent(workflow.name) + '/runs', { method: 'POST', body: data });
              toast('Run started');
              location.hash = '#/runs/' + encodeURIComponent(run.runId);
            },
          })) : h('p', { class: 'sub', 'data-test': 'may-not-start' }, 'Starting runs takes the start permission.')));
    }));
  }

  function debounce(action, ms) {
    let timer = null;
    let running = null;
    return () => new Promise(resolve => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        await running;
        running = action();
        await running;
        resolve();
      }, ms);
    });
  }

  // ---- routing --------------------------------------------------------------------------------

  // Without a key, a person may already be signed in to the app with a cookie: ask the API who they
  // are — only where the server says people sign in (SignInPath); elsewhere only keys do.
  async function signedInWithAccount() {
    if (session.account) return true;
    if (!signInPath) return false;
    const response = await fetch(apiBase + '/me', { headers: { Accept: 'application/json' } }).catch(() => null);
    if (!response || !response.ok) return false;
    session.account = true;
    session.me = null;
    return true;
  }

  async function route() {
    leavePage();
    if (!session.key && !await signedInWithAccount()) {
      renderSignIn();
      return;
    }

    const [path, search] = location.hash.replace(/^#/, '').split('?');
    const parts = path.split('/').filter(Boolean);
    const section = parts[0] || 'runs';
    document.querySelectorAll('[data-nav]').forEach(link => link.classList.toggle('active', link.dataset.nav === section));
    try {
      await whoAmI();
      if (section === 'runs' && parts[1]) await renderRun(decodeURIComponent(parts[1]));
      else if (section === 'tasks') await renderTasks(new URLSearchParams(search || ''));
      else if (section === 'workflows') await renderWorkflows();
      else if (section === 'schedules') await renderSchedules();
      else if (section === 'webhooks' && parts[1]) await renderWebhook(decodeURIComponent(parts[1]));
      else if (section === 'webhooks') await renderWebhooks();
      else if (section === 'access') await renderAccess();
      else await renderRuns(new URLSearchParams(search || ''));
    } catch (error) {
      if (error.status !== 401) show(failure(error));
    }
  }

  async function countTasks() {
    if (!session.key && !session.account) return;
    try {
      const tasks = await api('/tasks?limit=1');
      const badge = document.getElementById('task-count');
      badge.textContent = tasks.total;
      badge.hidden = tasks.total === 0;
    } catch {
      // Shown again at the next count.
    }
  }

  // A person signed in with a cookie signs out of the app; a key is forgotten by this tab.
  document.getElementById('sign-out').addEventListener('click', () => {
    if (session.account && signOutPath) location.href = signOutPath;
    else signOut('Signed out.');
  });
  window.addEventListener('hashchange', () => {
    takeKeyFromAddress();
    route().then(countTasks);
  });
  setInterval(countTasks, 5000);
  route().then(countTasks);
})();
