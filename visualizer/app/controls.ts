/** Small builders for the control panel's form fields; each returns the field's wrapper. */

export interface Choice {
  value: string;
  label: string;
  /** Choices with a group are listed under its heading, groups in the order they first appear. */
  group?: string;
  /** Shown on hover. */
  title?: string;
}

/** Choices split by group, in order of first appearance; ungrouped ones under "". */
function byGroup(choices: readonly Choice[]): Map<string, Choice[]> {
  const groups = new Map<string, Choice[]>();
  for (const c of choices) groups.set(c.group ?? '', [...(groups.get(c.group ?? '') ?? []), c]);
  return groups;
}

function wrapper(labelText: string, id: string, output = false): { row: HTMLElement; head: HTMLElement } {
  const row = document.createElement('div');
  row.className = 'control';
  row.id = `${id}-row`;
  const head = document.createElement('label');
  head.className = 'label';
  head.htmlFor = id;
  // Its own element, so that the app can rename a control for the device shown.
  const text = document.createElement('span');
  text.id = `${id}-label`;
  text.textContent = labelText;
  head.append(text);
  if (output) {
    const out = document.createElement('output');
    out.id = `${id}-value`;
    out.htmlFor.add(id);
    head.append(out);
  }
  row.append(head);
  return { row, head };
}

export function selectField(labelText: string, id: string, choices: readonly Choice[], value: string): HTMLElement {
  const { row } = wrapper(labelText, id);
  const select = document.createElement('select');
  select.id = id;
  const option = (c: Choice) => {
    const o = new Option(c.label, c.value, c.value === value, c.value === value);
    if (c.title !== undefined) o.title = c.title;
    return o;
  };
  for (const [name, members] of byGroup(choices)) {
    if (name === '') {
      for (const c of members) select.add(option(c));
      continue;
    }
    const group = document.createElement('optgroup');
    group.label = name;
    group.append(...members.map(option));
    select.append(group);
  }
  row.append(select);
  return row;
}

export function numberField(labelText: string, id: string, value: number, min: number, max: number): HTMLElement {
  const { row } = wrapper(labelText, id);
  const input = document.createElement('input');
  Object.assign(input, { type: 'number', id, min: String(min), max: String(max), step: '1', value: String(value) });
  row.append(input);
  return row;
}

/** A range slider with an <output> beside its label that the app fills with the value in words. */
export function sliderField(labelText: string, id: string, value: number, min: number, max: number, step: number): HTMLElement {
  const { row } = wrapper(labelText, id, true);
  const input = document.createElement('input');
  Object.assign(input, { type: 'range', id, min: String(min), max: String(max), step: String(step), value: String(value) });
  row.append(input);
  return row;
}

export function checkboxesField(labelText: string, name: string, choices: readonly Choice[], checked: readonly string[]): HTMLElement {
  const set = document.createElement('fieldset');
  set.className = 'checks';
  set.id = `${name}-row`;
  const legend = document.createElement('legend');
  legend.textContent = labelText;
  set.append(legend);
  for (const [group, members] of byGroup(choices)) {
    if (group !== '') {
      const head = document.createElement('span');
      head.className = 'group';
      head.textContent = `${group}:`;
      set.append(head);
    }
    for (const c of members) {
      const label = document.createElement('label');
      const box = document.createElement('input');
      Object.assign(box, { type: 'checkbox', name, value: c.value, checked: checked.includes(c.value) });
      label.append(box, document.createTextNode(` ${c.label}`));
      if (c.title !== undefined) label.title = c.title;
      set.append(label);
    }
  }
  return set;
}

export function group(title: string, ...fields: HTMLElement[]): HTMLElement {
  const set = document.createElement('fieldset');
  const legend = document.createElement('legend');
  legend.textContent = title;
  set.append(legend, ...fields);
  return set;
}
